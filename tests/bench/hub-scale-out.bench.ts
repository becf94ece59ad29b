import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { tempDataDir } from '../support/kiosk-process.js';
import { seedPgHub, seedPgHubDelta } from '../support/pg-hub-seed.js';
import { findPostgresBin, startPostgres } from '../support/postgres.js';
import type { DownloadResult } from '../support/scale-out-downloads.js';
import type { ConnectResult, IngestResult, RequestLog, SeqResult } from '../support/scale-out-kiosk-child.js';
import { phaseResult, type PhaseResult } from '../support/timed-request.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';
import { cpuSeconds, postgresCpuSeconds, registerKiosks, startHubFleet, startKioskLoad, type HubFleet, type KioskLoad } from './hub-scale-out-fleet.js';
import { envCount, figureCollector } from './support/figures.js';

const NAME = 'hub-scale-out';
const MB = 1024 * 1024;

/** The run's size; every figure is printed with it. */
interface ScaleSettings {
  readonly kiosks: number;
  readonly people: number;
  /** People changed per announced delta. */
  readonly deltaPeople: number;
  readonly rounds: number;
  readonly loadProcesses: number;
  readonly steadyMs: number;
  readonly pollPeriodMs: number;
  readonly entriesPerKiosk: number;
  readonly uploadWindowMs: number;
  readonly downloaders: number;
  /** Phases left out (CHOT_BENCH_SCALE_SKIP=c,d): a loaded machine may not finish them all in time. */
  readonly skip: ReadonlySet<string>;
}

function settings(): ScaleSettings {
  const kiosks = envCount('CHOT_BENCH_SCALE_KIOSKS', 10_000);
  return {
    kiosks,
    people: envCount('CHOT_BENCH_SCALE_PEOPLE', 100_000),
    deltaPeople: envCount('CHOT_BENCH_SCALE_DELTA_PEOPLE', 1_000),
    rounds: envCount('CHOT_BENCH_SCALE_ROUNDS', 3),
    loadProcesses: envCount('CHOT_BENCH_SCALE_LOAD_PROCESSES', 2),
    steadyMs: envCount('CHOT_BENCH_SCALE_STEADY_MS', 60_000),
    // The kiosk's default sync interval (chot start --sync-interval 60): the poll between notices.
    pollPeriodMs: envCount('CHOT_BENCH_SCALE_POLL_MS', 60_000),
    entriesPerKiosk: envCount('CHOT_BENCH_SCALE_ENTRIES', 100),
    // A backlog arriving over a minute, as kiosks back online upload on their own 15 s timers.
    uploadWindowMs: envCount('CHOT_BENCH_SCALE_UPLOAD_WINDOW_MS', 60_000),
    downloaders: Math.min(kiosks, envCount('CHOT_BENCH_SCALE_DOWNLOADERS', 100)),
    skip: new Set((process.env['CHOT_BENCH_SCALE_SKIP'] ?? '').split(',').filter((phase) => phase !== '')),
  };
}

type Figure = ReturnType<typeof figureCollector>['figure'];

/** CPU seconds of the hubs and of PostgreSQL across one phase. */
function cpuMeter(fleet: HubFleet, pgUrl: string): () => { hubs: number; postgres: number } {
  const hubs = (): number => fleet.hubs.reduce((sum, hub) => sum + cpuSeconds(hub.pid), 0);
  const [hubStart, pgStart] = [hubs(), postgresCpuSeconds(pgUrl)];
  return () => ({ hubs: hubs() - hubStart, postgres: postgresCpuSeconds(pgUrl) - pgStart });
}

function requestFigures(figure: Figure, label: string, result: PhaseResult): void {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${count}×${status}`)
    .join(' ');
  figure(`${label} p50`, round(result.p50Ms, 1), 'ms', undefined, result.requests);
  figure(`${label} p99`, round(result.p99Ms, 1), 'ms', undefined, result.requests);
  figure(`${label} max`, round(result.maxMs, 1), 'ms', undefined, result.requests);
  figure(`${label} requests (${statuses})`, result.requests, 'requests');
  figure(`${label} load processes' event-loop delay p99, not a goal`, round(result.clientLoopDelayP99Ms, 1), 'ms');
  if (result.firstError !== undefined) figure(`${label} first failure: ${result.firstError.slice(0, 160)}`, 0, '');
}

/** The load processes' requests of one phase, summarised together. */
function merged(phase: string, logs: readonly RequestLog[]): PhaseResult {
  return phaseResult(
    phase,
    logs.flatMap((log) => log.samples),
    Math.max(...logs.map((log) => log.wallMs)),
    Math.max(...logs.map((log) => log.loopDelayP99Ms)),
    logs.find((log) => log.firstError !== undefined)?.firstError,
  );
}

