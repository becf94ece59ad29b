import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { seedSqliteHub, seedSqliteHubDelta } from '../support/hub-seed.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { repoRoot, tempDataDir } from '../support/kiosk-process.js';
import { enrolmentCode } from '../support/hub-cli-steps.js';
import { runChot, runChotAsync } from '../support/run-chot.js';

/**
 * A sync survives a crash, through the real path: `chot hub serve` → HTTP → `chot sync`
 * (its worker thread applying), the kiosk process SIGKILLed in the middle of a snapshot
 * and in the middle of a delta, then started again.
 */
const PEOPLE = 400_000;
const STRIDE = 4;
const idOf = (i: number): string => String(1_000_000_000 + i * 97).padStart(12, '0');

const hubDir = tempDataDir('chot-kill-hub-');
const kioskDir = tempDataDir('chot-kill-kiosk-');
const factsFile = join(kioskDir, FACTS_DATABASE_FILE);
let hub: HubProcess;

/** What the kiosk's facts database holds now: its watermark, a snapshot cursor, and how many doses two people have. */
function kioskState(): { watermark?: number; snapshotInProgress: boolean; people: number; doses: (number | undefined)[] } {
  const db = openFactsDatabase(factsFile);
  try {
    const store = new FactsStore(db);
    const progress = db.prepare("SELECT value FROM meta WHERE key = 'facts_snapshot_progress'").pluck().get();
    const watermark = store.syncedSeq();
    return {
      ...(watermark === undefined ? {} : { watermark }),
      snapshotInProgress: progress !== undefined,
      people: db.prepare('SELECT count(*) FROM person').pluck().get() as number,
      doses: [0, STRIDE * 1000, 1].map((i) => store.findById12(idOf(i))?.facts.doses.length),
    };
  } finally {
    db.close();
  }
}

/** Starts `chot sync`, and SIGKILLs it as soon as `when()` holds; resolves once it is dead, with whether it was killed. */
async function syncKilledWhen(when: () => boolean): Promise<boolean> {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'chot.js'), 'sync', '--data-dir', kioskDir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let killed = false;
  while (child.exitCode === null && child.signalCode === null) {
    if (when()) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await exited;
  return killed && child.signalCode === 'SIGKILL';
}

const metaKeyExists = (key: string): boolean => {
  if (!existsSync(factsFile)) return false;
  const db = openFactsDatabase(factsFile);
  try {
    return db.prepare('SELECT 1 FROM meta WHERE key = ?').get(key) !== undefined;
  } catch {
    return false; // busy for a moment: look again
  } finally {
    db.close();
  }
};

/** Whether another connection holds the facts database's write lock (a probe that waits for nothing). */
function writeTransactionOpen(): boolean {
  const db = new Database(factsFile, { timeout: 0 });
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  await seedSqliteHub(hubDir, PEOPLE);
  hub = await startHubProcess(hubDir, await freePort());
  const code = enrolmentCode(hubDir, 'Bến xe Phía Nam');
  const enrolled = runChot(['enroll', '--hub', hub.url, '--code', code, '--data-dir', kioskDir]);
  expect(enrolled.status, enrolled.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await hub.stop();
});

describe('SIGKILL during a sync through the hub', () => {
  it('killed mid-snapshot: the old data at the old sequence; the next sync resumes at the next chunk', async () => {
    // Killed once the first chunks have committed into the shadow table (the resume cursor exists).
    expect(await syncKilledWhen(() => metaKeyExists('facts_snapshot_progress'))).toBe(true);
    const killed = kioskState();
    expect(killed).toMatchObject({ snapshotInProgress: true, people: 0, doses: [undefined, undefined, undefined] });
    expect(killed.watermark).toBeUndefined();

    const resumed = await runChotAsync(['sync', '--data-dir', kioskDir], 120_000);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/applied snapshot at sequence 1: \d+ people in \d+ chunk\(s\), resumed at chunk [1-9]\d*/);
    expect(await hub.log()).toMatch(/GET \/v1\/snapshot\?seq=1&from=[1-9]\d* 200/);
    expect(kioskState()).toMatchObject({ watermark: 1, snapshotInProgress: false, people: PEOPLE, doses: [2, 2, 2] });
  }, 180_000);

  it('killed mid-delta: the old data at the old sequence; the next sync applies the delta, no snapshot', async () => {
    const seq = seedSqliteHubDelta(hubDir, PEOPLE, STRIDE); // a booster for every 4th person: 100 000 changes
    expect(seq).toBe(2);
    // Killed while the delta's one write transaction is open: the only write `chot sync` makes
    // to the facts database after the snapshot, seen as the write lock being taken.
    expect(await syncKilledWhen(writeTransactionOpen)).toBe(true);
    expect(kioskState()).toMatchObject({ watermark: 1, people: PEOPLE, doses: [2, 2, 2] });

    const after = await runChotAsync(['sync', '--data-dir', kioskDir], 120_000);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/applied delta to sequence 2: 100000 people changed/);
    expect(after.stdout).not.toMatch(/snapshot/);
    expect(kioskState()).toMatchObject({ watermark: 2, people: PEOPLE, doses: [3, 3, 2] });
  }, 180_000);
});
