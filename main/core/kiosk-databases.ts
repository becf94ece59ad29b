import { join } from 'node:path';
import type { AtRestKey } from '../store/at-rest-key.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../store/facts-database.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../store/kiosk-database.js';

/**
 * The core's two databases in the data directory. Two files, two write locks: the entry log
 * (kiosk.sqlite) commits every verdict before it is shown, and must never wait for a sync
 * swapping millions of people into facts.sqlite (facts-database.ts).
 */
export class KioskDatabases {
  private constructor(
    /** The entry log, staff overrides, the clock's witnesses. */
    readonly kiosk: SqliteDatabase,
    readonly facts: SqliteDatabase,
  ) {}

  static open(dataDir: string, key: AtRestKey | undefined): KioskDatabases {
    // With a key, a kiosk from before encryption is encrypted in place here, as it starts
    // (docs/encryption.md); nothing else may, as nothing else may rename the files.
    const atRest = { encryptPlaintext: true };
    // The kiosk database first: its migration 4 moves the people of an older kiosk into
    // the facts database, which must be complete before anything reads it.
    const kiosk = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), key, atRest);
    try {
      return new KioskDatabases(kiosk, openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key, atRest));
    } catch (error) {
      kiosk.close();
      throw error;
    }
  }

  /** The facts database's file, for the sync applier to open its own connection to. */
  get factsFile(): string {
    return this.facts.name;
  }

  /** The entry log's file, for the service watchdog to check it can still be written. */
  get entryLogFile(): string {
    return this.kiosk.name;
  }

  /** One trivial read of the facts through the core's own connection (the watchdog's check); throws when they cannot be read. */
  readFactsProbe(): void {
    this.facts.prepare('SELECT rowid FROM person LIMIT 1').get();
  }

  close(): void {
    this.facts.close();
    this.kiosk.close();
  }
}
