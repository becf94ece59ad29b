// A kiosk process that syncs once with a real hub over HTTP, as `chot sync` does, and
// reports its own figures on stdout (the sync-end-to-end benchmark reads them; its peak
// RSS is this process's alone):
//   done <JSON SyncKioskFigures>
//   error <message>
//
//   node sync-kiosk-child.js --data DIR --hub URL [--code CODE] [--lookup-people N]
// --code enrols the kiosk first (a fresh data directory); --lookup-people makes the main
// thread look up random people of the hub's N (IDs of tests/support/sync-fixtures.ts) back
// to back for as long as the sync runs, as a busy gate would while a delta is applied.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrollKiosk } from '../../main/enrollment/enroll-kiosk.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { KioskSync } from '../../main/sync/kiosk-sync.js';
import { personId } from './sync-fixtures.js';

/** One HTTP exchange with the hub: how long until its response headers came. */
export interface HubRequestTiming {
  readonly path: string;
  readonly status: number;
  /** From the sync's start to sending this request. */
  readonly sentAtMs: number;
  readonly headersMs: number;
}

export interface SyncKioskFigures {
  /** From the sync's first request to syncOnce returning: data committed, delta checked, rules fetched. */
  readonly elapsedMs: number;
  /** From the sync's first request to a snapshot's last chunk committed (deltas give no chunk total: undefined). */
  readonly committedMs: number | undefined;
  /**
   * From the sync's first request to each chunk verified (and committed, for a snapshot), in
   * order; a delta's chunks are held and its final one's time includes applying them all.
   */
  readonly chunkAtMs: readonly number[];
  readonly maxRssBytes: number;
  readonly records: number;
  readonly watermark: number;
  readonly applied: readonly { kind: string; toSeq: number; records: number; chunks: number }[];
  readonly requests: readonly HubRequestTiming[];
  /** Lookup durations on the main thread during the sync, in ms, sorted (with --lookup-people). */
  readonly lookups?: { readonly samples: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
}

const { values } = parseArgs({ options: { data: { type: 'string' }, hub: { type: 'string' }, code: { type: 'string' }, 'lookup-people': { type: 'string' } } });
if (values.data === undefined || values.hub === undefined) {
  process.stderr.write('usage: sync-kiosk-child --data DIR --hub URL [--code CODE] [--lookup-people N]\n');
  process.exit(2);
}
const dataDir = values.data;
const lookupPeople = values['lookup-people'] === undefined ? 0 : Number(values['lookup-people']);
const say = (text: string): void => void process.stdout.write(`${text}\n`);

try {
  if (values.code !== undefined) await enrollKiosk({ dataDir, hubUrl: values.hub, code: values.code });
  const factsDatabaseFile = join(dataDir, FACTS_DATABASE_FILE);
  let started = 0;
  const requests: HubRequestTiming[] = [];
  // The real client with the real fetch, timed: which part of the sync the hub's answers take.
  const timedFetch: typeof fetch = async (input, init) => {
    const sentAt = performance.now();
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push({ path: `${url.pathname}${url.search}`, status: response.status, sentAtMs: sentAt - started, headersMs: performance.now() - sentAt });
    return response;
  };
  // --hub wins over hub.json, as `chot sync --hub` does (a copied kiosk, a hub on another port).
  const sync = await KioskSync.open({ dataDir, factsDatabaseFile, hubUrl: values.hub, client: { fetch: timedFetch } });
  if (sync === undefined) throw new Error('the kiosk is not enrolled (no hub.json): pass --code');
  try {
    const lookup = lookupPeople > 0 ? new FactsStore(openFactsDatabase(factsDatabaseFile)) : undefined;
    const ids = Array.from({ length: lookupPeople > 0 ? 100_000 : 0 }, () => String(personId(Math.floor(Math.random() * lookupPeople))).padStart(12, '0'));
    for (const id of ids.slice(0, 20_000)) lookup?.findById12(id);
    const during: number[] = [];
    let finished = false;
    let committedMs: number | undefined;
    const chunkAtMs: number[] = [];
    started = performance.now();
    const syncing = sync
      .syncOnce({
        onProgress: (p) => {
          const at = performance.now() - started;
          chunkAtMs.push(at);
          if (committedMs === undefined && p.totalChunks !== undefined && p.index === p.totalChunks - 1) committedMs = at;
        },
      })
      .finally(() => (finished = true));
    // Awaited after the lookups: until then a failure must not count as unhandled.
    syncing.catch(() => undefined);
    if (lookup !== undefined) {
      // As kiosk-store's busy gate: lookups back to back, yielding each 20 so the download
      // (on this thread, as in the kiosk) and the worker's replies keep moving.
      while (!finished) {
        for (let k = 0; k < 20; k++) {
          const id = ids[(during.length + k) % ids.length] as string;
          const t = performance.now();
          lookup.findById12(id);
          during.push(performance.now() - t);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const summary = await syncing;
    const elapsedMs = performance.now() - started;
    during.sort((a, b) => a - b);
    const at = (p: number): number => during[Math.min(during.length - 1, Math.max(0, Math.ceil((p / 100) * during.length) - 1))] as number;
    const figures: SyncKioskFigures = {
      elapsedMs,
      committedMs,
      chunkAtMs,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      records: summary.records,
      watermark: summary.watermark,
      applied: summary.applied.map((a) => ({ kind: a.kind, toSeq: a.toSeq, records: a.records, chunks: a.chunks })),
      requests,
      ...(during.length === 0 ? {} : { lookups: { samples: during.length, p50Ms: at(50), p99Ms: at(99), maxMs: at(100) } }),
    };
    say(`done ${JSON.stringify(figures)}`);
  } finally {
    await sync.close();
  }
} catch (error) {
  say(`error ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
// fetch's kept-alive connection to the hub would hold the process open for seconds.
process.exit();
