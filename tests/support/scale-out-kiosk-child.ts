// The load generator of the hub-scale-out benchmark: a share of the simulated kiosks, each
// with its own device key, its own notice WebSocket (GET /v1/notify, signed, held open as a
// real kiosk holds it) and its own kept-alive HTTP connection, to the hub process it was
// given (as a load balancer would pin it). Kiosks act as the real ones do: a notice of a
// newer sequence makes the kiosk fetch GET /v1/delta?since=<applied> at once; a failure
// backs off with full jitter. The benchmark drives phases with one JSON command per line on
// standard input and reads one line per answer on standard output:
//   ready                              the kiosks are loaded
//   done <JSON>                        a command's result (the command's own shape, below)
//   error <message>
//
//   node scale-out-kiosk-child.js --devices FILE --hub-key BASE64 --seq N
// --devices: JSON ScaleDevice[]; --hub-key: the hub's raw Ed25519 public key, which every
// delta and snapshot must verify with; --seq: the sequence the kiosks start at.
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { deltaEtag, HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { deviceIdentityFrom, type DeviceIdentity } from '../../main/hub-client/device-identity.js';
import { backoffDelay, type BackoffPolicy } from '../../platform/backoff.js';
import { kioskChain } from './entry-fixtures.js';
import { download, type DownloadCommand } from './scale-out-downloads.js';
import { gzipBody, verifiedStream, type StreamCheck } from './scale-out-streams.js';
import { timedRequest, type LoadSample, type TimedAnswer } from './timed-request.js';

export interface ScaleDevice {
  readonly deviceId: string;
  /** Base64 PKCS#8 DER of the Ed25519 private key. */
  readonly key: string;
  readonly location: string;
  /** The hub process this kiosk talks to. */
  readonly hub: string;
}

/** Commands, one JSON object per line on standard input. */
export type ScaleCommand =
  | { readonly cmd: 'connect' }
  | { readonly cmd: 'wait-seq'; readonly seq: number; readonly timeoutMs: number }
  | { readonly cmd: 'poll'; readonly durationMs: number; readonly periodMs: number }
  | { readonly cmd: 'prepare-ingest'; readonly entries: number }
  | { readonly cmd: 'ingest'; readonly windowMs: number }
  | DownloadCommand;

/** The requests of one phase in one load process; the benchmark summarises all processes' together. */
export interface RequestLog {
  readonly samples: LoadSample[];
  readonly wallMs: number;
  /** This load process's event-loop delay: if high, the latencies are partly the client's. */
  readonly loopDelayP99Ms: number;
  readonly firstError?: string;
}

export interface ConnectResult {
  readonly connected: number;
  readonly attempts: number;
  readonly ms: number;
}

/** A new sequence reaching the kiosks: epoch-ms times per kiosk (NaN: not within the timeout). */
export interface SeqResult {
  readonly noticeAtMs: number[];
  readonly fetchedAtMs: number[];
  readonly requests: RequestLog;
  readonly streams: StreamCheck;
}

export interface IngestResult {
  readonly requests: RequestLog;
  readonly firstSentAtMs: number;
  readonly lastDoneAtMs: number;
  readonly accepted: number;
  readonly problems: number;
  readonly gaveUp: number;
}

/** Retries as a kiosk's sync does (1 s first window, full jitter), capped so that a run ends. */
const RETRY: BackoffPolicy = { minMs: 1_000, maxMs: 30_000, random: Math.random };
const MAX_ATTEMPTS = 12;
/** Opening sockets a few hundred at a time: a burst of 5 000 handshakes would time itself out on a 2-core machine. */
const CONNECT_CONCURRENCY = 200;

const { values } = parseArgs({ options: { devices: { type: 'string' }, 'hub-key': { type: 'string' }, seq: { type: 'string' } } });
if (values.devices === undefined || values['hub-key'] === undefined || values.seq === undefined) {
  process.stderr.write('usage: scale-out-kiosk-child --devices FILE --hub-key BASE64 --seq N\n');
  process.exit(2);
}
const hubKey = values['hub-key'];
const say = (text: string): void => void process.stdout.write(`${text}\n`);
const nowMs = (): number => performance.timeOrigin + performance.now();

interface Kiosk {
  readonly identity: DeviceIdentity;
  readonly hub: URL;
  readonly location: string;
  readonly agent: Agent;
  applied: number;
  wanted: number;
  syncing: boolean;
  socket?: WebSocket;
  /** When a notice of each sequence arrived, and when a fetch brought the kiosk to it. */
  readonly noticeAt: Map<number, number>;
  readonly fetchedAt: Map<number, number>;
  upload?: Uint8Array;
}

const kiosks: Kiosk[] = (JSON.parse(readFileSync(values.devices, 'utf8')) as ScaleDevice[]).map((device) => ({
  identity: deviceIdentityFrom(device.deviceId, createPrivateKey({ key: Buffer.from(device.key, 'base64'), format: 'der', type: 'pkcs8' })),
  hub: new URL(device.hub),
  location: device.location,
  // One kept-alive connection per kiosk, as the kiosk's own HTTP client keeps one.
  agent: new Agent({ keepAlive: true, maxSockets: 1 }),
  applied: Number(values.seq),
  wanted: Number(values.seq),
  syncing: false,
  noticeAt: new Map(),
  fetchedAt: new Map(),
}));

let samples: LoadSample[] = [];
let firstError: string | undefined;
/** Every distinct delta body fetched (by SHA-256), with the sequence it was asked from: verified once each. */
const deltaBodies = new Map<string, { since: number; body: Buffer }>();
const appliedWaiters = new Set<() => void>();

/** Starts recording a phase's requests; the function returned ends it. */
function recording(): () => RequestLog {
  samples = [];
  firstError = undefined;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  return () => {
    loop.disable();
    const log = {
      samples,
      wallMs: performance.now() - started,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      ...(firstError === undefined ? {} : { firstError }),
    };
    samples = [];
    firstError = undefined;
    return log;
  };
}

let current: (() => RequestLog) | undefined;
/**
 * Ends the recording under way (returning its requests) and starts the next: the delta
 * fetches notices set off are recorded all the time and reported by wait-seq; poll and
 * ingest record their own.
 */
function restart(): RequestLog {
  const log = current?.() ?? { samples: [], wallMs: 0, loopDelayP99Ms: 0 };
  current = recording();
  return log;
}

async function signed(kiosk: Kiosk, method: string, path: string, extra: Record<string, string> = {}, body?: Uint8Array): Promise<TimedAnswer> {
  const answer = await timedRequest({
    url: new URL(path, kiosk.hub),
    method,
    agent: kiosk.agent,
    headers: { ...kiosk.identity.signRequest(method, path, body), ...extra },
    ...(body === undefined ? {} : { body }),
  });
  if (answer.error !== undefined || answer.status >= 400) firstError ??= answer.error ?? `${answer.status} ${answer.body.toString().slice(0, 200)}`;
  return answer;
}

/** What the real kiosk does on a notice: fetch the delta from what it has, until it has what it was told of. */
async function sync(kiosk: Kiosk): Promise<void> {
  if (kiosk.syncing) return;
  kiosk.syncing = true;
  let attempt = 0;
  try {
    while (kiosk.wanted > kiosk.applied && attempt < MAX_ATTEMPTS) {
      const since = kiosk.applied;
      const answer = await signed(kiosk, 'GET', `/v1/delta?since=${since}`);
      samples.push({ status: answer.status, ms: answer.ms });
      const to = Number(answer.headers[HUB_HEADERS.seq]);
      if (answer.status === 200 && to > since) {
        const sha = createHash('sha256').update(answer.body).digest('hex');
        if (!deltaBodies.has(sha)) deltaBodies.set(sha, { since, body: answer.body });
        kiosk.applied = to;
        kiosk.fetchedAt.set(to, nowMs());
        attempt = 0;
        for (const wake of appliedWaiters) wake();
      } else {
        await sleep(backoffDelay(attempt++, RETRY));
      }
    }
  } finally {
    kiosk.syncing = false;
  }
}

function onNotice(kiosk: Kiosk, data: WebSocket.RawData): void {
  const notice = JSON.parse(data.toString()) as { type: string; seq?: number };
  if (notice.type !== 'seq' || notice.seq === undefined || notice.seq <= kiosk.applied) return;
  if (!kiosk.noticeAt.has(notice.seq)) kiosk.noticeAt.set(notice.seq, nowMs());
  kiosk.wanted = Math.max(kiosk.wanted, notice.seq);
  void sync(kiosk);
}

/** Opens the kiosk's notice socket (signed upgrade); resolves once the hub has sent its first notice. */
function openSocket(kiosk: Kiosk): Promise<boolean> {
  const url = new URL('/v1/notify', kiosk.hub);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, { headers: kiosk.identity.signRequest('GET', '/v1/notify'), handshakeTimeout: 30_000, maxPayload: 64 * 1024 });
  return new Promise((resolve) => {
    ws.once('message', () => resolve(true));
    ws.on('message', (data) => onNotice(kiosk, data));
    ws.once('error', (error) => {
      firstError ??= error.message;
      resolve(false);
    });
    ws.once('close', () => resolve(false));
    kiosk.socket = ws;
  });
}

