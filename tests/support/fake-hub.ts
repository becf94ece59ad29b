import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeSyncChunks, type SyncStreamIdentity } from '../../domain/sync/sync-encoder.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';
import { EnrollmentService, MemoryEnrollmentStore } from '../../hub/enrollment/enrollment-service.js';
import { RequestVerifier } from '../../hub/enrollment/request-verifier.js';
import type { TestHubKey } from './sync-fixtures.js';
import type { EnrollRequest, EnrollResponse, RulesResponse, SeqNotice, StatusResponse, TrustResponse } from '../../domain/protocol/hub-bodies.js';
import { hubErrorStatus, type HubErrorBody, type HubErrorCode } from '../../domain/protocol/hub-errors.js';
import { deltaEtag, HUB_HEADERS, snapshotEtag, SYNC_CONTENT_TYPE } from '../../domain/protocol/hub-headers.js';
import { HUB_ROUTES, hubRouteAt, type HubRouteName } from '../../domain/protocol/hub-routes.js';
import { canonicalHubTime } from '../../domain/protocol/hub-time.js';

/**
 * A hub for the kiosk's sync tests, on the wire contract of domain/protocol (routes, methods,
 * headers, bodies and error codes with their statuses), with the real chunk encoder,
 * enrolment service and request verifier, and able to misbehave on demand: an error
 * answer, a body cut or stalled after k chunks, chunks altered or replaced on the way,
 * and going down (connection refused) and coming back on the same port. It counts and
 * records every request, so tests can tell what the kiosk asked for.
 */
export type FakeRoute = HubRouteName | 'other';

export type FakeFault =
  /** Answer with this refusal of the API instead, at its status. */
  | { readonly kind: 'error'; readonly error: HubErrorCode; readonly message?: string; readonly retryAfterSeconds?: number }
  /** Answer with a code outside the API (a newer hub's): what a kiosk makes of one it does not know. */
  | { readonly kind: 'unknown-error'; readonly status: number; readonly error: string; readonly message?: string }
  /** Send the first k chunks of the body, then drop the connection. */
  | { readonly kind: 'cut'; readonly afterChunks: number }
  /** Send the first k chunks, then nothing, keeping the connection open. */
  | { readonly kind: 'stall'; readonly afterChunks: number }
  /** Serve other chunks than the right ones (tampered, another key's, an older stream). */
  | { readonly kind: 'replace'; readonly chunks: (served: readonly Uint8Array[]) => Uint8Array[] };

export interface FakeRequest {
  readonly method: string;
  readonly route: FakeRoute;
  /** Path with query, as received. */
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

export interface FakeHubOptions {
  readonly key: TestHubKey;
  /** People per chunk (small, so a few hundred people make several chunks). */
  readonly chunkRecords?: number;
  /** Above this many changed people a delta is refused (`delta-too-large`). */
  readonly maxDeltaPeople?: number;
}

export class FakeHub {
  readonly requests: FakeRequest[] = [];
  /** The rule sets `GET /v1/rules` serves, as published (signed). */
  ruleSets: unknown[] = [];
  /** The trust files `GET /v1/trust` serves, as published (signed). */
  trustFiles: unknown[] = [];
  maxDeltaPeople: number;
  /** The enrolment service's clock: move it on to expire codes. */
  clock = Date.now();
  /** The hub's clock that `GET /v1/status` answers and signs (default the real one); `signedTime: false` answers as a hub older than signed time. */
  serverTime: () => number = Date.now;
  signedTime = true;
  private seqValue = 0;
  private readonly people = new Map<string, { person: SyncedPerson; seq: number }>();
  private readonly snapshots: { seq: number; chunks: Uint8Array[] }[] = [];
  private readonly faults = new Map<FakeRoute, FakeFault[]>();
  private readonly store = new MemoryEnrollmentStore();
  private readonly enrollment = new EnrollmentService(this.store, () => this.clock);
  private readonly verifier = new RequestVerifier(this.store);
  private readonly sockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private server: Server;
  private port = 0;

