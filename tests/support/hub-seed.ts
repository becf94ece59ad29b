import Database from 'better-sqlite3';
import { join } from 'node:path';
import { HUB_SQLITE_FILE, SqliteHubStorage } from '../../hub/storage/sqlite-hub-storage.js';

/**
 * Fills an embedded (SQLite) hub with `people` people in bulk, for benchmarks at 10 million:
 * `chot hub import` validates and assembles row by row, which is right for real files and
 * far too slow to set up a benchmark of the sync. Same schema and same shape of data as an
 * import (identifiers on most people, two doses each), one change set at sequence 1.
 * IDs are `personId(i)` of sync-fixtures.ts: 1 000 000 000 + 97 i.
 */
export async function seedSqliteHub(dataDir: string, people: number): Promise<void> {
  // Creates the database and runs the hub's own migrations.
  await (await SqliteHubStorage.open(join(dataDir, HUB_SQLITE_FILE))).close();
  const db = new Database(join(dataDir, HUB_SQLITE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.transaction(() => {
      const series = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${people - 1})`;
      db.exec(`${series}
        INSERT INTO person (id12, old_id, bhxh, seq)
        SELECT 1000000000 + i * 97,
               CASE WHEN i % 2 = 0 THEN CAST(100000000 + (i * 7919) % 899999999 AS TEXT) END,
               CASE WHEN i % 5 <> 0 THEN CAST(1000000000 + (i * 104729) % 8999999999 AS TEXT) END,
               1
        FROM n`);
      for (const dose of [1, 2]) {
        db.exec(`${series}
          INSERT INTO vaccination (id12, dose, given_on, product)
          SELECT 1000000000 + i * 97, ${dose}, date('2021-0${dose + 5}-01', '+' || (i % 50) || ' days'),
                 CASE i % 4 WHEN 0 THEN 'EU/1/20/1528' WHEN 1 THEN 'EU/1/21/1529' WHEN 2 THEN 'EU/1/20/1507' ELSE 'BBIBP-CorV' END
          FROM n`);
      }
      db.prepare('UPDATE feed SET seq = 1, people = ?').run(people);
      db.prepare("INSERT INTO change_set (seq, kind, source, rows, people_changed, applied_at) VALUES (1, 'vaccination', 'benchmark seed', ?, ?, ?)").run(
        2 * people,
        people,
        new Date().toISOString(),
      );
    })();
  } finally {
    db.close();
  }
}

/**
 * One more change set: every `stride`-th of the first `people` people gets a third dose
 * (a booster), as an import of the vaccination platform's export would. Returns its sequence.
 */
export function seedSqliteHubDelta(dataDir: string, people: number, stride: number): number {
  const db = new Database(join(dataDir, HUB_SQLITE_FILE));
  try {
    db.pragma('busy_timeout = 10000');
    return db
      .transaction(() => {
        const seq = (db.prepare('SELECT seq FROM feed').pluck().get() as number) + 1;
        const series = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + ${stride} FROM n WHERE i + ${stride} < ${people})`;
        db.exec(`${series}
        INSERT OR REPLACE INTO vaccination (id12, dose, given_on, product)
        SELECT 1000000000 + i * 97, 3, '2021-12-01', 'EU/1/20/1528' FROM n`);
        db.exec(`${series} UPDATE person SET seq = ${seq} WHERE id12 IN (SELECT 1000000000 + i * 97 FROM n)`);
        const count = Math.ceil(people / stride);
        db.prepare('UPDATE feed SET seq = ?').run(seq);
        db.prepare("INSERT INTO change_set (seq, kind, source, rows, people_changed, applied_at) VALUES (?, 'vaccination', 'benchmark booster', ?, ?, ?)").run(
          seq,
          count,
          count,
          new Date().toISOString(),
        );
        return seq;
      })
      .immediate();
  } finally {
    db.close();
  }
}