async function connectAll(): Promise<ConnectResult> {
  const started = performance.now();
  let attempts = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < kiosks.length; i = next++) {
      const kiosk = kiosks[i] as Kiosk;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        attempts += 1;
        if (await openSocket(kiosk)) break;
        kiosk.socket?.terminate();
        await sleep(backoffDelay(attempt, RETRY));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  return { connected: kiosks.filter((k) => k.socket?.readyState === WebSocket.OPEN).length, attempts, ms: performance.now() - started };
}

const firstAtOrAfter = (times: Map<number, number>, seq: number): number =>
  Math.min(...[...times].filter(([s]) => s >= seq).map(([, at]) => at), Number.POSITIVE_INFINITY);

async function waitSeq(seq: number, timeoutMs: number): Promise<SeqResult> {
  const behind = (): boolean => kiosks.some((k) => k.applied < seq);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      appliedWaiters.delete(check);
      resolve();
    }
    function check(): void {
      if (!behind()) done();
    }
    appliedWaiters.add(check);
    check();
  });
  const requests = restart();
  const streams = await verifiedStream('delta', [...deltaBodies.values()], hubKey);
  deltaBodies.clear();
  const finite = (ms: number): number => (Number.isFinite(ms) ? ms : Number.NaN);
  return {
    noticeAtMs: kiosks.map((k) => finite(firstAtOrAfter(k.noticeAt, seq))),
    fetchedAtMs: kiosks.map((k) => finite(firstAtOrAfter(k.fetchedAt, seq))),
    requests,
    streams,
  };
}

