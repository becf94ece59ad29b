import { uploadAnswerProblem, type UploadAnswer } from '../../domain/entries/entry-upload.js';
import type { DeviceIdentity } from '../enrollment/device-identity.js';
import { subscribeToHub, type NotifyOptions, type NotifySubscription } from './hub-notifier.js';

/**
 * A refusal or failure talking to the hub. `code` is the hub's own (`snapshot-gone`,
 * `delta-too-large`, `unknown-code`, … — docs/hub-api.md) when it answered with one, else
 * the client's: `unreachable` (no connection), `timeout` (no answer, or a body that stopped
 * arriving), `interrupted` (the connection broke mid-body), `bad-response` (not what the
 * protocol says), `aborted` (stopped by the caller). `status` is 0 when there was no answer.
 */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** From `Retry-After`: when the hub asked to be asked again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Failures that mean "the hub cannot be reached right now", not "the hub said no". */
const OFFLINE_CODES = new Set(['unreachable', 'timeout', 'interrupted']);
export const isHubOffline = (error: unknown): boolean => error instanceof HubError && OFFLINE_CODES.has(error.code);

export interface HubClientOptions {
  /** The hub's base URL (http or https; a path prefix is kept). */
  readonly url: string;
  /** Signs every request but enrolment; needed for everything after `enroll`. */
  readonly identity?: DeviceIdentity | undefined;
  /** How long to wait for the hub's response headers (default 15 s). */
  readonly connectTimeoutMs?: number;
  /** How long a body may go without a byte before the download is abandoned (default 30 s). */
  readonly stallTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** The clock requests are signed with. */
  readonly now?: () => number;
}

export interface EnrollResponse {
  readonly deviceId: string;
  readonly location: string;
  /** Base64 raw 32-byte Ed25519 key. */
  readonly hubPublicKey: string;
  readonly hubKeyId: string;
  readonly seq: number;
}

export interface HubStatus {
  readonly seq: number;
  readonly snapshotSeq: number | null;
  readonly hubKeyId: string;
  readonly serverTime: number;
}

/** A snapshot or delta download. `body` is the raw bytes as they arrive (frame them with frameChunks); read it once. */
export interface ChunkDownload {
  readonly status: 200 | 304;
  /** `X-Chot-Seq`: the snapshot's S or the delta's T. */
  readonly seq?: number;
  readonly etag?: string;
  /** `X-Chot-Chunks` (snapshots). */
  readonly totalChunks?: number;
  readonly body: AsyncIterable<Uint8Array>;
}

export interface RulesResponse {
  readonly status: 200 | 304;
  readonly etag?: string;
  /** The signed rule sets, unverified: the kiosk checks each before installing it. */
  readonly ruleSets: readonly unknown[];
}

interface RequestOptions {
  readonly query?: Readonly<Record<string, number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal | undefined;
  readonly signed: boolean;
}

interface Answer {
  readonly response: Response;
  /** The body with the stall timeout applied; read it, or `discard` the answer. */
  readonly body: AsyncGenerator<Uint8Array>;
  /** Drops an unread body and its connection. */
  discard(): void;
}

const MAX_ERROR_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 1024 * 1024;
const MAX_RULES_BYTES = 16 * 1024 * 1024;
const EMPTY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * The kiosk's client of the hub API (docs/hub-api.md), over Node's fetch. Every request
 * but enrolment is signed with the device key over the exact path and query sent. A hub
 * that does not answer, or stops sending in the middle of a body, is abandoned after a
 * timeout instead of hanging the kiosk's sync forever.
 */
export class HubClient {
  private readonly base: URL;
  private readonly fetch: typeof fetch;
  private readonly connectTimeoutMs: number;
  private readonly stallTimeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.base = parseHubUrl(options.url);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  get url(): string {
    return this.base.href;
  }

  /** `expectedHubKey` (base64): the hub refuses (`wrong-hub-key`) before spending the code if its key differs. */
  async enroll(code: string, publicKeyRaw: Uint8Array, signal?: AbortSignal, expectedHubKey?: string): Promise<EnrollResponse> {
    const request = { code, publicKey: Buffer.from(publicKeyRaw).toString('base64'), ...(expectedHubKey === undefined ? {} : { hubKey: expectedHubKey }) };
    const body = new TextEncoder().encode(JSON.stringify(request));
    const answer = await this.request('POST', '/v1/enroll', { body, headers: { 'content-type': 'application/json' }, signal, signed: false });
    const json = await this.json(answer, MAX_JSON_BYTES);
    const ok =
      typeof json.deviceId === 'string' && typeof json.location === 'string' && typeof json.hubPublicKey === 'string' &&
      typeof json.hubKeyId === 'string' && Number.isSafeInteger(json.seq);
    if (!ok) throw new HubError('bad-response', 200, 'the hub’s enrolment answer lacks deviceId, location, hubPublicKey, hubKeyId or seq');
    return json as unknown as EnrollResponse;
  }

