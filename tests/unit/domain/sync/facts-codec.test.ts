import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PersonFacts } from '../../../../domain/facts/person-facts.js';
import { ByteWriter } from '../../../../domain/sync/byte-io.js';
import { FACT_LIMITS, decodeFacts, encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { SyncError } from '../../../../domain/sync/sync-error.js';
import { factsArbitrary } from './sync-arbitraries.js';

const FULL: PersonFacts = {
  doses: [
    { dose: 1, date: '2021-06-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-07-01', product: 'EU/1/20/1528', totalDoses: 2 },
    { dose: 3, date: '2022-01-15', product: 'Some-New-Vaccine 2' },
  ],
  tests: [
    { takenAt: '2021-09-01T03:04:05.678Z', kind: 'pcr', result: 'negative' },
    { takenAt: '2021-09-03T00:00:00.000Z', kind: 'rapid', result: 'positive' },
  ],
  recoveredOn: '2021-10-01',
  quarantine: [
    { status: 'F0', from: '2021-09-03', to: '2021-09-17' },
    { status: 'F1', from: '2021-11-01' },
  ],
};

const refusal = (bytes: Uint8Array): string => {
  try {
    decodeFacts(bytes);
    return 'accepted';
  } catch (error) {
    return error instanceof SyncError ? error.code : `threw ${String(error)}`;
  }
};

describe('facts codec', () => {
  it('gives back exactly what was encoded, with no limit to the latest few', () => {
    expect(decodeFacts(encodeFacts(FULL))).toStrictEqual(FULL);
    const many: PersonFacts = {
      doses: Array.from({ length: 20 }, (_, i) => ({ dose: i + 1, date: '2021-06-01', product: 'BBIBP-CorV' })),
      tests: Array.from({ length: 300 }, (_, i) => ({
        takenAt: new Date(Date.UTC(2021, 0, 1) + i * 3_600_000).toISOString(),
        kind: 'rapid',
        result: 'negative',
      })),
      quarantine: [],
    };
    expect(decodeFacts(encodeFacts(many))).toStrictEqual(many);
  });

  it('is compact: two doses of a known vaccine and nothing else take 14 bytes', () => {
    expect(encodeFacts({ doses: FULL.doses.slice(0, 2), tests: [], quarantine: [] }).length).toBe(14);
    expect(encodeFacts({ doses: [], tests: [], quarantine: [] })).toEqual(Uint8Array.of(0, 0, 0, 0));
  });

  it('round-trips random facts (instants come back in UTC form)', () => {
    fc.assert(
      fc.property(factsArbitrary, (facts) => {
        // Plain objects (fast-check's have no prototype), instants as toISOString gives them.
        const normalised = JSON.parse(
          JSON.stringify({ ...facts, tests: facts.tests.map((t) => ({ ...t, takenAt: new Date(t.takenAt).toISOString() })) }),
        ) as PersonFacts;
        expect(decodeFacts(encodeFacts(facts))).toStrictEqual(normalised);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses to encode what it could not give back', () => {
    const base = { doses: [], tests: [], quarantine: [] };
    expect(() => encodeFacts({ ...base, recoveredOn: '2021-02-30' })).toThrow(RangeError);
    expect(() => encodeFacts({ ...base, recoveredOn: '1899-12-31' })).toThrow(RangeError);
    expect(() => encodeFacts({ ...base, tests: [{ takenAt: 'yesterday', kind: 'pcr', result: 'negative' }] })).toThrow(RangeError);
    expect(() => encodeFacts({ ...base, doses: [{ dose: 1, date: '2021-06-01', product: 'Vắc-xin' }] })).toThrow(RangeError);
    expect(() => encodeFacts({ ...base, doses: [{ dose: 1.5, date: '2021-06-01', product: 'X' }] })).toThrow(RangeError);
    expect(() =>
      encodeFacts({ ...base, quarantine: Array.from({ length: FACT_LIMITS.quarantine + 1 }, () => ({ status: 'F1' as const, from: '2021-06-01' })) }),
    ).toThrow(RangeError);
  });

  it('decodes strictly: truncated, trailing bytes, counts above the limits, values out of range', () => {
    const good = encodeFacts(FULL);
    for (let cut = 0; cut < good.length; cut++) expect(refusal(good.subarray(0, cut))).toBe('sync.malformed');
    expect(refusal(Uint8Array.of(...good, 0))).toBe('sync.malformed');
    const counts = (doses: number): Uint8Array => {
      const w = new ByteWriter();
      w.varint(doses);
      return w.toBytes();
    };
    expect(refusal(Uint8Array.of(...counts(FACT_LIMITS.doses + 1), 0, 0, 0))).toBe('sync.malformed');
    expect(refusal(Uint8Array.of(0, ...counts(FACT_LIMITS.tests + 1), 0, 0))).toBe('sync.malformed');
    expect(refusal(Uint8Array.of(0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x7f))).toBe('sync.malformed');
    // a test result with unknown bits; a product number above the frozen table; a padded varint
    expect(refusal(Uint8Array.of(0, 1, 0, 4, 0, 0))).toBe('sync.malformed');
    expect(refusal(Uint8Array.of(1, 0, 15, 1, 0, 0, 0, 0))).toBe('sync.malformed');
    expect(refusal(Uint8Array.of(0x80, 0x00, 0, 0, 0))).toBe('sync.malformed');
  });

  it('never throws anything but a SyncError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const outcome = refusal(bytes);
        expect(outcome === 'accepted' || outcome === 'sync.malformed').toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
