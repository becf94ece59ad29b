import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateSqlite, type SqliteMigration } from '../../../platform/sqlite-migrate.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
  { version: 2, name: 'b', sql: 'CREATE TABLE b (y INTEGER) STRICT; INSERT INTO a (x) VALUES (2);' },
  { version: 3, name: 'c', sql: 'ALTER TABLE a ADD COLUMN z TEXT;' },
];

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function fileDatabase(): { file: string; db: Database.Database } {
  const file = join(tempDataDir('chot-platform-migrate-'), 'test.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  open.push(db);
  return { file, db };
}

const version = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

describe('the SQLite migration runner', () => {
  it('applies the migrations above the file version, in order, and returns the newest', () => {
    const { db } = fileDatabase();
    expect(migrateSqlite(db, MIGRATIONS.slice(0, 1))).toBe(1);
    expect(migrateSqlite(db, MIGRATIONS)).toBe(3);
    expect(version(db)).toBe(3);
    expect(db.prepare('SELECT x, z FROM a').all()).toEqual([{ x: 2, z: null }]);
    // Again: nothing to do, nothing run twice.
    expect(migrateSqlite(db, MIGRATIONS)).toBe(3);
    expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(1);
  });

  it('refuses a file a newer Chốt migrated, naming the database', () => {
    const { db } = fileDatabase();
    db.pragma('user_version = 9');
    expect(() => migrateSqlite(db, MIGRATIONS, 'hub database')).toThrow('hub database schema version 9 is newer than this Chốt (knows up to 3); upgrade Chốt');
  });

  it('a migration that fails leaves the file at the version before it', () => {
    const { db } = fileDatabase();
    const broken = [...MIGRATIONS, { version: 4, name: 'broken', sql: 'CREATE TABLE half (x); SELECT nonsense FROM nowhere;' }];
    expect(() => migrateSqlite(db, broken)).toThrow(/no such table/);
    expect(version(db)).toBe(3);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get()).toBe(0);
  });

  it('a connection that read the old version while another migrated finds the work done, under the write lock', () => {
    const { file, db: late } = fileDatabase();
    migrateSqlite(late, MIGRATIONS.slice(0, 1));
    // The late connection has read version 1; just before its migration 2 takes the write
    // lock, another connection migrates all the way.
    const racing = MIGRATIONS.map((m) =>
      m.version !== 2
        ? m
        : {
            ...m,
            setup: () => {
              const first = new Database(file);
              open.push(first);
              migrateSqlite(first, MIGRATIONS);
            },
          },
    );
    expect(migrateSqlite(late, racing)).toBe(3);
    expect(version(late)).toBe(3);
    expect(late.prepare('SELECT count(*) FROM a').pluck().get()).toBe(1);
  });
});