  private constructor(private readonly options: FakeHubOptions) {
    this.maxDeltaPeople = options.maxDeltaPeople ?? Number.POSITIVE_INFINITY;
    this.server = this.createHttpServer();
  }

  static async start(options: FakeHubOptions): Promise<FakeHub> {
    const hub = new FakeHub(options);
    await hub.listen();
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get seq(): number {
    return this.seqValue;
  }

  get keyId(): string {
    return this.options.key.keyId;
  }

  count(route: FakeRoute): number {
    return this.requests.filter((r) => r.route === route).length;
  }

  requestsTo(route: FakeRoute): FakeRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** The next `times` requests to `route` misbehave so. */
  fail(route: FakeRoute, fault: FakeFault, times = 1): void {
    const queue = this.faults.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(route, queue);
  }

  createCode(location = 'Chợ Đầm, Nha Trang', validForMs?: number): Promise<string> {
    return this.enrollment.createCode(location, validForMs).then((made) => made.code);
  }

  /** Imports people: each change gets the next sequence. Returns the new sequence. */
  publish(people: Iterable<SyncedPerson>): number {
    for (const person of people) this.people.set(person.id12, { person, seq: ++this.seqValue });
    return this.seqValue;
  }

  /** Builds the snapshot at the current sequence (fixed chunking from then on); the two newest are kept. */
  buildSnapshot(): number {
    const everyone = [...this.people.values()].map((entry) => entry.person);
    this.snapshots.push({ seq: this.seqValue, chunks: this.encode(everyone, { kind: 'snapshot', fromSeq: 0, toSeq: this.seqValue }) });
    while (this.snapshots.length > 2) this.snapshots.shift();
    return this.seqValue;
  }

  snapshotChunks(seq: number): readonly Uint8Array[] | undefined {
    return this.snapshots.find((s) => s.seq === seq)?.chunks;
  }

  /** Sends `{type: 'seq'}` to every connected kiosk. */
  announce(seq = this.seqValue): void {
    for (const ws of this.wss.clients) ws.send(JSON.stringify({ type: 'seq', seq }));
  }

  /** Sends `{type: 'rules'}` with the ETag `GET /v1/rules` answers with now, as a hub does when a rule set is published. */
  announceRules(): void {
    for (const ws of this.wss.clients) ws.send(JSON.stringify({ type: 'rules', etag: this.rulesEtag() }));
  }

  private rulesEtag(): string {
    return `"rules-${createHash('sha256').update(JSON.stringify(this.ruleSets)).digest('hex').slice(0, 16)}"`;
  }

  get notifyClients(): number {
    return this.wss.clients.size;
  }

  /** Goes down: connections are dropped and new ones refused until `up()`. */
  async down(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Comes back on the same port. */
  async up(): Promise<void> {
    this.server = this.createHttpServer();
    await this.listen();
  }

  async close(): Promise<void> {
    await this.down();
    this.wss.close();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private createHttpServer(): Server {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendError(response, 'internal', error instanceof Error ? error.message : String(error));
        else response.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.record(request);
      void this.verifier.verify({ method: 'GET', pathWithQuery: request.url ?? '/', headers: request.headers, body: new Uint8Array() }).then((result) => {
        if (!result.ok) {
          const body: HubErrorBody = { error: result.refusal, message: `refused: ${result.refusal}` };
          socket.end(`HTTP/1.1 ${hubErrorStatus(result.refusal)} Refused\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(body)}`);
          return;
        }
        this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) => ws.send(JSON.stringify({ type: 'seq', seq: this.seqValue } satisfies SeqNotice)));
      });
    });
    return server;
  }

