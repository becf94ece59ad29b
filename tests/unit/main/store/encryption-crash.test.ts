import PlainDatabase from 'better-sqlite3-multiple-ciphers';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import type { AtRestKey } from '../../../../main/store/at-rest-key.js';
import type { EncryptionStep } from '../../../../main/store/database-encryption.js';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { PEOPLE_MOVED_KEY } from '../../../../main/store/facts-move.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { openKioskSqlite, sqliteFileState, type SqliteDatabase } from '../../../../main/store/sqlite-database.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { databaseDigest, people, peopleDigest } from '../../../support/sync-fixtures.js';
import { bundleForNode, sqliteExternals } from '../../../support/worker-bundle.js';

/**
 * SIGKILL while an existing plaintext kiosk is encrypted in place, for real: a child process
 * opens a version-3 kiosk (50 000 people, not yet moved to facts.sqlite) with a key, which
 * encrypts kiosk.sqlite and then runs the migrations. Killed after each step of the
 * encryption, and at moments spread over the whole open, the kiosk's data must always be
 * whole — plaintext as it was, or encrypted — and the next open must end encrypted, with
 * every person once and nothing left beside it.
 */
const N = 50_000;
const KEY: AtRestKey = { hex: '3c'.repeat(32), source: 'key-file', origin: 'test' };
const expected = peopleDigest(people(N));
const dir = tempDataDir('chot-encryption-crash-');
const template = join(dir, 'template.sqlite');
let childScript = '';

beforeAll(async () => {
  const db = new PlainDatabase(template);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, 3));
  const insert = db.prepare('INSERT INTO person (id12, old_id, bhxh, facts) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const p of people(N)) insert.run(Number(p.id12), p.oldId ?? null, p.bhxh ?? null, encodeFacts(p.facts));
    db.prepare("INSERT INTO meta (key, value) VALUES ('facts_seq', '7')").run();
  })();
  db.close();
  childScript = await bundleForNode('tests/support/encrypt-kiosk-child.ts', 'encrypt-kiosk-child.mjs', sqliteExternals());
}, 60_000);

function freshKiosk(name: string): string {
  const dataDir = join(dir, name);
  mkdirSync(dataDir);
  copyFileSync(template, join(dataDir, KIOSK_DATABASE_FILE));
  return dataDir;
}

/** Runs the child; resolves once it exits, by itself or by the SIGKILL `killAfterMs` after it starts opening. */
function runChild(args: string[], killAfterMs?: number): Promise<{ killed: boolean; openingMs: number }> {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let started = 0;
  child.stderr.on('data', (data: Buffer) => (out += data.toString()));
  child.stdout.on('data', (data: Buffer) => {
    out += data.toString();
    if (started === 0 && out.includes('opening\n')) {
      started = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, openingMs: performance.now() - started });
      else if (code === 0) resolve({ killed: false, openingMs: performance.now() - started });
      else reject(new Error(`child exited ${String(code)}: ${out}`));
    });
  });
}

function read<T>(file: string, body: (db: SqliteDatabase) => T): T {
  const db = openKioskSqlite(file, { key: KEY });
  try {
    return body(db);
  } finally {
    db.close();
  }
}

/** After a kill: the people are whole in the kiosk file (plaintext or encrypted) or, marked moved, in an encrypted facts file. */
function assertWhole(dataDir: string): 'plaintext' | 'encrypted' {
  const kioskFile = join(dataDir, KIOSK_DATABASE_FILE);
  const state = sqliteFileState(kioskFile);
  expect(['plaintext', 'encrypted']).toContain(state);
  const version = read(kioskFile, (db) => db.pragma('user_version', { simple: true }) as number);
  if (version === 3) expect(read(kioskFile, databaseDigest)).toEqual(expected);
  else {
    const factsFile = join(dataDir, FACTS_DATABASE_FILE);
    expect(sqliteFileState(factsFile)).toBe('encrypted');
    expect(read(factsFile, (db) => db.prepare('SELECT 1 FROM meta WHERE key = ?').get(PEOPLE_MOVED_KEY))).toBeDefined();
    expect(read(factsFile, databaseDigest)).toEqual(expected);
  }
  return state as 'plaintext' | 'encrypted';
}

/** The next start: opens with the key; everything ends encrypted, the people once in facts.sqlite, no copy left beside. */
function assertRecovers(dataDir: string): void {
  openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), KEY, { encryptPlaintext: true }).close();
  for (const file of [KIOSK_DATABASE_FILE, FACTS_DATABASE_FILE]) expect(sqliteFileState(join(dataDir, file))).toBe('encrypted');
  expect(read(join(dataDir, FACTS_DATABASE_FILE), databaseDigest)).toEqual(expected);
  expect(readdirSync(dataDir).filter((name) => name.includes('.encrypting'))).toEqual([]);
}

describe('encrypting an existing kiosk in place survives SIGKILL', () => {
  const steps: EncryptionStep[] = ['checkpointed', 'copied', 'synced', 'verified', 'source-closed', 'renamed'];

  it.each(steps)('killed right after "%s": the data is whole, and the next start finishes the job', async (step) => {
    const dataDir = freshKiosk(`step-${step}`);
    const { killed } = await runChild([dataDir, KEY.hex, step]);
    expect(killed).toBe(true);
    // Before the rename the file is still the plaintext one; from the rename on, the encrypted one.
    expect(assertWhole(dataDir)).toBe(step === 'renamed' ? 'encrypted' : 'plaintext');
    assertRecovers(dataDir);
  });

  it('killed at moments spread over the whole open (encryption, then migration 4 into an encrypted facts.sqlite)', async () => {
    const whole = freshKiosk('whole');
    const { killed, openingMs } = await runChild([whole, KEY.hex]);
    expect(killed).toBe(false);
    assertRecovers(whole);
    // Whatever a loaded machine makes of these moments (a child may even finish first), each
    // state found must be whole and recover: no timing is asserted.
    for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const dataDir = freshKiosk(`kill-${fraction}`);
      const run = await runChild([dataDir, KEY.hex], Math.floor(openingMs * fraction));
      if (run.killed) assertWhole(dataDir);
      assertRecovers(dataDir);
    }
  }, 120_000);
});
