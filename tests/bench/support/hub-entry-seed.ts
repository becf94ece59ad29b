import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { toVietnamIso } from '../../../domain/time/calendar-date.js';
import { SqliteHubStorage } from '../../../hub/storage/sqlite-hub-storage.js';
import { seededRandom } from './figures.js';

/**
 * Fills a hub (SQLite here, PostgreSQL in pg-entry-seed.ts, the same rows) with uploaded entries in bulk, for the trace benchmarks at
 * ten million: ingest checks every hash and walks every chain, which is right for uploads and
 * far too slow to set up 10 M rows. The rows are what ingest would have stored: unflagged
 * (problem NULL), chained (each prev_hash is the hash before it; the hashes are random
 * 64-hex-digit values, not SHA-256 of the content, which no trace reads), with an
 * entry_chain row per kiosk saying the whole chain is verified.
 *
 * The spread: `locations` places with two kiosks (lanes) each; a place's share of the
 * entries falls as 1/(rank+1)^0.7, so the busiest (a big market) takes ~3 % of them and
 * the median one ~0.03 %; people are drawn uniformly from `people`; each kiosk's entries are
 * spread over `days` days, 06:00–21:00 Vietnam time, in seq order.
 */
export interface EntrySeed {
  readonly entries: number;
  readonly locations: number;
  readonly people: number;
  readonly days: number;
}

export interface SeededEntries extends EntrySeed {
  readonly kiosks: number;
  /** Epoch ms of the first day's midnight, Vietnam time; the last day ends `days` days later. */
  readonly startMs: number;
  readonly busiestLocationEntries: number;
}

/** The 12-digit ID of person i, as tests/support/sync-fixtures.ts numbers people. */
export const seededPersonId = (i: number): string => String(1_000_000_000 + i * 97).padStart(12, '0');

const DAY_MS = 86_400_000;
const OPEN_MS = 6 * 3_600_000;
const OPEN_HOURS_MS = 15 * 3_600_000;
const KIOSKS_PER_LOCATION = 2;
const OUTCOMES = [
  { outcome: 'green', reasons: '["vaccinated-full"]', credential: 'cccd-qr', authenticity: 'unsigned' },
  { outcome: 'green', reasons: '["vaccinated-full"]', credential: 'dcc', authenticity: 'verified' },
  { outcome: 'yellow', reasons: '["vaccinated-partial"]', credential: 'cccd-qr', authenticity: 'unsigned' },
] as const;

/** Entries per location, summing to `entries` exactly (the rounding rest goes to the busiest). */
function locationShares(entries: number, locations: number): number[] {
  const weights = Array.from({ length: locations }, (_, l) => (l + 1) ** -0.7);
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((entries * w) / total));
  shares[0] = (shares[0] ?? 0) + entries - shares.reduce((a, b) => a + b, 0);
  return shares;
}

