import { uploadAnswerProblem } from '../../domain/entries/entry-upload.js';
import type { EnrollRequest, EnrollResponse, EntriesResponse, RulesResponse, StatusResponse, TrustResponse } from '../../domain/protocol/hub-bodies.js';
import type { HubErrorBody } from '../../domain/protocol/hub-errors.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { HUB_ROUTES, routePath, type HubRouteName, type HubRouteQuery } from '../../domain/protocol/hub-routes.js';
import { encodeKioskReport, type KioskReport } from '../../domain/sync/kiosk-report.js';
import type { ArtefactPlacement } from '../../domain/sync/chunk-stream-verifier.js';
import { HubError, isHubError, refusalError } from './hub-error.js';
import { describeCause, integerHeader, parseHubUrl, parseRetryAfter, readAll } from './hub-http.js';
import type { DeviceIdentity } from './device-identity.js';
import { subscribeToHub, type NotifyOptions, type NotifySubscription } from './hub-notifier.js';

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
  /**
   * The kiosk's status report (domain/sync/kiosk-report.ts), read afresh for each signed
   * request and sent with it, under its signature. Absent: requests carry none.
   */
  readonly report?: () => KioskReport | undefined;
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
  /** Set only by the artefact store's path (artefact-hub.ts): where its signed index places the snapshot's stored chunks. */
  readonly placement?: ArtefactPlacement;
}

/** The rule sets, or 304 (none: the kiosk has them). */
export interface RulesDownload extends RulesResponse {
  readonly status: 200 | 304;
  readonly etag?: string;
}

/** The trust files, or 304 (none: the kiosk has them). */
export interface TrustDownload extends TrustResponse {
  readonly status: 200 | 304;
  readonly etag?: string;
}

interface RequestOptions {
  /** The route's path parameters (`:id`). */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal | undefined;
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
/** Rule sets and trust files (a CSCA master list of 600 certificates is about 1 MiB of JSON). */
const MAX_PUBLISHED_BYTES = 16 * 1024 * 1024;
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
  async enroll(code: string, publicKeyRaw: Uint8Array, signal?: AbortSignal, expectedHubKey?: string, expectedHubKeySha256?: string): Promise<EnrollResponse> {
    const request: EnrollRequest = {
      code,
      publicKey: Buffer.from(publicKeyRaw).toString('base64'),
      ...(expectedHubKey === undefined ? {} : { hubKey: expectedHubKey }),
      ...(expectedHubKeySha256 === undefined ? {} : { hubKeySha256: expectedHubKeySha256 }),
    };
    const body = new TextEncoder().encode(JSON.stringify(request));
    const answer = await this.request('enroll', { body, headers: { [HUB_HEADERS.contentType]: 'application/json' }, signal });
    const json = await this.json(answer, MAX_JSON_BYTES);
    const ok =
      typeof json.deviceId === 'string' &&
      typeof json.location === 'string' &&
      typeof json.hubPublicKey === 'string' &&
      typeof json.hubKeyId === 'string' &&
      Number.isSafeInteger(json.seq);
    if (!ok) throw new HubError('bad-response', 200, 'the hub’s enrolment answer lacks deviceId, location, hubPublicKey, hubKeyId or seq');
    return json as unknown as EnrollResponse;
  }

  async status(signal?: AbortSignal): Promise<StatusResponse> {
    const json = await this.json(await this.request('status', { signal }), MAX_JSON_BYTES);
    if (!Number.isSafeInteger(json.seq)) throw new HubError('bad-response', 200, 'the hub’s status has no sequence');
    return json as unknown as StatusResponse;
  }

