import PlainDatabase from 'better-sqlite3';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtRestKeyError, type AtRestKey } from '../../../../main/store/at-rest-key.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { DatabaseLockedError, openKioskSqlite, sqliteFileState } from '../../../../main/store/sqlite-database.js';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { seedOldKioskLog } from '../../../support/seed-kiosk-log.js';
import { people } from '../../../support/sync-fixtures.js';

const KEY: AtRestKey = { hex: 'a5'.repeat(32), source: 'key-file', origin: '/etc/chot/db.key' };
const OTHER_KEY: AtRestKey = { hex: '5a'.repeat(32), source: 'key-file', origin: '/etc/chot/other.key' };
const PERSON_ID = '079201001234';

/** Every byte the kiosk left in its data directory (the databases, their WAL and shared memory). */
function everyByte(dataDir: string): Buffer {
  return Buffer.concat(readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name))));
}

/**
 * A kiosk data directory with one entry and a few thousand people, opened with `key`; left
 * open so the WAL holds them too. `texts`: identifiers stored as text (old IDs, BHXH numbers).
 */
function kioskWithData(key: AtRestKey | undefined): { dataDir: string; close: () => void; ids: string[]; texts: string[] } {
  const dataDir = tempDataDir('chot-encrypted-');
  const kiosk = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), key);
  new EntryLog(kiosk).append(kioskEntry(PERSON_ID));
  const facts = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key);
  const cohort = [...people(2_000)];
  const insert = facts.prepare('INSERT INTO person (id12, old_id, bhxh, facts) VALUES (?, ?, ?, ?)');
  facts.transaction(() => {
    for (const p of cohort) insert.run(Number(p.id12), p.oldId ?? null, p.bhxh ?? null, encodeFacts(p.facts));
  })();
  return {
    dataDir,
    ids: cohort.slice(0, 3).map((p) => p.id12),
    texts: cohort
      .flatMap((p) => [p.oldId, p.bhxh])
      .filter((text): text is string => text !== undefined)
      .slice(0, 20),
    close: () => {
      kiosk.close();
      facts.close();
    },
  };
}

describe('the kiosk databases encrypted at rest', () => {
  it('with a key, no ID number nor SQLite header is on disk, WAL included, while the kiosk runs', () => {
    const encrypted = kioskWithData(KEY);
    const plain = kioskWithData(undefined);
    try {
      // The same data unencrypted shows the ID and the header: the check below can see them.
      expect(everyByte(plain.dataDir).includes(PERSON_ID)).toBe(true);
      expect(everyByte(plain.dataDir).includes('SQLite format 3')).toBe(true);
      for (const text of plain.texts) expect(everyByte(plain.dataDir).includes(text)).toBe(true);
      const bytes = everyByte(encrypted.dataDir);
      expect(readdirSync(encrypted.dataDir).some((name) => name.endsWith('-wal'))).toBe(true);
      expect(bytes.includes(PERSON_ID)).toBe(false);
      expect(bytes.includes('SQLite format 3')).toBe(false);
      for (const text of encrypted.texts) expect(bytes.includes(text)).toBe(false);
    } finally {
      encrypted.close();
      plain.close();
    }
  });

  it('is unreadable without the key: not by SQLite itself, not by Chốt, not with another key', () => {
    const { dataDir, close } = kioskWithData(KEY);
    close();
    for (const file of [KIOSK_DATABASE_FILE, FACTS_DATABASE_FILE]) {
      const path = join(dataDir, file);
      expect(sqliteFileState(path)).toBe('encrypted');
      const sqlite = new PlainDatabase(path, { readonly: true });
      expect(() => sqlite.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
      sqlite.close();
      expect(() => openKioskSqlite(path, { readonly: true })).toThrow(DatabaseLockedError);
      expect(() => openKioskSqlite(path, { key: OTHER_KEY, readonly: true })).toThrow(AtRestKeyError);
    }
    // The kiosk does not start afresh beside an encrypted file it cannot open.
    expect(() => openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE))).toThrow(DatabaseLockedError);
    expect(() => openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), OTHER_KEY)).toThrow(/does not open/);
  });

  it("is in SQLCipher 4's format with HMAC-SHA1 page checks: it opens with those settings, not with SHA-512", () => {
    const { dataDir, close } = kioskWithData(KEY);
    close();
    const openWith = (hmacAlgorithm: number | undefined): unknown => {
      const db = new CipherDatabase(join(dataDir, KIOSK_DATABASE_FILE), { readonly: true });
      try {
        db.pragma(`cipher = 'sqlcipher'`);
        db.pragma('legacy = 4');
        if (hmacAlgorithm !== undefined) db.pragma(`hmac_algorithm = ${hmacAlgorithm}`);
        db.pragma(`key = "x'${KEY.hex}'"`);
        return db.prepare('SELECT person_id FROM entry').pluck().all();
      } catch (error) {
        return (error as Error).message;
      } finally {
        db.close();
      }
    };
    expect(openWith(0)).toEqual([PERSON_ID]);
    expect(openWith(undefined)).toMatch(/not a database/);
  });

  it('is readable with the key: the entry, its hash chain and the people come back', () => {
    const { dataDir, close, ids } = kioskWithData(KEY);
    close();
    const kiosk = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), KEY);
    const facts = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), KEY);
    try {
      const log = new EntryLog(kiosk);
      expect(log.verify()).toMatchObject({ ok: true });
      expect(kiosk.prepare('SELECT person_id FROM entry').pluck().all()).toEqual([PERSON_ID]);
      const store = new FactsStore(facts);
      for (const id of ids) expect(store.findById12(id)).toBeDefined();
    } finally {
      kiosk.close();
      facts.close();
    }
  });

  it('an existing plaintext kiosk is encrypted in place at its next start: entries, hashes and receipts kept, then migrated', () => {
    const { kioskFile, hashes } = seedOldKioskLog(7, 'chot-encrypt-old-');
    expect(sqliteFileState(kioskFile)).toBe('plaintext');
    const db = openKioskDatabase(kioskFile, KEY, { encryptPlaintext: true });
    try {
      expect(sqliteFileState(kioskFile)).toBe('encrypted');
      const stored = db.prepare('SELECT hash FROM entry ORDER BY seq').pluck().all() as Buffer[];
      expect(stored).toEqual(hashes);
      expect(new EntryLog(db).verify()).toMatchObject({ ok: true });
    } finally {
      db.close();
    }
    expect(readFileSync(kioskFile).includes('056089001201')).toBe(false);
    expect(readdirSync(join(kioskFile, '..')).filter((name) => name.includes('.encrypting'))).toEqual([]);
  });
});

describe('who encrypts a plaintext kiosk', () => {
  it('only the kiosk as it starts: a command opening the files with the key reads them as they are', () => {
    const { kioskFile } = seedOldKioskLog(7, 'chot-encrypt-command-');
    // `chot log verify --db-key-file …` beside a kiosk still running unencrypted must not rename its file away.
    openKioskDatabase(kioskFile, KEY).close();
    expect(sqliteFileState(kioskFile)).toBe('plaintext');
    openKioskDatabase(kioskFile, KEY, { encryptPlaintext: true }).close();
    expect(sqliteFileState(kioskFile)).toBe('encrypted');
  });

  it('a new file is created encrypted whoever opens it with the key', () => {
    const file = join(tempDataDir('chot-encrypt-new-'), FACTS_DATABASE_FILE);
    openFactsDatabase(file, KEY).close();
    expect(sqliteFileState(file)).toBe('encrypted');
  });
});