/** One seeded row: the columns the seed sets (the others are constant or take their defaults). */
export interface SeedRow {
  readonly kioskId: string;
  readonly seq: number;
  readonly atMs: number;
  readonly at: string;
  readonly location: string;
  readonly lane: string;
  readonly credentialKind: string;
  readonly authenticity: string;
  readonly personId: string;
  readonly outcome: string;
  readonly reasons: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** Epoch ms of the first seeded day's midnight, Vietnam time. */
const START_MS = Date.UTC(2021, 9, 11) - 7 * 3_600_000;

/** The seeded rows, kiosk after kiosk and by seq within a kiosk; the same rows for every engine. */
export function* seedRows(seed: EntrySeed): Generator<SeedRow> {
  const random = seededRandom(2021);
  const shares = locationShares(seed.entries, seed.locations);
  let pool = randomBytes(0);
  const nextHash = (): string => {
    if (pool.length === 0) pool = randomBytes(32 * 8_192);
    const hash = pool.subarray(0, 32).toString('hex');
    pool = pool.subarray(32);
    return hash;
  };
  for (let l = 0; l < seed.locations; l++) {
    const location = `Điểm ${String(l).padStart(4, '0')}`;
    const share = shares[l] ?? 0;
    for (let lane = 0; lane < KIOSKS_PER_LOCATION; lane++) {
      // Kiosk ids sort as they are generated, so a primary key is written in order.
      const kioskId = `k-${String(l * KIOSKS_PER_LOCATION + lane).padStart(6, '0')}`;
      const n = Math.floor(share / KIOSKS_PER_LOCATION) + (lane === 0 ? share % KIOSKS_PER_LOCATION : 0);
      let prevHash = '0'.repeat(64);
      for (let seq = 1; seq <= n; seq++) {
        // seq order is time order: the (seq − 1 + jitter)/n fraction of the open hours.
        const f = ((seq - 1 + random()) / n) * seed.days;
        const day = Math.floor(f);
        const atMs = START_MS + day * DAY_MS + OPEN_MS + Math.floor((f - day) * OPEN_HOURS_MS);
        const kind = OUTCOMES[Math.floor(random() * OUTCOMES.length)] ?? OUTCOMES[0];
        const hash = nextHash();
        yield {
          kioskId,
          seq,
          atMs,
          at: toVietnamIso(atMs),
          location,
          lane: String(lane + 1),
          credentialKind: kind.credential,
          authenticity: kind.authenticity,
          personId: seededPersonId(Math.floor(random() * seed.people)),
          outcome: kind.outcome,
          reasons: kind.reasons,
          prevHash,
          hash,
        };
        prevHash = hash;
      }
    }
  }
}

/** What the seed tells the benchmark about the data it made. */
export function seeded(seed: EntrySeed): SeededEntries {
  return {
    ...seed,
    kiosks: seed.locations * KIOSKS_PER_LOCATION,
    startMs: START_MS,
    busiestLocationEntries: locationShares(seed.entries, seed.locations)[0] ?? 0,
  };
}

/** Creates and migrates the hub database at `file` (through the hub's own code), then seeds it. */
export async function seedHubEntries(file: string, seed: EntrySeed): Promise<SeededEntries> {
  await (await SqliteHubStorage.open(file)).close();
  const db = new Database(file);
  try {
    // A rollback journal only copies pages that existed before the transaction, so out of WAL
    // (which would write all 10 M rows twice) the seed writes each page once. (OFF would do
    // as well, but better-sqlite3's defensive mode refuses it.) A large cache for the index builds.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    // The indexes are built once at the end (a sort), not row by row: recreated from the
    // hub's own definitions, so they are whatever the migrations say.
    const indexes = db
      .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entry' AND sql IS NOT NULL")
      .all();
    // Explicit columns: those added by later migrations take their defaults.
    const insert = db.prepare(`INSERT INTO entry (kiosk_id, seq, at_ms, at, location, lane, direction, source_kind, source_device_id, credential_kind,
                                                 authenticity, person_id, outcome, reasons, rule_set, override, prev_hash, hash, problem)
                               VALUES (?, ?, ?, ?, ?, ?, 'in', 'camera', 'cam-0', ?, ?, ?, ?, ?, 'khanh-hoa-2021-10@3', NULL, ?, ?, NULL)`);
    const chain = db.prepare(`INSERT INTO entry_chain (kiosk_id, contiguous_seq, head_hash, max_seq, flagged_entries, conflicts, updated_at)
                              VALUES (?, ?, ?, ?, 0, 0, ?)`);
    db.transaction(() => {
      for (const name of indexes.map((i) => i.name)) db.exec(`DROP INDEX ${name}`);
      const heads = new Map<string, { seq: number; hash: string }>();
      for (const r of seedRows(seed)) {
        insert.run(r.kioskId, r.seq, r.atMs, r.at, r.location, r.lane, r.credentialKind, r.authenticity, r.personId, r.outcome, r.reasons, r.prevHash, r.hash);
        heads.set(r.kioskId, { seq: r.seq, hash: r.hash });
      }
      // Every chain verified to its last entry, as ingest would have left it.
      for (const [kioskId, head] of heads) chain.run(kioskId, head.seq, head.hash, head.seq, Date.now());
      for (const { sql } of indexes) db.exec(sql);
    })();
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  return seeded(seed);
}
