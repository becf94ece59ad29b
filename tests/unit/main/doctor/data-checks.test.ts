import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseCheck, databaseChecks, dataAgeCheck, diskSpaceCheck, loadRuleSets, ruleSetCheck } from '../../../../main/doctor/data-checks.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';

/** The doctor's data-directory checks, each on a data directory rigged into a bad state. */
let dataDir: string;
const NOW = Date.parse('2026-12-06T10:00:00Z');
const HOUR = 3_600_000;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chot-doctor-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function syncedAt(atMs: number): void {
  const db = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE));
  new FactsStore(db).markSynced(atMs, 5);
  db.close();
}

describe('database integrity (PRAGMA quick_check)', () => {
  it('says OK for intact databases and WARN for one not created yet', () => {
    openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE)).close();
    const [kiosk, facts] = databaseChecks(dataDir);
    expect(kiosk).toMatchObject({ id: 'database.kiosk', status: 'ok' });
    expect(facts).toMatchObject({ id: 'database.facts', status: 'warn' });
  });

  it('FAILs a facts.sqlite whose pages are overwritten, with the fix in both languages', () => {
    syncedAt(NOW);
    const file = join(dataDir, FACTS_DATABASE_FILE);
    // Keep the first page (header and schema, so SQLite opens it) and garble every page after it.
    const db = openFactsDatabase(file);
    db.pragma('journal_mode = DELETE');
    db.close();
    const { size } = statSync(file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    const check = databaseCheck(dataDir, FACTS_DATABASE_FILE, 'database.facts');
    expect(check.status).toBe('fail');
    expect(check.detail?.problem).toMatch(/malformed|corrupt|page|tree/i);
    expect(check.fix?.vi).toContain('chot sync');
    expect(check.fix?.en).toContain('chot sync');
  });

  it('FAILs a file that is not a database at all', () => {
    writeFileSync(join(dataDir, KIOSK_DATABASE_FILE), 'not a database, just text that is long enough to have a header'.repeat(10));
    expect(databaseCheck(dataDir, KIOSK_DATABASE_FILE, 'database.kiosk')).toMatchObject({ status: 'fail', detail: { problem: expect.any(String) } });
  });
});

describe('data age, judged as the kiosk readiness judges it', () => {
  const builtin = (): ReturnType<ReturnType<typeof loadRuleSets>['inForce']> => loadRuleSets(dataDir).inForce(NOW);

  it('is OK for data synced an hour ago', () => {
    syncedAt(NOW - HOUR);
    expect(dataAgeCheck(dataDir, builtin(), NOW, true)).toMatchObject({ id: 'data.age', status: 'ok', detail: { staleAfterHours: 24 } });
  });

  it('WARNs past half the stale threshold and FAILs past it', () => {
    syncedAt(NOW - 13 * HOUR);
    expect(dataAgeCheck(dataDir, builtin(), NOW, true).status).toBe('warn');
    syncedAt(NOW - 30 * HOUR);
    const stale = dataAgeCheck(dataDir, builtin(), NOW, true);
    expect(stale.status).toBe('fail');
    expect(stale.fix?.en).toContain('chot sync');
  });

  it('FAILs a kiosk that never synced, telling an unenrolled one to enrol', () => {
    const check = dataAgeCheck(dataDir, builtin(), NOW, false);
    expect(check.status).toBe('fail');
    expect(check.detail?.syncedAt).toBeNull();
    expect(check.fix?.en).toContain('chot enroll');
  });
});

describe('rule set in force', () => {
  it('WARNs when only the built-in default is in force', () => {
    expect(ruleSetCheck(loadRuleSets(dataDir), NOW)).toMatchObject({ id: 'rules', status: 'warn', detail: { loaded: 0, refused: 0 } });
  });

  it('WARNs naming a rule set file that is refused', () => {
    mkdirSync(join(dataDir, 'rules'));
    writeFileSync(join(dataDir, 'rules', 'forged@1.json'), '{"not": "signed"}');
    const check = ruleSetCheck(loadRuleSets(dataDir), NOW);
    expect(check.status).toBe('warn');
    expect(check.en).toContain('forged@1.json');
    expect(check.detail).toMatchObject({ refused: 1 });
  });
});

describe('disk space (through the statfs seam: a full disk cannot be rigged here)', () => {
  it('FAILs under 100 MiB free, WARNs under 1 GiB, is OK above', () => {
    expect(diskSpaceCheck(dataDir, () => 50 * 1024 ** 2)).toMatchObject({ status: 'fail', en: 'Free disk space: 50 MiB' });
    expect(diskSpaceCheck(dataDir, () => 500 * 1024 ** 2).status).toBe('warn');
    expect(diskSpaceCheck(dataDir, () => 8 * 1024 ** 3)).toMatchObject({ status: 'ok', en: 'Free disk space: 8.0 GiB' });
  });

  it('FAILs when the free space cannot be read', () => {
    const check = diskSpaceCheck(dataDir, () => {
      throw new Error('ENOENT');
    });
    expect(check).toMatchObject({ status: 'fail', detail: { problem: 'ENOENT' } });
  });
});
