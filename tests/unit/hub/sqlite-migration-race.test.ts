import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_SQLITE_FILE } from '../../../hub/storage/sqlite-hub-storage.js';
import { HUB_SQLITE_MIGRATIONS, migrateHubSqlite } from '../../../hub/storage/sqlite-migrations.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';

/**
 * `chot hub import` and `chot hub serve` started together on a hub database an older Chốt
 * left: two real processes migrate the same file at once. Each must either do a migration
 * or find it done — never run it a second time ("table … already exists"), never fail.
 *
 * To make them race rather than take turns, this test holds the file's write lock while
 * both start: each reads the old schema version, then waits for the lock (busy timeout).
 * The lock is let go once both have said they are opening; whichever migrates second
 * had read the old version too.
 */
const ROUNDS = 4;
const dir = tempDataDir('chot-hub-migration-race-');
let bundleDir = '';
let childScript = '';

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const root = repoRoot();
  const sqlite = createRequire(join(root, 'package.json')).resolve('better-sqlite3');
  bundleDir = mkdtempSync(join(tmpdir(), 'chot-hub-child-bundle-'));
  childScript = join(bundleDir, 'open-hub-child.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'tests/unit/hub/open-hub-child.ts')],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [{ name: 'sqlite-external', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })) }],
  });
}, 60_000);

afterAll(() => {
  for (const path of [dir, bundleDir]) if (path !== '') rmSync(path, { recursive: true, force: true });
});

/** A version-1 hub database (the first release's schema) holding one person. */
function seedVersion1(name: string): string {
  const file = join(dir, `${name}-${HUB_SQLITE_FILE}`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrateHubSqlite(db, HUB_SQLITE_MIGRATIONS.slice(0, 1));
  db.exec(`
    INSERT INTO person (id12, old_id, bhxh, seq) VALUES (56089001234, '225123456', NULL, 1);
    UPDATE feed SET seq = 1, people = 1;
  `);
  db.close();
  return file;
}

interface Opener {
  readonly child: ChildProcess;
  /** Resolves when the child says it is opening the database. */
  readonly opening: Promise<void>;
  /** Resolves with the exit code and what the child wrote to stderr. */
  readonly done: Promise<{ code: number | null; stderr: string }>;
}

function openInChild(file: string): Opener {
  const child = spawn(process.execPath, [childScript, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  const opening = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (stdout.includes('opening\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`the child exited before opening: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  return { child, opening, done };
}

describe('two hub processes migrating one old SQLite database', () => {
  it('both open it; the schema ends at the newest version with the data kept', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const file = seedVersion1(`round-${round}`);
      const holder = new Database(file);
      holder.exec('BEGIN IMMEDIATE');
      const openers = [openInChild(file), openInChild(file)];
      try {
        await Promise.all(openers.map((o) => o.opening));
      } finally {
        holder.exec('COMMIT');
        holder.close();
      }
      const results = await Promise.all(openers.map((o) => o.done));
      expect(results.map((r) => r.stderr)).toEqual(['', '']);
      expect(results.map((r) => r.code)).toEqual([0, 0]);

      const db = new Database(file, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(HUB_SQLITE_MIGRATIONS.at(-1)?.version);
      expect(db.prepare('SELECT id12, old_id, seq FROM person').all()).toEqual([{ id12: 56089001234, old_id: '225123456', seq: 1 }]);
      expect(
        db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('device', 'entry', 'admin_token', 'entry_flag')").pluck().get(),
      ).toBe(4);
      db.close();
    }
  }, 120_000);
});
