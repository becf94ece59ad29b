import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseCheck, databaseChecks, dataAgeCheck, loadRuleSets } from '../../../../main/doctor/data-checks.js';
import { encryptionCheck, loadDoctorKey } from '../../../../main/doctor/encryption-check.js';
import type { AtRestKey } from '../../../../main/store/at-rest-key.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { sqliteFileState } from '../../../../main/store/sqlite-database.js';

/** The doctor's encryption line, and the database lines beside it, on data directories rigged into each state. */
let dir: string;
let dataDir: string;
const NOW = Date.parse('2026-12-06T10:00:00Z');

const keyFile = (name: string, hex: string): string => {
  const file = join(dir, name);
  writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  return file;
};
const RIGHT = 'a1'.repeat(32);
const WRONG = 'b2'.repeat(32);
const keyOf = (hex: string, origin = join(dir, 'key')): AtRestKey => ({ hex, source: 'key-file', origin });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chot-doctor-enc-'));
  dataDir = join(dir, 'data');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Both databases as a kiosk leaves them: synced an hour ago, encrypted under `key` or not. */
function kioskData(key?: AtRestKey): void {
  openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), key).close();
  const facts = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key);
  new FactsStore(facts).markSynced(NOW - 3_600_000, 5);
  facts.close();
}

describe('the encryption line', () => {
  it('WARNs a plaintext data directory, with both fixes in both languages', () => {
    kioskData();
    const check = encryptionCheck(dataDir, { key: undefined });
    expect(check).toMatchObject({ id: 'encryption', status: 'warn', detail: { mode: 'none', 'kiosk.sqlite': 'plaintext' } });
    expect(check.en).toContain('not encrypted');
    expect(check.fix?.en).toContain('chot db-key seal');
    expect(check.fix?.en).toContain('--db-key-file');
    expect(check.fix?.vi).toContain('chot db-key seal');
  });

  it('is OK for an encrypted directory and the right key, naming where the key came from; the databases check intact', () => {
    const file = keyFile('kiosk.key', RIGHT);
    const given = loadDoctorKey(file, {});
    kioskData(given.key);
    expect(sqliteFileState(join(dataDir, FACTS_DATABASE_FILE))).toBe('encrypted');
    expect(encryptionCheck(dataDir, given)).toMatchObject({ status: 'ok', en: `Encryption at rest: encrypted (key file ${file})` });
    expect(databaseChecks(dataDir, given.key).map((check) => check.status)).toEqual(['ok', 'ok']);
    expect(dataAgeCheck(dataDir, loadRuleSets(dataDir).inForce(NOW), NOW, true, given.key).status).toBe('ok');

    // As systemd hands it to a service: $CREDENTIALS_DIRECTORY/chot-db-key, read-only.
    writeFileSync(join(dir, 'chot-db-key'), `${RIGHT}\n`, { mode: 0o400 });
    const fromSystemd = loadDoctorKey(undefined, { CREDENTIALS_DIRECTORY: dir });
    expect(encryptionCheck(dataDir, fromSystemd)).toMatchObject({ status: 'ok', en: 'Encryption at rest: encrypted (systemd credential chot-db-key)' });
  });

  it('FAILs an encrypted directory when the doctor was given no key, saying how to give it one; the database lines do not say "delete it"', () => {
    kioskData(keyOf(RIGHT));
    const check = encryptionCheck(dataDir, { key: undefined });
    expect(check).toMatchObject({ status: 'fail', detail: { mode: 'none', 'facts.sqlite': 'encrypted' } });
    expect(check.fix?.en).toContain('--db-key-file');
    expect(check.fix?.en).toContain('systemd-run --pipe --wait -p LoadCredentialEncrypted=chot-db-key chot doctor');
    // The data's age is unknown, not "never synced".
    const age = dataAgeCheck(dataDir, loadRuleSets(dataDir).inForce(NOW), NOW, true);
    expect(age).toMatchObject({ status: 'fail', en: 'Data age unknown: facts.sqlite is encrypted and not opened with the key given' });
    expect(age.fix?.en).toContain('--db-key-file');
    for (const database of databaseChecks(dataDir)) {
      expect(database.status).toBe('fail');
      expect(database.en).toContain('encrypted');
      expect(database.fix?.en).not.toMatch(/delete/i);
    }
  });

  it('FAILs a key that does not open the databases', () => {
    kioskData(keyOf(RIGHT));
    const given = loadDoctorKey(keyFile('other.key', WRONG), {});
    const check = encryptionCheck(dataDir, given);
    expect(check).toMatchObject({ status: 'fail', detail: { problem: expect.stringContaining('does not open') } });
    expect(check.en).toContain('does not open kiosk.sqlite');
    expect(check.fix?.en).toContain('not the key the data was encrypted with');
    expect(databaseCheck(dataDir, FACTS_DATABASE_FILE, 'database.facts', given.key)).toMatchObject({ status: 'fail' });
  });

  it('FAILs a key file it cannot use (readable by others), as the kiosk would refuse it', () => {
    kioskData();
    const file = keyFile('open.key', RIGHT);
    chmodSync(file, 0o644);
    const check = encryptionCheck(dataDir, loadDoctorKey(file, {}));
    expect(check.status).toBe('fail');
    expect(check.en).toContain('chmod 600');
  });

  it('WARNs a key given while the databases are still plaintext: the kiosk encrypts them at its next start', () => {
    kioskData();
    const check = encryptionCheck(dataDir, loadDoctorKey(keyFile('kiosk.key', RIGHT), {}));
    expect(check).toMatchObject({ status: 'warn', detail: { mode: 'key-file' } });
    expect(check.en).toContain('kiosk.sqlite, facts.sqlite is not encrypted yet');
    expect(check.fix?.en).toContain('restart chot-core');
  });

  it('WARNs a key file kept inside the data directory it encrypts', () => {
    kioskData(keyOf(RIGHT));
    const inside = join(dataDir, 'db.key');
    writeFileSync(inside, `${RIGHT}\n`, { mode: 0o600 });
    const check = encryptionCheck(dataDir, loadDoctorKey(inside, {}));
    expect(check.status).toBe('warn');
    expect(check.en).toContain('inside the data directory');
    expect(check.fix?.en).toContain('chot db-key seal');
  });

  it('is OK with a key and no databases yet: the kiosk creates them encrypted', () => {
    expect(encryptionCheck(dataDir, loadDoctorKey(keyFile('kiosk.key', RIGHT), {})).status).toBe('ok');
  });
});
