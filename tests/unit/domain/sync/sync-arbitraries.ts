import fc from 'fast-check';
import type { PersonFacts, QuarantineStatus, TestResult, VaccinationDose } from '../../../../domain/facts/person-facts.js';
import { VACCINE_PRODUCTS } from '../../../../domain/facts/vaccine-products.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';

/** fast-check generators of what the hub syncs, across the whole range the format holds. */
const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const instant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString());
const product = fc.oneof(fc.constantFrom(...VACCINE_PRODUCTS.map((p) => p.code)), fc.stringMatching(/^[\x20-\x7e]{1,64}$/));

const dose: fc.Arbitrary<VaccinationDose> = fc.record(
  { dose: fc.integer({ min: 0, max: 255 }), date: isoDate, product, totalDoses: fc.integer({ min: 1, max: 255 }) },
  { requiredKeys: ['dose', 'date', 'product'] },
);
const test: fc.Arbitrary<TestResult> = fc.record({
  takenAt: instant,
  kind: fc.constantFrom('pcr' as const, 'rapid' as const),
  result: fc.constantFrom('positive' as const, 'negative' as const),
});
const quarantine: fc.Arbitrary<QuarantineStatus> = fc.record(
  { status: fc.constantFrom('F0' as const, 'F1' as const), from: isoDate, to: isoDate },
  { requiredKeys: ['status', 'from'] },
);

export const factsArbitrary: fc.Arbitrary<PersonFacts> = fc.record(
  {
    doses: fc.array(dose, { maxLength: 6 }),
    tests: fc.array(test, { maxLength: 6 }),
    recoveredOn: isoDate,
    quarantine: fc.array(quarantine, { maxLength: 3 }),
  },
  { requiredKeys: ['doses', 'tests', 'quarantine'] },
);

const digits = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

export const personArbitrary: fc.Arbitrary<SyncedPerson> = fc.record(
  { id12: digits(12), oldId: digits(9), bhxh: digits(10), facts: factsArbitrary },
  { requiredKeys: ['id12', 'facts'] },
);

/** Distinct people in ascending ID order, as the hub streams them. */
export const peopleArbitrary = (maxLength: number): fc.Arbitrary<SyncedPerson[]> =>
  fc.uniqueArray(personArbitrary, { maxLength, selector: (p) => p.id12 }).map((list) => list.sort((a, b) => Number(a.id12) - Number(b.id12)));
