import type { PersonFacts, QuarantineStatus, TestResult, VaccinationDose } from '../../domain/facts/person-facts.js';
import { findVaccineProduct } from '../../domain/facts/vaccine-products.js';
import type { ChangedPerson } from '../../domain/sync/synced-person.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';

/**
 * Turns the normalised rows both storage implementations read back into the people the
 * sync sends, in one place so that SQLite and PostgreSQL cannot drift apart.
 */
export interface PersonRecord {
  readonly id12: string;
  readonly oldId: string | null;
  readonly bhxh: string | null;
  readonly seq: number;
  readonly recoveredOn: string | null;
}

export interface DoseRecord {
  readonly id12: string;
  readonly dose: number;
  readonly date: string;
  readonly product: string;
}

export interface TestRecord {
  readonly id12: string;
  readonly takenAtMs: number;
  readonly kind: TestResult['kind'];
  readonly result: TestResult['result'];
}

export interface QuarantineRecord {
  readonly id12: string;
  readonly status: QuarantineStatus['status'];
  readonly from: string;
  readonly to: string | null;
}

/** Both databases keep id12 as an integer (8 bytes, and integer keys are the fastest): give it its zeros back. */
export function id12FromKey(key: number | string | bigint): string {
  return String(key).padStart(12, '0');
}

function groupById<T extends { readonly id12: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.id12);
    if (group === undefined) groups.set(row.id12, [row]);
    else group.push(row);
  }
  return groups;
}

function toDose(row: DoseRecord): VaccinationDose {
  // The product table knows the full course; a code it does not know (from an older or
  // newer Chốt) is still synced, and the domain falls back to two doses for it.
  const totalDoses = findVaccineProduct(row.product)?.dosesInFullCourse;
  return { dose: row.dose, date: row.date, product: row.product, ...(totalDoses === undefined ? {} : { totalDoses }) };
}

export function assemblePeople(
  people: readonly PersonRecord[],
  doses: readonly DoseRecord[],
  tests: readonly TestRecord[],
  quarantine: readonly QuarantineRecord[],
): ChangedPerson[] {
  const dosesById = groupById(doses);
  const testsById = groupById(tests);
  const quarantineById = groupById(quarantine);
  return people.map((person) => {
    const facts: PersonFacts = {
      doses: (dosesById.get(person.id12) ?? []).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.dose - b.dose)).map(toDose),
      tests: (testsById.get(person.id12) ?? [])
        .sort((a, b) => a.takenAtMs - b.takenAtMs || a.kind.localeCompare(b.kind))
        .map((t) => ({ takenAt: toVietnamIso(t.takenAtMs), kind: t.kind, result: t.result })),
      quarantine: (quarantineById.get(person.id12) ?? [])
        .sort((a, b) => a.from.localeCompare(b.from) || a.status.localeCompare(b.status))
        .map((q) => ({ status: q.status, from: q.from, ...(q.to === null ? {} : { to: q.to }) })),
      ...(person.recoveredOn === null ? {} : { recoveredOn: person.recoveredOn }),
    };
    return {
      id12: person.id12,
      ...(person.oldId === null ? {} : { oldId: person.oldId }),
      ...(person.bhxh === null ? {} : { bhxh: person.bhxh }),
      facts,
      seq: person.seq,
    };
  });
}

/** A snapshot page carries no per-person seq: the page as a whole is at one sequence. */
export function withoutSeq({ seq: _seq, ...person }: ChangedPerson): Omit<ChangedPerson, 'seq'> {
  return person;
}