/** (a) Imports commit new sequences; every kiosk hears of each on its socket and fetches the delta. */
async function announceRounds(figure: Figure, label: string, s: ScaleSettings, pgUrl: string, load: KioskLoad, fleet: HubFleet): Promise<void> {
  const noticeMs: number[] = [];
  const fetchedMs: number[] = [];
  const requests: RequestLog[] = [];
  let missing = 0;
  let refused: string | undefined;
  let people = 0;
  let last = 0;
  const cpu = cpuMeter(fleet, pgUrl);
  for (let r = 0; r < s.rounds; r++) {
    if (r > 0) await sleep(3_000);
    const { seq, committedAtMs } = await seedPgHubDelta(pgUrl, s.people, Math.max(1, Math.floor(s.people / s.deltaPeople)));
    last = seq;
    const results = await load.all<SeqResult>({ cmd: 'wait-seq', seq, timeoutMs: 120_000 });
    for (const result of results) {
      for (const at of result.noticeAtMs) if (!Number.isNaN(at)) noticeMs.push(at - committedAtMs);
      for (const at of result.fetchedAtMs) {
        if (Number.isNaN(at)) missing += 1;
        else fetchedMs.push(at - committedAtMs);
      }
      requests.push(result.requests);
      refused ??= result.streams.refused;
      people += result.streams.people;
    }
  }
  const used = cpu();
  const n = s.kiosks * s.rounds;
  // One builder (the first process) merges the new snapshot and publishes it for all: let it
  // end before the next phase, and say what it cost.
  const builder = fleet.hubs[0] as HubFleet['hubs'][number];
  const built = await builder.snapshotReady(last);
  await builder.artefactsPublished(last);
  figure(`${label} (a) snapshot at the last sequence, built once by the builder`, built.buildMs, 'ms');
  figure(`${label} (a) import commit → notice on the socket p50`, round(percentile(noticeMs, 50), 0), 'ms', undefined, noticeMs.length);
  figure(`${label} (a) import commit → notice on the socket p99`, round(percentile(noticeMs, 99), 0), 'ms', undefined, noticeMs.length);
  figure(`${label} (a) import commit → delta received and verified p50`, round(percentile(fetchedMs, 50), 0), 'ms', undefined, fetchedMs.length);
  figure(`${label} (a) import commit → delta received and verified p99`, round(percentile(fetchedMs, 99), 0), 'ms', undefined, fetchedMs.length);
  figure(`${label} (a) import commit → delta received and verified max`, round(percentile(fetchedMs, 100), 0), 'ms', undefined, fetchedMs.length);
  figure(`${label} (a) kiosks without the delta after 120 s`, missing, 'kiosks', { text: 'none', met: missing === 0 }, n);
  figure(`${label} (a) distinct delta bodies verified, people in them${refused === undefined ? '' : `; REFUSED: ${refused}`}`, people, 'people');
  requestFigures(figure, `${label} (a) GET /v1/delta after a notice`, merged('announce', requests));
  figure(`${label} (a) hubs' CPU per kiosk told and served, not a goal`, round((used.hubs * 1000) / n, 3), 'ms');
  figure(`${label} (a) PostgreSQL CPU over the ${s.rounds} rounds, not a goal`, round(used.postgres, 1), 's');
}

/** (b) Steady polling between notices, every kiosk up to date (304). */
async function steadyPolling(figure: Figure, label: string, s: ScaleSettings, pgUrl: string, load: KioskLoad, fleet: HubFleet): Promise<void> {
  const cpu = cpuMeter(fleet, pgUrl);
  const result = merged('steady', await load.all<RequestLog>({ cmd: 'poll', durationMs: s.steadyMs, periodMs: s.pollPeriodMs }));
  const used = cpu();
  requestFigures(figure, `${label} (b) steady polls every ${s.pollPeriodMs / 1000} s`, result);
  figure(`${label} (b) hubs' CPU per poll, not a goal`, round((used.hubs * 1000) / Math.max(1, result.requests), 3), 'ms');
  figure(`${label} (b) PostgreSQL CPU per poll, not a goal`, round((used.postgres * 1000) / Math.max(1, result.requests), 3), 'ms');
}