/** Steady polling: every kiosk every period from a random phase, up to date (If-None-Match: 304), as between notices. */
async function poll(durationMs: number, periodMs: number): Promise<RequestLog> {
  restart();
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    kiosks.map(async (kiosk) => {
      for (let next = start + Math.random() * periodMs; next < end; next += periodMs) {
        await sleep(Math.max(0, next - performance.now()));
        const answer = await signed(kiosk, 'GET', `/v1/delta?since=${kiosk.applied}`, { 'if-none-match': deltaEtag(kiosk.applied, kiosk.applied) });
        samples.push({ status: answer.status, ms: answer.ms });
      }
    }),
  );
  return restart();
}

/** Each kiosk's backlog, chained and gzipped as the uploader sends it: the kiosks' work, not timed. */
function prepareIngest(entries: number): { ms: number } {
  const started = performance.now();
  const firstAt = Date.now() - entries * 30_000;
  for (const kiosk of kiosks) {
    const chain = kioskChain(kiosk.identity.deviceId, entries, (seq) => ({ location: kiosk.location, at: toVietnamIso(firstAt + seq * 30_000) }));
    kiosk.upload = gzipBody({ entries: chain });
  }
  return { ms: performance.now() - started };
}

/** Every kiosk uploads its backlog once, starting within the window; refused or failed uploads are retried. */
async function ingest(windowMs: number): Promise<IngestResult> {
  restart();
  let firstSentAtMs = Number.POSITIVE_INFINITY;
  let lastDoneAtMs = 0;
  let accepted = 0;
  let problems = 0;
  let gaveUp = 0;
  const headers = { [HUB_HEADERS.contentType]: 'application/json', [HUB_HEADERS.contentEncoding]: 'gzip' };
  await Promise.all(
    kiosks.map(async (kiosk) => {
      await sleep(Math.random() * windowMs);
      firstSentAtMs = Math.min(firstSentAtMs, nowMs());
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const answer = await signed(kiosk, 'POST', '/v1/entries', headers, kiosk.upload);
        samples.push({ status: answer.status, ms: answer.ms });
        if (answer.status === 200) {
          const body = JSON.parse(answer.body.toString()) as { accepted: number; problems: unknown[] };
          accepted += body.accepted;
          problems += body.problems.length;
          lastDoneAtMs = Math.max(lastDoneAtMs, nowMs());
          return;
        }
        // As the kiosk's upload loop: at least what the hub's Retry-After asks, else the jittered backoff.
        const retryAfterMs = Number(answer.headers[HUB_HEADERS.retryAfter]) * 1000;
        await sleep(Math.max(Number.isFinite(retryAfterMs) ? retryAfterMs : 0, backoffDelay(attempt, RETRY)));
      }
      gaveUp += 1;
    }),
  );
  const requests = restart();
  return { requests, firstSentAtMs, lastDoneAtMs, accepted, problems, gaveUp };
}

async function run(command: ScaleCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'connect':
      return connectAll();
    case 'wait-seq':
      return waitSeq(command.seq, command.timeoutMs);
    case 'poll':
      return poll(command.durationMs, command.periodMs);
    case 'prepare-ingest':
      return prepareIngest(command.entries);
    case 'ingest':
      return ingest(command.windowMs);
    case 'download':
      return download(command, kiosks, hubKey);
  }
}

const lines = createInterface({ input: process.stdin });
// One command at a time: the benchmark waits for each answer before the next.
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    try {
      say(`done ${JSON.stringify(await run(JSON.parse(line) as ScaleCommand))}`);
    } catch (error) {
      say(`error ${error instanceof Error ? (error.stack ?? error.message).replace(/\n/g, ' | ') : String(error)}`);
    }
  });
});
lines.on('close', () => {
  for (const kiosk of kiosks) {
    kiosk.socket?.terminate();
    kiosk.agent.destroy();
  }
  process.exit(0);
});
restart();
say('ready');
