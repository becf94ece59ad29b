import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { SHADOW_TABLE } from '../../../../main/sync/facts-sync-writer.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { afterChunk, doneOf, runSyncApplyChild, type SyncApplyChildRun } from '../../../support/sync-apply-run.js';
import { syncBundles, type SyncBundles } from '../../../support/sync-bundle.js';
import { changedPeople, databaseDigest, people, peopleDigest, testHubKey, writeChunkFile, type PeopleDigest } from '../../../support/sync-fixtures.js';

/**
 * SIGKILL during an apply, for real: a child process applies a snapshot or delta from a
 * file through the SyncApplier (worker thread and all) and reports each chunk on stdout;
 * the test kills it mid-way, then opens the database and checks it holds exactly the old
 * state at the old sequence or the new state at the new one — compared by a digest of
 * every row — and that the next run resumes or completes.
 */
const key = testHubKey();
const N = 150_000;
const CHUNK = 5_000;
let bundles: SyncBundles;
const dir = tempDataDir('chot-sync-crash-');
const database = join(dir, FACTS_DATABASE_FILE);
const file = (name: string): string => join(dir, name);
const states: Record<string, PeopleDigest> = {};

beforeAll(async () => {
  bundles = await syncBundles();
  writeChunkFile(file('a.bin'), people(20_000), { kind: 'snapshot', fromSeq: 0, toSeq: 10 }, key, { maxRecords: CHUNK });
  writeChunkFile(file('b.bin'), people(N, 1), { kind: 'snapshot', fromSeq: 0, toSeq: 20 }, key, { maxRecords: CHUNK });
  writeChunkFile(file('b2.bin'), people(N, 3), { kind: 'snapshot', fromSeq: 0, toSeq: 25 }, key, { maxRecords: CHUNK });
  writeChunkFile(file('c.bin'), changedPeople(N, 2, 2), { kind: 'delta', fromSeq: 25, toSeq: 30 }, key, { maxRecords: CHUNK });
  states['10'] = peopleDigest(people(20_000));
  states['20'] = peopleDigest(people(N, 1));
  states['25'] = peopleDigest(people(N, 3));
  states['30'] = peopleDigest([...people(N, 3), ...changedPeople(N, 2, 2)]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the applying child; kills it with SIGKILL as soon as `killWhen` holds for a stdout line. */
function applyInChild(
  chunks: string,
  kind: 'snapshot' | 'delta',
  options: { resume?: boolean; killWhen?: (line: string) => boolean } = {},
): Promise<SyncApplyChildRun> {
  return runSyncApplyChild({
    script: bundles.childScript,
    database,
    chunks: file(chunks),
    kind,
    hubKey: key.publicKeyBase64,
    worker: fileURLToPath(bundles.workerUrl),
    ...options,
  });
}

/** The database's sequence and digest, with the sequence naming the state the rows must be in. */
function inspect(): { seq: number | undefined; digest: PeopleDigest; shadow: boolean } {
  const db = openFactsDatabase(database);
  try {
    const shadow = db.prepare('SELECT count(*) FROM sqlite_master WHERE name = ?').pluck().get(SHADOW_TABLE) === 1;
    return { seq: new FactsStore(db).syncedSeq(), digest: databaseDigest(db), shadow };
  } finally {
    db.close();
  }
}

const done = (run: SyncApplyChildRun): Record<string, number> => doneOf<Record<string, number>>(run) ?? {};

// Child processes killed and rerun: under load their start-up alone can pass the default
// 20 s, so the bound is on hangs, not on speed.
describe('sync apply survives SIGKILL', { timeout: 120_000 }, () => {
  it('during a snapshot: the old data at the old sequence, then the next run resumes', async () => {
    await applyInChild('a.bin', 'snapshot');
    expect(inspect()).toMatchObject({ seq: 10, digest: states['10'] });

    const killed = await applyInChild('b.bin', 'snapshot', { killWhen: afterChunk(8) });
    expect(killed.killed).toBe(true);
    expect(killed.lines.some((l) => l.startsWith('done'))).toBe(false);
    const afterKill = inspect();
    expect(afterKill).toMatchObject({ seq: 10, digest: states['10'], shadow: true });

    const resumed = await applyInChild('b.bin', 'snapshot', { resume: true });
    expect(done(resumed).startedAt).toBeGreaterThanOrEqual(9);
    expect(inspect()).toEqual({ seq: 20, digest: states['20'], shadow: false });
  });

  it('around the swap: the old state or the new, never a mix', async () => {
    // Killed as the last chunks (and with the final one, the swap) commit.
    const lastIndex = Math.ceil(N / CHUNK) - 1;
    expect(inspect().seq).toBe(20);
    await applyInChild('b2.bin', 'snapshot', { killWhen: afterChunk(lastIndex - 1) });
    const state = inspect();
    expect(state.seq === 20 || state.seq === 25).toBe(true);
    expect(state.digest).toEqual(states[String(state.seq)]);
    await applyInChild('b2.bin', 'snapshot', { resume: true });
    expect(inspect()).toMatchObject({ seq: 25, digest: states['25'] });
  });

  it('during a delta: nothing of it until all of it, then a rerun completes it', async () => {
    expect(inspect().seq).toBe(25);
    const early = await applyInChild('c.bin', 'delta', { killWhen: afterChunk(5) });
    expect(early.killed).toBe(true);
    expect(inspect()).toMatchObject({ seq: 25, digest: states['25'] });

    // Killed once the last chunk is verified: inside or after the delta's one transaction.
    const lastIndex = Math.ceil(N / 2 / CHUNK) - 1;
    await applyInChild('c.bin', 'delta', { killWhen: afterChunk(lastIndex - 1) });
    const state = inspect();
    expect(state.seq === 25 || state.seq === 30).toBe(true);
    expect(state.digest).toEqual(states[String(state.seq)]);

    const rerun = await applyInChild('c.bin', 'delta');
    expect(done(rerun).watermark).toBe(30);
    expect(inspect()).toMatchObject({ seq: 30, digest: states['30'] });
  });
});