/** (c) Every kiosk uploads its backlog within the window. */
async function ingest(figure: Figure, label: string, s: ScaleSettings, pgUrl: string, load: KioskLoad, fleet: HubFleet): Promise<void> {
  await load.all({ cmd: 'prepare-ingest', entries: s.entriesPerKiosk });
  const cpu = cpuMeter(fleet, pgUrl);
  const results = await load.all<IngestResult>({ cmd: 'ingest', windowMs: s.uploadWindowMs });
  const used = cpu();
  const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
  const seconds = (Math.max(...results.map((r) => r.lastDoneAtMs)) - Math.min(...results.map((r) => r.firstSentAtMs))) / 1000;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const stored = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM entry')).rows[0]?.n);
  // What a day of entries costs on disk, indexes included: the storage arithmetic of docs/scale-out.md.
  // The table is partitioned by day: its size is its partitions'.
  const tableBytes = Number(
    (
      await client.query<{ bytes: string }>(
        "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) AS bytes FROM pg_inherits WHERE inhparent = 'entry'::regclass",
      )
    ).rows[0]?.bytes,
  );
  await client.end();
  const expected = s.kiosks * s.entriesPerKiosk;
  figure(
    `${label} (c) ingest rate, ${s.kiosks} kiosks × ${s.entriesPerKiosk} entries, first upload sent → last receipt`,
    Math.round(accepted / seconds),
    'entries/s',
  );
  figure(`${label} (c) entries stored`, stored, 'entries', { text: `all ${expected}`, met: stored === expected });
  figure(`${label} (c) entry table with its indexes, per entry, not a goal`, Math.round(tableBytes / Math.max(1, stored)), 'bytes');
  figure(
    `${label} (c) uploads given up, problems noted`,
    results.reduce((sum, r) => sum + r.gaveUp, 0),
    'kiosks',
    undefined,
    results.reduce((sum, r) => sum + r.problems, 0),
  );
  requestFigures(
    figure,
    `${label} (c) POST /v1/entries (${s.entriesPerKiosk} entries, gzip, signed)`,
    merged(
      'ingest',
      results.map((r) => r.requests),
    ),
  );
  figure(`${label} (c) hubs' CPU per 1 000 entries, not a goal`, round((used.hubs * 1000 * 1000) / Math.max(1, accepted), 1), 'ms');
  figure(`${label} (c) PostgreSQL CPU per 1 000 entries, not a goal`, round((used.postgres * 1000 * 1000) / Math.max(1, accepted), 1), 'ms');
}

/**
 * (d) The snapshot from the hub's API (GET /v1/snapshot, signed; on a process that is not the
 * builder it is read from the store) and from the artefact store behind a plain static server
 * (the signed index, then each chunk by its content hash): the read path without the hub.
 */
