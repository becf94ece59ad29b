import { createHash } from 'node:crypto';
import {
  ARTEFACT_INDEX_NAME,
  checkArtefactIndex,
  chunkObjectName,
  MAX_ARTEFACT_INDEX_BYTES,
  type ArtefactChunkRef,
  type ArtefactIndex,
} from '../../domain/sync/artefact-index.js';
import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { describeCause } from '../hub-client/hub-http.js';

export interface ArtefactFetcherOptions {
  readonly fetch?: typeof fetch;
  /** How long a GET may wait for its answer's headers, and a body go without a byte. Default 15 s. */
  readonly timeoutMs?: number;
  /** Ranged retries of one chunk after a cut, before the kiosk gives up on the store. Default 3. */
  readonly resumes?: number;
}

/** The store could not give what the index names, or the index itself: the kiosk asks the hub instead. */
export class ArtefactUnavailable extends Error {}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_RESUMES = 3;

/**
 * Reads the hub's artefact store with plain GETs from any static server or CDN (docs/hub-api.md,
 * "Artefacts"): the index, checked against the pinned hub keys, and chunks, each checked
 * against the sha256 the index gives before it is handed on (to the usual chunk checks). A
 * chunk cut off mid-download is continued with `Range` from the byte it reached. Nothing
 * is read beyond the size the index (or the index bound) allows.
 */
export class ArtefactFetcher {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly resumes: number;

  constructor(
    readonly base: string,
    private readonly keys: HubKeyStore,
    options: ArtefactFetcherOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.resumes = options.resumes ?? DEFAULT_RESUMES;
  }

  async index(signal?: AbortSignal): Promise<ArtefactIndex> {
    const bytes = await this.get(ARTEFACT_INDEX_NAME, MAX_ARTEFACT_INDEX_BYTES, 0, signal, { 'cache-control': 'no-cache' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new ArtefactUnavailable('the artefact index is not JSON');
    }
    const check = checkArtefactIndex(parsed, this.keys);
    if (!check.ok) throw new ArtefactUnavailable(`the artefact index is refused (${check.why})`);
    return check.index;
  }

  /** A chunk's bytes, whole and matching the index's sha256. */
  async chunk(ref: ArtefactChunkRef, signal?: AbortSignal): Promise<Uint8Array> {
    const name = chunkObjectName(ref.sha256);
    const parts: Uint8Array[] = [];
    let received = 0;
    // A body cut off (an error mid-read, or a server that closes early) continues from the byte reached.
    for (let attempt = 0; received < ref.bytes; attempt++) {
      if (attempt > this.resumes) throw new ArtefactUnavailable(`${name} was cut off ${attempt} times (${received} of ${ref.bytes} bytes)`);
      let part: Uint8Array;
      try {
        part = await this.get(name, ref.bytes - received, received, signal);
      } catch (error) {
        if (!(error instanceof CutShort)) throw asUnavailable(error);
        part = error.partial;
      }
      parts.push(part);
      received += part.length;
    }
    const bytes = concat(parts, received);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== ref.sha256) throw new ArtefactUnavailable(`${name} does not match its sha256 (the store or a cache altered it)`);
    return bytes;
  }

  /**
   * GETs `name` from byte `offset`, at most `maxBytes`. A body cut off throws CutShort with
   * what arrived; a server that ignores the range (200 to a ranged GET) is refused rather
   * than read from the start again.
   */
  private async get(
    name: string,
    maxBytes: number,
    offset: number,
    signal: AbortSignal | undefined,
    headers: Record<string, string> = {},
  ): Promise<Uint8Array> {
    const controller = new AbortController();
    const combined = signal === undefined ? controller.signal : AbortSignal.any([controller.signal, signal]);
    let timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const url = `${this.base}${name}`;
    try {
      let response: Response;
      try {
        response = await this.fetch(url, {
          headers: { ...headers, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
          signal: combined,
          redirect: 'error',
        });
      } catch (error) {
        throw new ArtefactUnavailable(`${url}: ${describeCause(error)}`);
      }
      const expected = offset > 0 ? 206 : 200;
      if (response.status !== expected) {
        await response.body?.cancel().catch(() => undefined);
        throw new ArtefactUnavailable(`${url}: HTTP ${response.status}${offset > 0 ? ` to a ranged GET from byte ${offset}` : ''}`);
      }
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new ArtefactUnavailable(`${url}: ${declared} bytes, more than the ${maxBytes} expected`);
      }
      const parts: Uint8Array[] = [];
      let length = 0;
      const reader = response.body?.getReader();
      if (reader === undefined) return new Uint8Array(0);
      for (;;) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          if (signal?.aborted === true) throw error;
          throw new CutShort(concat(parts, length), `${url}: cut after ${offset + length} bytes: ${describeCause(error)}`);
        }
        if (result.done) break;
        length += result.value.length;
        if (length > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new ArtefactUnavailable(`${url}: more than the ${maxBytes} bytes expected`);
        }
        parts.push(result.value);
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), this.timeoutMs);
      }
      return concat(parts, length);
    } finally {
      clearTimeout(timer);
    }
  }
}

class CutShort extends Error {
  constructor(
    readonly partial: Uint8Array,
    message: string,
  ) {
    super(message);
  }
}

function asUnavailable(error: unknown): Error {
  if (error instanceof ArtefactUnavailable) return error;
  if (error instanceof CutShort) return new ArtefactUnavailable(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
