import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAtRestKey, type AtRestKey } from '../../../../main/store/at-rest-key.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { DatabaseLockedError, sqliteFileState } from '../../../../main/store/sqlite-database.js';
import { SHADOW_TABLE } from '../../../../main/sync/facts-sync-writer.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { afterChunk, doneOf, runSyncApplyChild, type SyncApplyChildRun } from '../../../support/sync-apply-run.js';
import { syncBundles, type SyncBundles } from '../../../support/sync-bundle.js';
import { databaseDigest, people, peopleDigest, person, testHubKey, writeChunkFile } from '../../../support/sync-fixtures.js';

/**
 * A snapshot SIGKILLed mid-way on an encrypted facts database, the applying child given the
 * key file as a kiosk is (`--db-key-file`): the chunks committed so far, and the WAL the kill
 * left behind, hold no identifier in the clear; the file opens only with the key, with the old
 * data at the old sequence; the next run, with the key, resumes and completes it.
 */
const hubKey = testHubKey();
const N = 60_000;
const CHUNK = 5_000;
const dir = tempDataDir('chot-sync-crash-encrypted-');
const keyDir = tempDataDir('chot-sync-crash-key-');
const database = join(dir, FACTS_DATABASE_FILE);
const keyFile = join(keyDir, 'chot-db.key');
let bundles: SyncBundles;
let key: AtRestKey;

beforeAll(async () => {
  bundles = await syncBundles();
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  key = loadAtRestKey({ keyFile, env: {} }) as AtRestKey;
  writeChunkFile(join(dir, 'a.bin'), people(10_000), { kind: 'snapshot', fromSeq: 0, toSeq: 10 }, hubKey, { maxRecords: CHUNK });
  writeChunkFile(join(dir, 'b.bin'), people(N, 1), { kind: 'snapshot', fromSeq: 0, toSeq: 20 }, hubKey, { maxRecords: CHUNK });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

function applyInChild(chunks: string, options: { resume?: boolean; killWhen?: (line: string) => boolean } = {}): Promise<SyncApplyChildRun> {
  return runSyncApplyChild({
    script: bundles.childScript,
    database,
    chunks: join(dir, chunks),
    kind: 'snapshot',
    hubKey: hubKey.publicKeyBase64,
    worker: fileURLToPath(bundles.workerUrl),
    dbKeyFile: keyFile,
    ...options,
  });
}

function inspect(): { seq: number | undefined; digest: ReturnType<typeof databaseDigest>; shadow: boolean } {
  const db = openFactsDatabase(database, key);
  try {
    const shadow = db.prepare('SELECT count(*) FROM sqlite_master WHERE name = ?').pluck().get(SHADOW_TABLE) === 1;
    return { seq: new FactsStore(db).syncedSeq(), digest: databaseDigest(db), shadow };
  } finally {
    db.close();
  }
}

/** People the killed run below has committed, by their old IDs and BHXH numbers. */
const SAMPLE_PEOPLE = [person(1, 1), person(12_000, 1), person(29_999, 1)];
const identifiersOf = (records: typeof SAMPLE_PEOPLE): string[] => records.flatMap((p) => [p.bhxh, p.oldId]).filter((t): t is string => t !== undefined);

/** Whether any of the files holds `text` as it would lie in a plaintext page (SQLite stores TEXT as its UTF-8 bytes). */
const inTheClear = (text: string, files: readonly string[]): boolean =>
  files.some((file) => {
    try {
      return readFileSync(file).includes(Buffer.from(text, 'utf8'));
    } catch {
      return false;
    }
  });

describe('an encrypted snapshot apply survives SIGKILL', { timeout: 120_000 }, () => {
  it('finds the sample identifiers in a plaintext facts database (the control for the check below)', () => {
    const plain = join(dir, 'plain.sqlite');
    const db = openFactsDatabase(plain);
    new FactsStore(db).upsertMany(SAMPLE_PEOPLE);
    db.close();
    for (const sample of identifiersOf(SAMPLE_PEOPLE)) expect(inTheClear(sample, [plain])).toBe(true);
  });

  it('stays encrypted, opens only with the key, and resumes with it', async () => {
    await applyInChild('a.bin');
    expect(sqliteFileState(database)).toBe('encrypted');
    expect(inspect()).toMatchObject({ seq: 10, digest: peopleDigest(people(10_000)) });

    const killed = await applyInChild('b.bin', { killWhen: afterChunk(5) });
    expect(killed.killed).toBe(true);
    // The killed run had committed chunks 0–5 (people 0–29 999): none of their identifiers in either file it left.
    for (const sample of identifiersOf(SAMPLE_PEOPLE)) expect(inTheClear(sample, [database, `${database}-wal`])).toBe(false);
    expect(sqliteFileState(database)).toBe('encrypted');
    expect(() => openFactsDatabase(database)).toThrow(DatabaseLockedError);
    expect(inspect()).toMatchObject({ seq: 10, digest: peopleDigest(people(10_000)), shadow: true });

    const resumed = await applyInChild('b.bin', { resume: true });
    expect(doneOf<{ startedAt: number }>(resumed)?.startedAt).toBeGreaterThanOrEqual(6);
    expect(inspect()).toEqual({ seq: 20, digest: peopleDigest(people(N, 1)), shadow: false });
    expect(sqliteFileState(database)).toBe('encrypted');
  });
});