  async status(signal?: AbortSignal): Promise<HubStatus> {
    const json = await this.json(await this.request('GET', '/v1/status', { signal, signed: true }), MAX_JSON_BYTES);
    if (!Number.isSafeInteger(json.seq)) throw new HubError('bad-response', 200, 'the hub’s status has no sequence');
    return json as unknown as HubStatus;
  }

  /** The snapshot at `seq` (default: the newest), from chunk `from` (default 0). */
  snapshot(options: { seq?: number; from?: number; ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<ChunkDownload> {
    return this.chunks('/v1/snapshot', { seq: options.seq, from: options.from }, options.ifNoneMatch, options.signal);
  }

  /** Everyone changed after `since`, up to the hub's current sequence. */
  delta(since: number, options: { ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<ChunkDownload> {
    return this.chunks('/v1/delta', { since }, options.ifNoneMatch, options.signal);
  }

  async rules(options: { ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<RulesResponse> {
    const answer = await this.request('GET', '/v1/rules', { headers: conditional(options.ifNoneMatch), signal: options.signal, signed: true });
    const etag = answer.response.headers.get('etag') ?? undefined;
    if (answer.response.status === 304) {
      answer.discard();
      return { status: 304, ...(etag === undefined ? {} : { etag }), ruleSets: [] };
    }
    const json = await this.json(answer, MAX_RULES_BYTES);
    if (!Array.isArray(json.ruleSets)) throw new HubError('bad-response', 200, 'the hub’s rules answer has no ruleSets list');
    return { status: 200, ...(etag === undefined ? {} : { etag }), ruleSets: json.ruleSets };
  }

  /**
   * Uploads one batch of the entry log: `gzipJson` is the gzip of `{"entries": [...]}`
   * (domain/entries/entry-upload.ts), signed with the request. Resolves with the hub's
   * answer, its shape checked; the caller verifies the receipt's signature.
   */
  async uploadEntries(gzipJson: Uint8Array, signal?: AbortSignal): Promise<UploadAnswer> {
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const json = await this.json(await this.request('POST', '/v1/entries', { body: gzipJson, headers, signal, signed: true }), MAX_JSON_BYTES);
    const problem = uploadAnswerProblem(json);
    if (problem !== undefined) throw new HubError('bad-response', 200, `the hub’s upload answer is not one: ${problem}`);
    return json as unknown as UploadAnswer;
  }

  /**
   * Listens for the hub's sequence notices on the WebSocket, reconnecting with backoff
   * until closed. `onSeq` gets every sequence the hub announces.
   */
  notify(onSeq: (seq: number) => void, options: NotifyOptions = {}): NotifySubscription {
    const url = this.endpoint('/v1/notify', {});
    return subscribeToHub(url, () => this.signatureHeaders('GET', url), onSeq, { handshakeTimeoutMs: this.connectTimeoutMs, ...options });
  }

  private async chunks(route: string, query: Record<string, number | undefined>, ifNoneMatch: string | undefined, signal: AbortSignal | undefined): Promise<ChunkDownload> {
    const answer = await this.request('GET', route, { query, headers: conditional(ifNoneMatch), signal, signed: true });
    const { response } = answer;
    const etag = response.headers.get('etag') ?? undefined;
    const seq = integerHeader(response, 'x-chot-seq');
    const totalChunks = integerHeader(response, 'x-chot-chunks');
    const meta = { ...(etag === undefined ? {} : { etag }), ...(seq === undefined ? {} : { seq }), ...(totalChunks === undefined ? {} : { totalChunks }) };
    if (response.status === 304) {
      answer.discard();
      return { status: 304, ...meta, body: EMPTY };
    }
    if (seq === undefined) {
      answer.discard();
      throw new HubError('bad-response', response.status, `the hub’s ${route} answer has no X-Chot-Seq header`);
    }
    return { status: 200, ...meta, body: answer.body };
  }

  /** Sends one request; resolves with a 2xx or 304 answer, throws a HubError for anything else. */
  private async request(method: string, route: string, options: RequestOptions): Promise<Answer> {
    const url = this.endpoint(route, options.query ?? {});
    const headers: Record<string, string> = { ...options.headers, ...(options.signed ? this.signatureHeaders(method, url, options.body) : {}) };
    const controller = new AbortController();
    const signal = options.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, options.signal]);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.connectTimeoutMs);
    let response: Response;
    try {
      // Redirects are not followed: the signature covers the path asked, not another.
      response = await this.fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: new Uint8Array(options.body) }), signal, redirect: 'manual' });
    } catch (error) {
      if (options.signal?.aborted === true) throw aborted();
      if (timedOut) throw new HubError('timeout', 0, `no answer from the hub at ${this.base.origin} within ${seconds(this.connectTimeoutMs)}`);
      throw new HubError('unreachable', 0, `cannot reach the hub at ${this.base.origin}: ${describeCause(error)}`);
    } finally {
      clearTimeout(timer);
    }
    const answer: Answer = { response, body: this.guardedBody(response, controller, options.signal), discard: () => controller.abort() };
    if ((response.status >= 200 && response.status < 300) || response.status === 304) return answer;
    throw await this.refusal(answer);
  }

  /**
   * The response body, abandoned (and the connection closed) when no byte arrives for the
   * stall timeout, when the caller aborts, or when the reader stops early.
   */
  private async *guardedBody(response: Response, controller: AbortController, callerSignal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    if (response.body === null) return;
    const reader = response.body.getReader();
    let finished = false;
    try {
      for (;;) {
        let stalled = false;
        const timer = setTimeout(() => {
          stalled = true;
          controller.abort();
        }, this.stallTimeoutMs);
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          finished = true;
          if (callerSignal?.aborted === true) throw aborted();
          if (stalled) throw new HubError('timeout', response.status, `the hub stopped sending for ${seconds(this.stallTimeoutMs)} in the middle of a download`);
          throw new HubError('interrupted', response.status, `the download from the hub broke off: ${describeCause(error)}`);
        } finally {
          clearTimeout(timer);
        }
        if (result.done) {
          finished = true;
          return;
        }
        yield result.value;
      }
    } finally {
      // Stopped early (a refused chunk, an error downstream): close the connection instead of leaving it open.
      if (!finished) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
      }
    }
  }

  private async refusal(answer: Answer): Promise<HubError> {
    const { response, body } = answer;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (response.status >= 300 && response.status < 400) {
      answer.discard();
      return new HubError('bad-response', response.status, `the hub redirects to ${response.headers.get('location') ?? '?'}: use that URL`);
    }
    let text = '';
    try {
      text = new TextDecoder().decode(await readAll(body, MAX_ERROR_BYTES));
    } catch (error) {
      if (error instanceof HubError && error.code === 'aborted') throw error;
    }
    let json: { error?: unknown; message?: unknown } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // Not the hub's JSON: a proxy's error page, most likely.
    }
    const code = typeof json.error === 'string' ? json.error : response.status >= 500 ? 'unavailable' : 'bad-response';
    const message = typeof json.message === 'string' ? json.message : `the hub answered HTTP ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
    return new HubError(code, response.status, message, retryAfterMs);
  }

  private async json(answer: Answer, maxBytes: number): Promise<Record<string, unknown>> {
    const bytes = await readAll(answer.body, maxBytes);
    try {
      const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    throw new HubError('bad-response', answer.response.status, 'the hub’s answer is not a JSON object');
  }

  private endpoint(route: string, query: Readonly<Record<string, number | undefined>>): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${route}`;
    const params = Object.entries(query).filter((entry): entry is [string, number] => entry[1] !== undefined);
    url.search = params.map(([name, value]) => `${name}=${value}`).join('&');
    return url;
  }

  private signatureHeaders(method: string, url: URL, body?: Uint8Array): Record<string, string> {
    const identity = this.options.identity;
    if (identity === undefined) throw new Error('this kiosk is not enrolled: run `chot enroll` first');
    // Signed over exactly what goes on the wire: the URL's own serialisation of path and query.
    return identity.signRequest(method, `${url.pathname}${url.search}`, body, this.options.now?.());
  }
}

/** Checks a hub URL: http or https, no query or fragment. Throws a plain Error with the reason. */
export function parseHubUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the hub URL must be http:// or https://, got ${url.protocol}`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') throw new Error('the hub URL takes no query, fragment or credentials');
  return url;
}

async function readAll(body: AsyncGenerator<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const piece of body) {
    size += piece.length;
    if (size > maxBytes) {
      await body.return(undefined);
      throw new HubError('bad-response', 0, `the hub’s answer is larger than ${maxBytes} bytes`);
    }
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
}

const conditional = (etag: string | undefined): Record<string, string> => (etag === undefined ? {} : { 'if-none-match': etag });
const aborted = (): HubError => new HubError('aborted', 0, 'the request to the hub was stopped');
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

function integerHeader(response: Response, name: string): number | undefined {
  const value = response.headers.get(name);
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `Retry-After`: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND…) in its cause. */
function describeCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return `${code} (${current.message})`;
    if (current.cause === undefined) return current.message;
    current = current.cause;
  }
  return String(current);
}
