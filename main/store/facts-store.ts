import type { PersonIdentifiers } from '../../domain/credentials/credential.js';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { decodeFacts, encodeFacts } from '../../domain/sync/facts-codec.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface PersonRecord {
  readonly id12: string;
  readonly oldId?: string;
  /** 10-digit social-insurance number. */
  readonly bhxh?: string;
  readonly facts: PersonFacts;
}

interface PersonRow {
  id12: number;
  old_id: string | null;
  bhxh: string | null;
  /** The binary of domain/sync/facts-codec.ts (kiosk migration 3, facts migration 1). */
  facts: Buffer;
}

function toRecord(row: PersonRow): PersonRecord {
  return {
    id12: String(row.id12).padStart(12, '0'),
    ...(row.old_id === null ? {} : { oldId: row.old_id }),
    ...(row.bhxh === null ? {} : { bhxh: row.bhxh }),
    facts: decodeFacts(row.facts),
  };
}

/**
 * The kiosk's local copy of what is known about people: identifiers → facts, on the facts
 * database (facts-database.ts), whose `meta` also holds the sync watermark and time.
 */
export class FactsStore {
  private readonly byId12;
  private readonly byOldId;
  private readonly byBhxh;
  private readonly upsertStatement;
  private readonly selectMeta;
  private readonly upsertMeta;

  constructor(private readonly db: SqliteDatabase) {
    this.selectMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.upsertMeta = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const select = 'SELECT id12, old_id, bhxh, facts FROM person';
    this.byId12 = db.prepare<[number], PersonRow>(`${select} WHERE id12 = ?`);
    this.byOldId = db.prepare<[string], PersonRow>(`${select} WHERE old_id = ?`);
    this.byBhxh = db.prepare<[string], PersonRow>(`${select} WHERE bhxh = ?`);
    this.upsertStatement = db.prepare<[number, string | null, string | null, Uint8Array]>(
      `INSERT INTO person (id12, old_id, bhxh, facts) VALUES (?, ?, ?, ?)
       ON CONFLICT (id12) DO UPDATE SET old_id = excluded.old_id, bhxh = excluded.bhxh, facts = excluded.facts`,
    );
  }

  findById12(id12: string): PersonRecord | undefined {
    if (!/^\d{12}$/.test(id12)) return undefined;
    const row = this.byId12.get(Number(id12));
    return row === undefined ? undefined : toRecord(row);
  }

  findByOldId(oldId: string): PersonRecord | undefined {
    const row = this.byOldId.get(oldId);
    return row === undefined ? undefined : toRecord(row);
  }

  findByBhxh(bhxh: string): PersonRecord | undefined {
    const row = this.byBhxh.get(bhxh);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The person any of these identifiers names, trying the strongest first. */
  find(identifiers: PersonIdentifiers): PersonRecord | undefined {
    return (
      (identifiers.id12 === undefined ? undefined : this.findById12(identifiers.id12)) ??
      (identifiers.oldId9 === undefined ? undefined : this.findByOldId(identifiers.oldId9)) ??
      (identifiers.bhxh === undefined ? undefined : this.findByBhxh(identifiers.bhxh))
    );
  }

  /** The person's facts with their age (time since the last successful sync), for the rules. */
  findWithAge(identifiers: PersonIdentifiers, nowMs: number): { facts: PersonFacts; ageMs?: number } | undefined {
    const person = this.find(identifiers);
    if (person === undefined) return undefined;
    const syncedAt = this.lastSyncedAt();
    return syncedAt === undefined ? { facts: person.facts } : { facts: person.facts, ageMs: Math.max(0, nowMs - syncedAt) };
  }

  /** When the facts were last brought up to date (epoch ms), or undefined if never. */
  lastSyncedAt(): number | undefined {
    const row = this.selectMeta.get('facts_synced_at');
    return row === undefined ? undefined : Number(row.value);
  }

  /**
   * Records a successful sync. With `seq`, also the watermark: the hub sequence the facts
   * are now complete up to. The sync applier calls this inside the transaction that
   * applies the data, so the data, its sequence and its age move together.
   */
  markSynced(atMs: number, seq?: number): void {
    this.upsertMeta.run('facts_synced_at', String(atMs));
    if (seq !== undefined) this.upsertMeta.run('facts_seq', String(seq));
  }

  /** The hub sequence the facts are complete up to (the sync watermark), or undefined before the first sync. */
  syncedSeq(): number | undefined {
    const row = this.selectMeta.get('facts_seq');
    return row === undefined ? undefined : Number(row.value);
  }

  /**
   * Forgets every person and when they were synced, in one transaction: a demo kiosk enrolled
   * by QR must not decide on the demo data set as if it were the hub's, nor call it fresh.
   */
  forgetAll(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM person').run();
      this.db.prepare("DELETE FROM meta WHERE key IN ('facts_synced_at', 'facts_seq')").run();
    })();
  }

  /** Inserts or replaces people in one transaction. */
  upsertMany(people: readonly PersonRecord[]): void {
    this.db.transaction(() => {
      for (const person of people) {
        this.upsertStatement.run(Number(person.id12), person.oldId ?? null, person.bhxh ?? null, encodeFacts(person.facts));
      }
    })();
  }
}
