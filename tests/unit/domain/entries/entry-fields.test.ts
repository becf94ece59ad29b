import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTHENTICITIES, CREDENTIAL_KINDS } from '../../../../domain/credentials/credential.js';
import { ENTRY_LIMITS, entryClockProblem, entryFieldProblem, entryInstant } from '../../../../domain/entries/entry-fields.js';
import type { EntryRecord, StoredEntry } from '../../../../domain/entries/entry-record.js';
import { SCAN_SOURCE_KINDS } from '../../../../domain/scan/scan-event.js';
import { OUTCOMES } from '../../../../domain/verdict/verdict.js';
import { entryRecord, entryRecordV1 } from '../../../support/entry-fixtures.js';

const NOW = Date.parse('2021-10-20T09:00:00+07:00');
const KIOSK = 'k-0123456789abcdef';
const v2 = (fields: Partial<EntryRecord> = {}): StoredEntry => ({ ...entryRecord(KIOSK, 7, fields), format: 2 });
const v3 = (fields: Partial<EntryRecord> = {}): StoredEntry => ({ ...entryRecord(KIOSK, 7, fields), format: 3 });
const chip = (documentSigner: string | null, fields: Partial<EntryRecord> = {}): StoredEntry =>
  v3({ sourceKind: 'chip', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner, ...fields });
const SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
const fieldOf = (entry: StoredEntry): string | undefined => entryFieldProblem(entry)?.field;