  private record(request: IncomingMessage): FakeRequest {
    const url = new URL(request.url ?? '/', 'http://hub');
    const route = hubRouteAt(url.pathname) ?? 'other';
    const entry: FakeRequest = { method: request.method ?? 'GET', route, url: request.url ?? '/', query: url.searchParams, headers: request.headers };
    this.requests.push(entry);
    return entry;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { route, query } = this.record(request);
    const body = await readBody(request);
    if (route === 'other') return sendError(response, 'not-found', `no route ${request.url}`);
    const { method, auth } = HUB_ROUTES[route];
    if (request.method !== method) return sendError(response, 'method-not-allowed', `${route} takes ${method}`, { [HUB_HEADERS.allow]: method });
    let deviceId: string | undefined;
    if (auth === 'device') {
      const verified = await this.verifier.verify({ method: request.method, pathWithQuery: request.url ?? '/', headers: request.headers, body });
      if (!verified.ok) return sendError(response, verified.refusal, `refused: ${verified.refusal}`);
      deviceId = verified.device.deviceId;
    }
    const fault = this.faults.get(route)?.shift();
    if (fault?.kind === 'error') {
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { [HUB_HEADERS.retryAfter]: String(fault.retryAfterSeconds) };
      return sendError(response, fault.error, fault.message ?? `fake hub: ${fault.error}`, headers);
    }
    if (fault?.kind === 'unknown-error') return sendJson(response, fault.status, { error: fault.error, message: fault.message ?? `fake hub: ${fault.error}` });
    switch (route) {
      case 'enroll':
        return this.enroll(body, response);
      case 'status': {
        const serverTime = this.serverTime();
        const time = { kioskId: deviceId ?? '', issuedAt: serverTime, hubKeyId: this.keyId };
        const signature = Buffer.from(this.options.key.sign(canonicalHubTime(time))).toString('base64url');
        return sendJson(response, 200, {
          seq: this.seqValue,
          snapshotSeq: this.snapshots.at(-1)?.seq ?? null,
          hubKeyId: this.keyId,
          serverTime,
          ...(this.signedTime ? { signedTime: { time, signature } } : {}),
        } satisfies StatusResponse);
      }
      case 'snapshot':
        return this.snapshot(request, query, response, fault);
      case 'delta':
        return this.delta(request, query, response, fault);
      case 'rules': {
        const etag = this.rulesEtag();
        if (request.headers[HUB_HEADERS.ifNoneMatch] === etag) return void response.writeHead(304, { [HUB_HEADERS.etag]: etag }).end();
        return sendJson(response, 200, { ruleSets: this.ruleSets } satisfies RulesResponse, { [HUB_HEADERS.etag]: etag });
      }
      case 'trust': {
        const etag = `"trust-${createHash('sha256').update(JSON.stringify(this.trustFiles)).digest('hex').slice(0, 16)}"`;
        if (request.headers[HUB_HEADERS.ifNoneMatch] === etag) return void response.writeHead(304, { [HUB_HEADERS.etag]: etag }).end();
        return sendJson(response, 200, { trustFiles: this.trustFiles } satisfies TrustResponse, { [HUB_HEADERS.etag]: etag });
      }
      default:
        // Routes the kiosk's sync does not call here (uploads, the admin API, a plain GET of the WebSocket).
        return sendError(response, 'not-found', `the fake hub does not serve ${route}`);
    }
  }

