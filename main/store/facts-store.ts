import type { PersonFacts } from '../../domain/facts/person-facts.js';
import type { SqliteDatabase } from './kiosk-database.js';

export interface PersonRecord {
  readonly id12: string;
  readonly oldId?: string;
  readonly facts: PersonFacts;
}

/** The kiosk's local copy of what is known about people: identifiers → facts. */
export class FactsStore {
  private readonly byId12;
  private readonly byOldId;
  private readonly upsertStatement;

  constructor(private readonly db: SqliteDatabase) {
    this.byId12 = db.prepare<[number], { old_id: string | null; facts: string }>('SELECT old_id, facts FROM person WHERE id12 = ?');
    this.byOldId = db.prepare<[string], { id12: number; facts: string }>('SELECT id12, facts FROM person WHERE old_id = ?');
    this.upsertStatement = db.prepare<[number, string | null, string]>(
      'INSERT INTO person (id12, old_id, facts) VALUES (?, ?, ?) ON CONFLICT (id12) DO UPDATE SET old_id = excluded.old_id, facts = excluded.facts',
    );
  }

  findById12(id12: string): PersonRecord | undefined {
    if (!/^\d{12}$/.test(id12)) return undefined;
    const row = this.byId12.get(Number(id12));
    if (row === undefined) return undefined;
    return { id12, ...(row.old_id === null ? {} : { oldId: row.old_id }), facts: JSON.parse(row.facts) as PersonFacts };
  }

  findByOldId(oldId: string): PersonRecord | undefined {
    const row = this.byOldId.get(oldId);
    if (row === undefined) return undefined;
    return { id12: String(row.id12).padStart(12, '0'), oldId, facts: JSON.parse(row.facts) as PersonFacts };
  }

  /** Inserts or replaces people in one transaction. */
  upsertMany(people: readonly PersonRecord[]): void {
    this.db.transaction(() => {
      for (const person of people) {
        this.upsertStatement.run(Number(person.id12), person.oldId ?? null, JSON.stringify(person.facts));
      }
    })();
  }
}