async function artefactPath(figure: Figure, label: string, s: ScaleSettings, load: KioskLoad, fleet: HubFleet): Promise<void> {
  const hub = fleet.hubs.at(-1) as HubFleet['hubs'][number];
  for (const mode of ['hub', 'artefacts'] as const) {
    const server = mode === 'hub' ? hub.pid : fleet.artefacts.pid;
    const before = cpuSeconds(server);
    const started = performance.now();
    const results = await load.all<DownloadResult>({
      cmd: 'download',
      mode,
      base: mode === 'hub' ? hub.url : fleet.artefacts.url,
      kiosks: Math.ceil(s.downloaders / s.loadProcesses),
    });
    const wallS = (performance.now() - started) / 1000;
    const used = cpuSeconds(server) - before;
    const ms = results.flatMap((r) => r.ms);
    const bytes = results.flatMap((r) => r.bytes).reduce((a, b) => a + b, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    const refused = results.find((r) => r.streams.refused !== undefined)?.streams.refused;
    const what =
      mode === 'hub'
        ? `${label} (d) hub API, GET /v1/snapshot (${round(bytes / Math.max(1, ms.length) / MB, 1)} MB)`
        : `${label} (d) artefact store behind a static server, index + chunks`;
    figure(`${what}: one kiosk's download p50`, round(percentile(ms, 50), 0), 'ms', undefined, ms.length);
    figure(`${what}: one kiosk's download p99`, round(percentile(ms, 99), 0), 'ms', undefined, ms.length);
    figure(`${what}: served, ${results.length * Math.ceil(s.downloaders / s.loadProcesses)} kiosks at once`, round(bytes / MB / wallS, 0), 'MB/s');
    figure(`${what}: server CPU per GB served, not a goal`, round(used / Math.max(1e-9, bytes / 1024 ** 3), 2), 's');
    figure(
      `${what}: failed downloads; first download verified (${results[0]?.streams.chunks ?? 0} chunks)${refused === undefined ? '' : `, REFUSED: ${refused}`}`,
      failed,
      'downloads',
      { text: 'none failed, verified', met: failed === 0 && refused === undefined },
    );
  }
}

/** One topology (1 or 3 hub processes) on a database of its own in the shared cluster. */
async function topology(figure: Figure, s: ScaleSettings, cluster: ReturnType<typeof startPostgres>, dir: string, processes: number): Promise<void> {
  const label = processes === 1 ? '1 process:' : `${processes} processes:`;
  const say = (text: string): void => void process.stderr.write(`  ${NAME} ${label} ${text}\n`);
  const pgUrl = cluster.createDatabase();
  await seedPgHub(pgUrl, s.people);
  const devices = await registerKiosks(pgUrl, s.kiosks);
  say(`${s.people} people, ${s.kiosks} kiosks registered`);
  const topDir = join(dir, `hubs-${processes}`);
  mkdirSync(topDir);
  const fleet = await startHubFleet(topDir, pgUrl, processes, 1);
  let load: KioskLoad | undefined;
  try {
    // Kiosk i talks to process i mod N, as a balancer pinning each kiosk would spread them.
    load = await startKioskLoad(
      topDir,
      devices.map((d, i) => ({ ...d, hub: fleet.hubs[i % processes]?.url as string })),
      s.loadProcesses,
      fleet.publicKey,
      1,
    );
    const connected = await load.all<ConnectResult>({ cmd: 'connect' });
    const open = connected.reduce((sum, c) => sum + c.connected, 0);
    figure(`${label} notice sockets open`, open, 'kiosks', { text: `all ${s.kiosks}`, met: open === s.kiosks });
    figure(`${label} time to open them (${CONNECT_NOTE})`, round(Math.max(...connected.map((c) => c.ms)) / 1000, 1), 's');
    if (!s.skip.has('a')) {
      say('(a) announcing');
      await announceRounds(figure, label, s, pgUrl, load, fleet);
    }
    if (!s.skip.has('b')) {
      say('(b) steady polling');
      await steadyPolling(figure, label, s, pgUrl, load, fleet);
    }
    if (!s.skip.has('c')) {
      say('(c) ingest');
      await ingest(figure, label, s, pgUrl, load, fleet);
    }
    if (!s.skip.has('d')) {
      say('(d) snapshot from the API and from the artefact store');
      await artefactPath(figure, label, s, load, fleet);
    }
    for (const [i, hub] of fleet.hubs.entries()) {
      const rss = hub.peakRssBytes();
      if (rss !== undefined) figure(`${label} hub ${i + 1} peak RSS, not a goal`, round(rss / MB, 0), 'MB');
    }
  } finally {
    await load?.close();
    await fleet.stop();
  }
}

const CONNECT_NOTE = '200 handshakes at a time per load process';

/**
 * The hub scaled out, measured against itself: CHOT_BENCH_SCALE_KIOSKS simulated kiosks
 * (default 10 000) on one `chot hub serve --pg` process, then the same load spread over
 * three processes on one PostgreSQL, same run. Each kiosk has its own key, signs every
 * request, holds its notice WebSocket and one kept-alive HTTP connection; the kiosks are
 * spread over CHOT_BENCH_SCALE_LOAD_PROCESSES load processes (tests/support/
 * scale-out-kiosk-child.ts). Everything is on loopback and on this machine's cores: the
 * hubs, PostgreSQL and the load share them, so latencies are pessimistic, and the CPU time
 * per request (read from /proc) is what carries over to other machines.
 */
export const hubScaleOut: Benchmark = {
  name: NAME,
  description:
    '10 000 simulated kiosks on 1 vs 3 hub processes sharing one PostgreSQL: notices, polling, ingest, snapshot from the API and from the artefact store behind a static server',
  async run(): Promise<BenchFigure[]> {
    const { figures, figure } = figureCollector(NAME);
    if (findPostgresBin() === undefined) {
      process.stderr.write(`${NAME}: PostgreSQL server binaries not found (initdb in /usr/lib/postgresql/<version>/bin or $CHOT_PG_BIN): skipped\n`);
      return figures;
    }
    const s = settings();
    figure(
      `setting: ${s.people} people, deltas of ${s.deltaPeople} ×${s.rounds}, ${s.loadProcesses} load processes, ${cpus().length} cores shared by hubs, PostgreSQL and load`,
      s.kiosks,
      'kiosks',
    );
    const dir = tempDataDir('chot-bench-scale-');
    const cluster = startPostgres();
    try {
      for (const processes of [1, 3]) await topology(figure, s, cluster, dir, processes);
    } finally {
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
