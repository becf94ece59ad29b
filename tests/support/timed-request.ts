// What the load generators of the hub benchmarks share: one HTTP request timed from being
// sent to its body's end, on a kiosk's own kept-alive connection, and the summary of a
// phase's samples. Used by polling-load-child.ts and scale-out-kiosk-child.ts.
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface TimedAnswer {
  /** 0 for a request that got no answer (connection error). */
  readonly status: number;
  readonly ms: number;
  /** Empty when the request asked to count the bytes only. */
  readonly body: Buffer;
  readonly bytes: number;
  readonly headers: IncomingHttpHeaders;
  readonly error?: string;
}

export interface TimedRequest {
  readonly url: URL;
  readonly method?: string;
  readonly agent: Agent;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Count the answer's bytes without keeping them (large downloads by many kiosks). */
  readonly countOnly?: boolean;
}

/** One request, timed from being sent (after signing, which the caller did) to the body's end. Never rejects. */
export function timedRequest({ url, method = 'GET', agent, headers = {}, body, countOnly = false }: TimedRequest): Promise<TimedAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const fail = (error: Error): void =>
      resolve({ status: 0, ms: performance.now() - started, body: Buffer.alloc(0), bytes: 0, headers: {}, error: error.message });
    const sent = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(body.byteLength) },
      },
      (response) => {
        const pieces: Buffer[] = [];
        let bytes = 0;
        response.on('data', (piece: Buffer) => {
          bytes += piece.length;
          if (!countOnly) pieces.push(piece);
        });
        response.on('error', fail);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(pieces), bytes, headers: response.headers }),
        );
      },
    );
    sent.on('error', fail);
    sent.end(body);
  });
}

export interface LoadSample {
  readonly status: number;
  readonly ms: number;
}

export interface PhaseResult {
  readonly phase: string;
  readonly requests: number;
  /** Count per HTTP status; 0 for a request that got no answer (connection error). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** p99 of the answers of each status (e.g. a delta's 200 and a not-modified 304). */
  readonly p99ByStatusMs: Readonly<Record<string, number>>;
  readonly wallMs: number;
  /** The load process's own event-loop delay: if high, the latencies are partly the client's. */
  readonly clientLoopDelayP99Ms: number;
  readonly firstError?: string;
}

/** Nearest-rank percentile of ascending values (NaN for none). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function phaseResult(phase: string, samples: readonly LoadSample[], wallMs: number, loopDelayP99Ms: number, firstError?: string): PhaseResult {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const p99ByStatusMs: Record<string, number> = {};
  for (const status of Object.keys(statuses)) {
    p99ByStatusMs[status] = percentileOfSorted(
      samples
        .filter((s) => String(s.status) === status)
        .map((s) => s.ms)
        .sort((a, b) => a - b),
      99,
    );
  }
  return {
    phase,
    requests: samples.length,
    statuses,
    p50Ms: percentileOfSorted(sorted, 50),
    p99Ms: percentileOfSorted(sorted, 99),
    maxMs: percentileOfSorted(sorted, 100),
    p99ByStatusMs,
    wallMs,
    clientLoopDelayP99Ms: loopDelayP99Ms,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