describe('entry field limits (domain/entries/entry-fields.ts)', () => {
  it('accepts what kiosks write: both formats, every enumerated value, override, unenrolled', () => {
    expect(entryFieldProblem(v2())).toBeUndefined();
    expect(entryFieldProblem(entryRecordV1(3))).toBeUndefined();
    expect(
      fieldOf(v2({ kioskId: 'unenrolled', location: '', personId: null, outcome: 'none', reasonCodes: ['person.unknown', 'overrides:12'], ruleSet: null })),
    ).toBeUndefined();
    expect(fieldOf(v2({ override: { by: 'staff-7', reason: 'Đã kiểm tra giấy tờ / Papers checked' }, lane: 'Bắc-2', direction: 'alighting' }))).toBeUndefined();
    expect(fieldOf(v2({ personId: '225123456' }))).toBeUndefined();
    expect(fieldOf(v2({ personId: '0123456789' }))).toBeUndefined();
    expect(fieldOf(v2({ at: '2021-10-20T01:00:00Z' }))).toBeUndefined();
    expect(fieldOf(v2({ location: 'Chợ Đầm — cổng 2'.padEnd(ENTRY_LIMITS.maxLocationChars, 'ồ') }))).toBeUndefined();
    for (const kind of [...CREDENTIAL_KINDS, 'unknown']) expect(fieldOf(v2({ credentialKind: kind }))).toBeUndefined();
    for (const authenticity of [...AUTHENTICITIES, 'none']) expect(fieldOf(v2({ authenticity }))).toBeUndefined();
    for (const sourceKind of SCAN_SOURCE_KINDS) expect(fieldOf(v2({ sourceKind }))).toBeUndefined();
    for (const outcome of OUTCOMES) expect(fieldOf(v2({ outcome }))).toBeUndefined();
  });

  it('format 3: a chip entry may name its document signer as documentSignerId makes it; any entry may name none', () => {
    expect(entryFieldProblem(chip(SIGNER))).toBeUndefined();
    expect(entryFieldProblem(chip(SIGNER, { authenticity: 'invalid', outcome: 'red' }))).toBeUndefined();
    expect(entryFieldProblem(chip(null))).toBeUndefined();
    expect(entryFieldProblem(v3())).toBeUndefined();
    expect(entryFieldProblem(chip(`${'Ư'.repeat(320)}#${'f'.repeat(63)}…`))).toBeUndefined();
    // Format 2 has no such field: whatever an object carries beside its fields is not judged.
    expect(entryFieldProblem({ ...v2(), documentSigner: 'x' } as StoredEntry)).toBeUndefined();
  });

  it.each([
    ['on an ID card QR', v3({ documentSigner: SIGNER })],
    ['on a status pass', v3({ credentialKind: 'pass', authenticity: 'signed-valid', documentSigner: SIGNER })],
    ['on an unreadable scan', v3({ credentialKind: 'unknown', authenticity: 'none', documentSigner: SIGNER })],
    ['over 400 characters', chip(`${'a'.repeat(398)}#01`)],
    ['a Vietnamese issuer over 400 characters', chip(`${'Ệ'.repeat(398)}#01`)],
    ['a huge one', chip(`${'a'.repeat(10_000_000)}#01`)],
    ['a control character', chip('C=VN\u0000, CN=DS#01')],
    ['a line break', chip('C=VN\n CN=DS#01')],
    ['a bidi override', chip('C=VN, CN=\u202eSD#01')],
    ['a bidi isolate', chip('C=VN, CN=\u2066DS\u2069#01')],
    ['a zero-width space', chip('C=VN, CN=D\u200bS#01')],
    ['no serial', chip('C=VN, CN=DS')],
    ['an uppercase serial', chip('C=VN, CN=DS#0A')],
    ['a serial of 65 digits', chip(`C=VN#${'1'.repeat(65)}`)],
    ['no issuer', chip('#0a')],
    ['an empty text', chip('')],
  ] as [string, StoredEntry][])('refuses a document signer %s', (_label, entry) => {
    const problem = entryFieldProblem(entry);
    expect(problem?.field).toBe('documentSigner');
    expect(problem?.message).toMatch(/chip ID card|characters|issuer/);
  });

  it('format 4: an ID staff typed may name who typed it, as an override names who; any entry may name none', () => {
    const typed = (enteredBy: string | null): StoredEntry => ({
      ...entryRecord(KIOSK, 7, { sourceKind: 'manual', sourceDeviceId: 'staff-keypad', credentialKind: 'manual', authenticity: 'manual', enteredBy }),
      format: 4,
    });
    expect(entryFieldProblem(typed('Nguyễn Thị Lan'))).toBeUndefined();
    expect(entryFieldProblem(typed('Ư'.repeat(60)))).toBeUndefined();
    expect(entryFieldProblem(typed(null))).toBeUndefined();
    expect(entryFieldProblem({ ...entryRecord(KIOSK, 7), format: 4 })).toBeUndefined();
    // Format 3 has no such field: whatever an object carries beside its fields is not judged.
    expect(entryFieldProblem({ ...v3(), enteredBy: 'x' } as StoredEntry)).toBeUndefined();
    for (const [entry, message] of [
      [{ ...entryRecord(KIOSK, 7, { enteredBy: 'Lan' }), format: 4 }, /typed by staff/],
      [typed(''), /1–60 characters/],
      [typed('Ư'.repeat(61)), /1–60 characters/],
      [typed('La\u202en'), /invisible/],
      [typed('Lan\n'), /invisible/],
    ] as [StoredEntry, RegExp][]) {
      const problem = entryFieldProblem(entry);
      expect(problem?.field).toBe('enteredBy');
      expect(problem?.message).toMatch(message);
    }
  });

  it('reads a time only when it is a real date with its zone', () => {
    expect(entryInstant('2021-10-15T08:00:00.000+07:00')).toBe(Date.parse('2021-10-15T01:00:00Z'));
    for (const bad of [
      '1',
      '2021-02-30T08:00:00+07:00',
      '2021-10-15T24:00:00+07:00',
      '2021-10-15T08:00:00',
      '2021-10-15 08:00:00+07:00',
      '2021-10-15T08:60:00Z',
      '2021-10-15T08:00:00+15:00',
      '+020210-10-15T08:00:00Z',
    ]) {
      expect(entryInstant(bad), bad).toBeUndefined();
    }
    expect(entryInstant('2024-02-29T00:00:00Z')).toBeDefined();
    expect(entryInstant('2023-02-29T00:00:00Z')).toBeUndefined();
  });

  it('a time the kiosk got wrong is a clock problem, not a malformed entry: before 2021, or beyond the hub clock by more than the margin', () => {
    expect(entryFieldProblem(v2({ at: '2020-12-31T23:59:59.000+07:00' }))).toBeUndefined();
    expect(entryClockProblem(Date.parse('2020-12-31T23:59:59.000+07:00'), NOW)).toMatch(/^is before 2021-01-01T00:00:00.000Z: the kiosk's clock was wrong$/);
    expect(entryClockProblem(Date.parse('2021-01-01T00:00:00.000Z'), NOW)).toBeUndefined();
    expect(entryClockProblem(NOW + ENTRY_LIMITS.maxFutureMs, NOW)).toBeUndefined();
    expect(entryClockProblem(NOW + ENTRY_LIMITS.maxFutureMs + 1, NOW)).toMatch(/minutes after the hub's clock .*: the kiosk's clock was ahead$/);
  });

  it.each([
    ['seq', { seq: 0 }],
    ['seq', { seq: 2 ** 53 - 1 }],
    ['seq', { seq: ENTRY_LIMITS.maxSeq + 1 }],
    ['at', { at: '1' }],
    ['at', { at: '2021-02-30T08:00:00.000+07:00' }],
    ['sourceKind', { sourceKind: 'telepathy' }],
    ['sourceDeviceId', { sourceDeviceId: 'x'.repeat(40_000_000) }],
    ['sourceDeviceId', { sourceDeviceId: 'cam\u0000' }],
    ['credentialKind', { credentialKind: 'passport' }],
    ['authenticity', { authenticity: 'trust-me' }],
    ['personId', { personId: '=1+2' }],
    ['personId', { personId: '05608900123' }],
    ['personId', { personId: '' }],
    ['outcome', { outcome: 'blue' }],
    ['reasonCodes', { reasonCodes: Array.from({ length: ENTRY_LIMITS.maxReasonCodes + 1 }, () => 'x') }],
    ['reasonCodes[1]', { reasonCodes: ['ok', 'two words'] }],
    ['reasonCodes[0]', { reasonCodes: ['=HYPERLINK("x")'] }],
    ['reasonCodes[0]', { reasonCodes: ['a'.repeat(ENTRY_LIMITS.maxReasonCodeChars + 1)] }],
    ['ruleSet', { ruleSet: 'khanh-hoa' }],
    ['kioskId', { kioskId: 'k-' + 'f'.repeat(40) }],
    ['location', { location: 'x'.repeat(ENTRY_LIMITS.maxLocationChars + 1) }],
    ['location', { location: 'Cổng\u202eBắc' }],
    ['lane', { lane: '' }],
    ['lane', { lane: 'a b' }],
    ['direction', { direction: 'sideways' as never }],
    ['override.by', { override: { by: '', reason: 'x' } }],
    ['override.by', { override: { by: 'x'.repeat(ENTRY_LIMITS.maxOverrideByChars + 1), reason: 'x' } }],
    ['override.reason', { override: { by: 'staff', reason: 'y'.repeat(ENTRY_LIMITS.maxOverrideReasonChars + 1) } }],
    ['override.reason', { override: { by: 'staff', reason: 'line\nbreak' } }],
  ] as [string, Partial<EntryRecord>][])('refuses %s (case %#)', (field, fields) => {
    expect(fieldOf(v2(fields))).toBe(field);
  });

  it('fuzz: any string in a bounded field is either within its limits or refused naming that field, quickly', () => {
    const fields = [
      'sourceDeviceId',
      'credentialKind',
      'authenticity',
      'personId',
      'outcome',
      'location',
      'lane',
      'kioskId',
      'ruleSet',
      'at',
      'sourceKind',
    ] as const;
    const attacks = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('=1+2', '1', '2021-02-30T00:00:00Z', '\u0000', '\u2028', 'x'.repeat(100_000), '', ' ', '9'.repeat(16), '../../etc', '<script>'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), attacks, (field, value) => {
        const problem = entryFieldProblem(v2({ [field]: value } as Partial<EntryRecord>));
        if (problem === undefined) return true;
        return problem.field === field && problem.message.length > 0;
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzz: reason code lists and overrides are refused at the field they break', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 100 }), { maxLength: 30 }),
        fc.option(fc.record({ by: fc.string({ maxLength: 80 }), reason: fc.string({ unit: 'binary', maxLength: 150 }) })),
        (reasonCodes, override) => {
          const problem = entryFieldProblem(v2({ reasonCodes, override }));
          return problem === undefined || /^(reasonCodes(\[\d+\])?|override\.(by|reason))$/.test(problem.field);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
