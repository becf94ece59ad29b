import pg from 'pg';
import { PgHubStorage } from '../../../hub/storage/pg-hub-storage.js';
import { seeded, seedRows, type EntrySeed, type SeededEntries, type SeedRow } from './hub-entry-seed.js';

/** Rows per INSERT … SELECT FROM unnest(…): one round trip per this many entries. */
const ROWS_PER_INSERT = 10_000;

const COLUMNS: readonly [keyof SeedRow, string, string][] = [
  ['kioskId', 'kiosk_id', 'text'],
  ['seq', 'seq', 'bigint'],
  ['atMs', 'at_ms', 'bigint'],
  ['at', 'at', 'text'],
  ['location', 'location', 'text'],
  ['lane', 'lane', 'text'],
  ['credentialKind', 'credential_kind', 'text'],
  ['authenticity', 'authenticity', 'text'],
  ['personId', 'person_id', 'text'],
  ['outcome', 'outcome', 'text'],
  ['reasons', 'reasons', 'text'],
  ['prevHash', 'prev_hash', 'text'],
  ['hash', 'hash', 'text'],
];
// Explicit columns: constants written out, the columns of later migrations take their defaults.
const INSERT = `INSERT INTO entry (${COLUMNS.map(([, column]) => column).join(', ')}, direction, source_kind, source_device_id, rule_set, override, problem)
  SELECT *, 'in', 'camera', 'cam-0', 'khanh-hoa-2021-10@3', NULL, NULL FROM unnest(${COLUMNS.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')})`;

/**
 * The same rows as seedHubEntries (support/hub-entry-seed.ts), into a PostgreSQL hub: the
 * hub's migrations first (PgHubStorage.open), then the secondary indexes dropped, the rows
 * inserted 10 000 at a time, the indexes recreated from their own definitions and the table
 * analysed (a running hub's autovacuum would have done so long before anyone traces).
 */
export async function seedPgHubEntries(url: string, seed: EntrySeed): Promise<SeededEntries> {
  const storage = await PgHubStorage.open(url);
  try {
    // The seeded days' partitions, as ingest would make them: rows left in entry_default
    // would be read by every trace, whatever its range.
    const { startMs } = seeded(seed);
    await storage.entries.partitions.ensureFor(
      Array.from({ length: seed.days }, (_, day) => startMs + day * 86_400_000),
      startMs + seed.days * 86_400_000,
    );
  } finally {
    await storage.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET maintenance_work_mem = '1GB'");
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'entry'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'entry'::regclass)`,
    );
    for (const { indexname } of indexes) await client.query(`DROP INDEX ${indexname}`);
    const heads = new Map<string, { seq: number; hash: string }>();
    let columns: unknown[][] = COLUMNS.map(() => []);
    const flush = async (): Promise<void> => {
      if ((columns[0]?.length ?? 0) > 0) await client.query(INSERT, columns);
      columns = COLUMNS.map(() => []);
    };
    for (const row of seedRows(seed)) {
      COLUMNS.forEach(([key], i) => columns[i]?.push(row[key]));
      heads.set(row.kioskId, { seq: row.seq, hash: row.hash });
      if ((columns[0]?.length ?? 0) >= ROWS_PER_INSERT) await flush();
    }
    await flush();
    const chains = [...heads];
    await client.query(
      `INSERT INTO entry_chain (kiosk_id, contiguous_seq, head_hash, max_seq, flagged_entries, conflicts)
       SELECT k, s, h, s, 0, 0 FROM unnest($1::text[], $2::bigint[], $3::text[]) AS c(k, s, h)`,
      [chains.map(([k]) => k), chains.map(([, head]) => head.seq), chains.map(([, head]) => head.hash)],
    );
    // On the partitioned table, pg_indexes says ON ONLY (the parent's index alone): recreated
    // without it, so every partition gets its index again.
    for (const { indexdef } of indexes) await client.query(indexdef.replace(' ON ONLY ', ' ON '));
    await client.query('ANALYZE entry');
  } finally {
    await client.end();
  }
  return seeded(seed);
}