  private async enroll(body: Uint8Array, response: ServerResponse): Promise<void> {
    let parsed: { readonly [K in keyof EnrollRequest]?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body).toString('utf8')) as typeof parsed;
    } catch {
      return sendError(response, 'bad-request', 'not JSON');
    }
    if (typeof parsed.code !== 'string' || typeof parsed.publicKey !== 'string') return sendError(response, 'bad-request', 'code and publicKey are needed');
    // As the real hub: a kiosk expecting another key is refused before the code is spent.
    const ownSha256 = createHash('sha256').update(Buffer.from(this.options.key.publicKeyBase64, 'base64')).digest('hex');
    if (parsed.hubKeySha256 !== undefined && parsed.hubKeySha256 !== ownSha256) return sendError(response, 'wrong-hub-key', 'fake hub: another key');
    const result = await this.enrollment.redeem(parsed.code, new Uint8Array(Buffer.from(parsed.publicKey, 'base64')));
    if (!result.ok) return sendError(response, result.refusal, `fake hub refuses: ${result.refusal}`);
    const answer: EnrollResponse = {
      deviceId: result.device.deviceId,
      location: result.device.location,
      hubPublicKey: this.options.key.publicKeyBase64,
      hubKeyId: this.keyId,
      seq: this.seqValue,
    };
    sendJson(response, 200, answer);
  }

  private snapshot(request: IncomingMessage, query: URLSearchParams, response: ServerResponse, fault: FakeFault | undefined): void {
    const newest = this.snapshots.at(-1);
    if (newest === undefined) return sendError(response, 'snapshot-building', 'the first snapshot is being built', { [HUB_HEADERS.retryAfter]: '2' });
    const asked = query.has('seq') ? Number(query.get('seq')) : newest.seq;
    const from = query.has('from') ? Number(query.get('from')) : 0;
    const snapshot = this.snapshots.find((s) => s.seq === asked);
    if (snapshot === undefined) return sendError(response, 'snapshot-gone', `snapshot ${asked} is no longer kept: download the newest (${newest.seq}) from 0`);
    if (!Number.isSafeInteger(from) || from < 0 || from >= snapshot.chunks.length)
      return sendError(response, 'bad-request', `from=${from} is beyond the last chunk`);
    const etag = snapshotEtag(snapshot.seq);
    const headers = { [HUB_HEADERS.etag]: etag, [HUB_HEADERS.seq]: String(snapshot.seq), [HUB_HEADERS.chunks]: String(snapshot.chunks.length) };
    if (request.headers[HUB_HEADERS.ifNoneMatch] === etag) return void response.writeHead(304, headers).end();
    sendChunks(response, headers, snapshot.chunks.slice(from), fault);
  }

  private delta(request: IncomingMessage, query: URLSearchParams, response: ServerResponse, fault: FakeFault | undefined): void {
    const since = Number(query.get('since') ?? 'x');
    if (!query.has('since') || !Number.isSafeInteger(since) || since < 0) return sendError(response, 'bad-request', 'since must be a non-negative integer');
    const to = this.seqValue;
    if (since > to) return sendError(response, 'ahead-of-hub', `the kiosk is at ${since}, the hub at ${to}`);
    const etag = deltaEtag(since, to);
    const headers = { [HUB_HEADERS.etag]: etag, [HUB_HEADERS.seq]: String(to) };
    if (request.headers[HUB_HEADERS.ifNoneMatch] === etag) return void response.writeHead(304, headers).end();
    const changed = [...this.people.values()].filter((entry) => entry.seq > since).map((entry) => entry.person);
    if (changed.length > this.maxDeltaPeople) return sendError(response, 'delta-too-large', `${changed.length} people changed since ${since}`);
    sendChunks(response, headers, this.encode(changed, { kind: 'delta', fromSeq: since, toSeq: to }), fault);
  }

  private encode(people: SyncedPerson[], identity: SyncStreamIdentity): Uint8Array[] {
    const sorted = [...people].sort((a, b) => Number(a.id12) - Number(b.id12));
    return [...encodeSyncChunks(sorted, identity, this.options.key, { maxRecords: this.options.chunkRecords ?? 100 })];
  }
}

function sendChunks(response: ServerResponse, headers: Record<string, string>, chunks: readonly Uint8Array[], fault: FakeFault | undefined): void {
  const served = fault?.kind === 'replace' ? fault.chunks(chunks) : [...chunks];
  const length = served.reduce((sum, chunk) => sum + chunk.length, 0);
  response.writeHead(200, { ...headers, [HUB_HEADERS.contentType]: SYNC_CONTENT_TYPE, 'content-length': String(length) });
  if (fault?.kind === 'cut' || fault?.kind === 'stall') {
    const sent = served.slice(0, fault.afterChunks);
    // The cut waits a moment: fetch drops bytes that arrived with the close but were not
    // yet read, which would make "k chunks arrived" a race.
    const done = (): void => {
      if (fault.kind === 'cut') setTimeout(() => response.destroy(), 250);
    };
    if (sent.length === 0) done();
    else response.write(Buffer.concat(sent), done);
    return;
  }
  response.end(Buffer.concat(served));
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, [HUB_HEADERS.contentType]: 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

function sendError(response: ServerResponse, error: HubErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, hubErrorStatus(error), { error, message } satisfies HubErrorBody, headers);
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const pieces: Buffer[] = [];
  for await (const piece of request) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}
