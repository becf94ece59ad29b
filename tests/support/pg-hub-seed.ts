import pg from 'pg';
import { PgHubStorage } from '../../hub/storage/pg-hub-storage.js';

/**
 * The PostgreSQL twin of hub-seed.ts: `people` people in bulk (the hub's own migrations,
 * then generate_series), the same IDs and shape of data as seedSqliteHub, one change set at
 * sequence 1. For benchmarks; `chot hub import` is the path real files take.
 */
export async function seedPgHub(url: string, people: number): Promise<void> {
  // Creates the schema with the hub's own migrations.
  await (await PgHubStorage.open(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO person (id12, old_id, bhxh, seq)
       SELECT 1000000000 + i * 97,
              CASE WHEN i % 2 = 0 THEN (100000000 + (i * 7919) % 899999999)::text END,
              CASE WHEN i % 5 <> 0 THEN (1000000000 + (i::bigint * 104729) % 8999999999)::text END,
              1
       FROM generate_series(0, $1::int - 1) AS i`,
      [people],
    );
    for (const dose of [1, 2]) {
      await client.query(
        `INSERT INTO vaccination (id12, dose, given_on, product)
         SELECT 1000000000 + i * 97, $2, date '2021-06-01' + (($2 - 1) * 30 + i % 50),
                CASE i % 4 WHEN 0 THEN 'EU/1/20/1528' WHEN 1 THEN 'EU/1/21/1529' WHEN 2 THEN 'EU/1/20/1507' ELSE 'BBIBP-CorV' END
         FROM generate_series(0, $1::int - 1) AS i`,
        [people, dose],
      );
    }
    await client.query('UPDATE feed SET seq = 1, people = $1', [people]);
    await client.query("INSERT INTO change_set (seq, kind, source, rows, people_changed) VALUES (1, 'vaccination', 'benchmark seed', $1, $2)", [
      2 * people,
      people,
    ]);
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/**
 * One more change set, as an import would commit it: every `stride`-th of the first `people`
 * people gets a booster. The feed's row lock serialises it with any other import, as the
 * hub's own imports are. Resolves with the new sequence and the moment (epoch ms, sub-ms
 * precision, comparable across processes of this machine) its COMMIT returned.
 */
export async function seedPgHubDelta(url: string, people: number, stride: number): Promise<{ seq: number; committedAtMs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const seq = Number((await client.query<{ seq: string }>('SELECT seq FROM feed FOR UPDATE')).rows[0]?.seq) + 1;
    const series = 'FROM generate_series(0, $1::int - 1, $2::int) AS i';
    await client.query(
      `INSERT INTO vaccination (id12, dose, given_on, product) SELECT 1000000000 + i * 97, 3, date '2021-12-01', 'EU/1/20/1528' ${series}
       ON CONFLICT (id12, dose) DO UPDATE SET given_on = EXCLUDED.given_on`,
      [people, stride],
    );
    await client.query(`UPDATE person SET seq = $3 WHERE id12 IN (SELECT 1000000000 + i * 97 ${series})`, [people, stride, seq]);
    const count = Math.ceil(people / stride);
    await client.query('UPDATE feed SET seq = $1', [seq]);
    await client.query("INSERT INTO change_set (seq, kind, source, rows, people_changed) VALUES ($1, 'vaccination', 'benchmark booster', $2, $2)", [
      seq,
      count,
    ]);
    await client.query('COMMIT');
    return { seq, committedAtMs: performance.timeOrigin + performance.now() };
  } finally {
    await client.end();
  }
}