  /** The snapshot at `seq` (default: the newest), from chunk `from` (default 0). */
  snapshot(options: { seq?: number; from?: number; ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<ChunkDownload> {
    return this.chunks('snapshot', { seq: options.seq, from: options.from }, options.ifNoneMatch, options.signal);
  }

  /** Everyone changed after `since`, up to the hub's current sequence. */
  delta(since: number, options: { ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<ChunkDownload> {
    return this.chunks('delta', { since }, options.ifNoneMatch, options.signal);
  }

  async rules(options: { ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<RulesDownload> {
    const { status, etag, list } = await this.publishedList('rules', 'ruleSets', options);
    return { status, ...(etag === undefined ? {} : { etag }), ruleSets: list };
  }

  async trust(options: { ifNoneMatch?: string; signal?: AbortSignal } = {}): Promise<TrustDownload> {
    const { status, etag, list } = await this.publishedList('trust', 'trustFiles', options);
    return { status, ...(etag === undefined ? {} : { etag }), trustFiles: list };
  }

  /**
   * What the hub publishes signed for every kiosk (rule sets, trust files): a list under
   * `field`, fetched conditionally — 304 (empty list) when the kiosk holds the ETag's version.
   * Each item's signature is the caller's to check.
   */
  private async publishedList(
    route: 'rules' | 'trust',
    field: 'ruleSets' | 'trustFiles',
    options: { ifNoneMatch?: string; signal?: AbortSignal },
  ): Promise<{ status: 200 | 304; etag: string | undefined; list: unknown[] }> {
    const answer = await this.request(route, { headers: conditional(options.ifNoneMatch), signal: options.signal });
    const etag = answer.response.headers.get(HUB_HEADERS.etag) ?? undefined;
    if (answer.response.status === 304) {
      answer.discard();
      return { status: 304, etag, list: [] };
    }
    const json = await this.json(answer, MAX_PUBLISHED_BYTES);
    const list = json[field];
    if (!Array.isArray(list)) throw new HubError('bad-response', 200, `the hub’s ${route} answer has no ${field} list`);
    return { status: 200, etag, list };
  }

  /**
   * Uploads one batch of the entry log: `gzipJson` is the gzip of `{"entries": [...]}`
   * (domain/entries/entry-upload.ts), signed with the request. Resolves with the hub's
   * answer, its shape checked; the caller verifies the receipt's signature.
   */
  async uploadEntries(gzipJson: Uint8Array, signal?: AbortSignal): Promise<EntriesResponse> {
    const headers = { [HUB_HEADERS.contentType]: 'application/json', [HUB_HEADERS.contentEncoding]: 'gzip' };
    const json = await this.json(await this.request('entries', { body: gzipJson, headers, signal }), MAX_JSON_BYTES);
    const problem = uploadAnswerProblem(json);
    if (problem !== undefined) throw new HubError('bad-response', 200, `the hub’s upload answer is not one: ${problem}`);
    return json as unknown as EntriesResponse;
  }

  /**
   * What the hub knows of one person outside the kiosk's data (`GET /v1/person/:id/facts`):
   * the signed answer as sent, for the caller to check (main/sync/person-facts-check.ts).
   * The caller bounds it with `signal`: a person is waiting at the gate.
   */
  async personFacts(id12: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.json(await this.request('personFacts', { params: { id: id12 }, signal }), MAX_JSON_BYTES);
  }

  /**
   * Listens for the hub's sequence notices on the WebSocket, reconnecting with backoff
   * until closed. `onSeq` gets every sequence the hub announces.
   */
  notify(onSeq: (seq: number) => void, options: NotifyOptions = {}): NotifySubscription {
    const url = this.endpoint(HUB_ROUTES.notify.path, {});
    return subscribeToHub(url, () => this.signatureHeaders('GET', url), onSeq, { handshakeTimeoutMs: this.connectTimeoutMs, ...options });
  }

  private async chunks<R extends 'snapshot' | 'delta'>(
    route: R,
    query: HubRouteQuery<R>,
    ifNoneMatch: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ChunkDownload> {
    const answer = await this.request(route, { query, headers: conditional(ifNoneMatch), signal });
    const { response } = answer;
    const etag = response.headers.get(HUB_HEADERS.etag) ?? undefined;
    const seq = integerHeader(response, HUB_HEADERS.seq);
    const totalChunks = integerHeader(response, HUB_HEADERS.chunks);
    const meta = { ...(etag === undefined ? {} : { etag }), ...(seq === undefined ? {} : { seq }), ...(totalChunks === undefined ? {} : { totalChunks }) };
    if (response.status === 304) {
      answer.discard();
      return { status: 304, ...meta, body: EMPTY };
    }
    if (seq === undefined) {
      answer.discard();
      throw new HubError('bad-response', response.status, `the hub’s ${HUB_ROUTES[route].path} answer has no ${HUB_HEADERS.seq} header`);
    }
    return { status: 200, ...meta, body: answer.body };
  }

  /**
   * Sends one request to a route of the API, with its method, signed when the route wants a
   * device's signature; resolves with a 2xx or 304 answer, throws a HubError for anything else.
   */
  private async request(route: Exclude<HubRouteName, 'notify' | 'adminTrace'>, options: RequestOptions): Promise<Answer> {
    const { method, path, auth } = HUB_ROUTES[route];
    const url = this.endpoint(routePath(path, options.params), options.query ?? {});
    const headers: Record<string, string> = { ...options.headers, ...(auth === 'device' ? this.signatureHeaders(method, url, options.body) : {}) };
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
      response = await this.fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: new Uint8Array(options.body) }),
        signal,
        redirect: 'manual',
      });
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
          if (stalled)
            throw new HubError('timeout', response.status, `the hub stopped sending for ${seconds(this.stallTimeoutMs)} in the middle of a download`);
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
    const retryAfterMs = parseRetryAfter(response.headers.get(HUB_HEADERS.retryAfter));
    if (response.status >= 300 && response.status < 400) {
      answer.discard();
      return new HubError('bad-response', response.status, `the hub redirects to ${response.headers.get('location') ?? '?'}: use that URL`);
    }
    let text = '';
    try {
      text = new TextDecoder().decode(await readAll(body, MAX_ERROR_BYTES));
    } catch (error) {
      if (isHubError(error, 'aborted')) throw error;
    }
    // Unknown until checked: the fields of a HubErrorBody, of any type.
    let json: { readonly [K in keyof HubErrorBody]?: unknown } = {};
    try {
      json = (JSON.parse(text) ?? {}) as typeof json;
    } catch {
      // Not the hub's JSON: a proxy's error page, most likely.
    }
    const message = typeof json.message === 'string' ? json.message : `the hub answered HTTP ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
    return refusalError(json.error, message, response.status, retryAfterMs, response.status >= 500 ? 'unavailable' : 'bad-response');
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

  private endpoint(path: string, query: Readonly<Record<string, string | number | undefined>>): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    const params = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
    url.search = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
    return url;
  }

  private signatureHeaders(method: string, url: URL, body?: Uint8Array): Record<string, string> {
    const identity = this.options.identity;
    if (identity === undefined) throw new Error('this kiosk is not enrolled: run `chot enroll` first');
    const report = this.options.report?.();
    // Signed over exactly what goes on the wire: the URL's own serialisation of path and query.
    return identity.signRequest(
      method,
      `${url.pathname}${url.search}`,
      body,
      this.options.now?.(),
      report === undefined ? undefined : encodeKioskReport(report),
    );
  }
}

const conditional = (etag: string | undefined): Record<string, string> => (etag === undefined ? {} : { [HUB_HEADERS.ifNoneMatch]: etag });
const aborted = (): HubError => new HubError('aborted', 0, 'the request to the hub was stopped');
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
