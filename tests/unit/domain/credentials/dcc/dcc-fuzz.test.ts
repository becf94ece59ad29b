import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bestOfMs } from '../../../../support/timing.js';
import type { DccCredential, ParseError } from '../../../../../domain/credentials/credential.js';
import { decodeBase45, encodeBase45 } from '../../../../../domain/encoding/base45.js';
import { decodeCbor } from '../../../../../domain/credentials/dcc/cbor-decode.js';
import { readCoseSign1 } from '../../../../../domain/credentials/dcc/cose-sign1.js';
import { readCwtClaims } from '../../../../../domain/credentials/dcc/cwt-claims.js';
import { DCC_ERRORS, DCC_PROBLEMS } from '../../../../../domain/credentials/dcc/dcc-errors.js';
import { isDccCandidate, parseDcc } from '../../../../../domain/credentials/dcc/parse-dcc.js';
import { deflateBlocksWellFormed } from '../../../../../domain/credentials/dcc/deflate-blocks.js';
import { subjectFromHcert } from '../../../../../domain/credentials/dcc/dcc-facts.js';
import { isShowable, randomText } from '../fuzz-inputs.js';
import type { VerificationContext } from '../../../../../domain/credentials/verification.js';
import { dccTrustListFromCertificates } from '../../../../../main/trust/dcc-trust-list.js';
import { buildCose, buildDcc, createDccSigner, EKU, recoveryHcert, testHcert, vaccinationHcert } from '../../../../support/dcc-fixtures.js';
import { atTheGate } from './dcc-verdict-path.js';

/**
 * 100 000 hostile inputs in all: mutated valid codes (the inputs that get deepest),
 * random base45 behind the prefix, random text, and random or mutated bytes straight into
 * the CBOR and COSE readers. Nothing may throw, and every call stays within a bound.
 */

const PER_CALL_BOUND_MS = 50;
const TIMEOUT_MS = 120_000;
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const validity = { notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2023-01-01T00:00:00Z') };
const es256 = createDccSigner({ ...validity, extendedKeyUsage: [EKU.vaccination] });
const ps256 = createDccSigner({ ...validity, alg: 'PS256' });
const common = { hcert: vaccinationHcert(), issuedAt: Date.parse('2021-10-02T00:00:00Z') / 1000, expiresAt: Date.parse('2022-10-02T00:00:00Z') / 1000 };
const SAMPLES = [
  buildDcc({ ...common, signer: es256 }),
  buildDcc({ ...common, signer: es256, compress: false }),
  buildDcc({ ...common, signer: ps256, compress: false, kidIn: 'unprotected' }),
  buildDcc({ ...common, signer: es256, compress: false, envelope: 'cwt-tag-61' }),
  buildDcc({ ...common, signer: ps256 }),
];
const COSE_SAMPLES = [buildCose({ ...common, signer: es256 }), buildCose({ ...common, signer: ps256, envelope: 'cwt-tag-61' })];
/** zlib level 0: the COSE in stored blocks, each with a LEN and an NLEN that must be its complement. */
const STORED_ZLIB = zlibSync(COSE_SAMPLES[0] as Uint8Array, { level: 0 });
SAMPLES.push(`HC1:${encodeBase45(STORED_ZLIB)}`);
const context: VerificationContext = {
  now: Date.parse('2021-10-15T08:00:00Z'),
  dccTrust: dccTrustListFromCertificates([es256.certificateBase64, ps256.certificateBase64]),
  dccSchemas: { validate: () => true },
};

/** Runs `call`, failing if it was slow three times in a row (one slow run may be a GC pause). */
function timed<T>(call: () => T): T {
  let best = Infinity;
  let result: T | undefined;
  for (let attempt = 0; attempt < 3 && best > PER_CALL_BOUND_MS; attempt++) {
    const start = performance.now();
    result = call();
    best = Math.min(best, performance.now() - start);
  }
  if (best > PER_CALL_BOUND_MS) throw new Error(`call took ${best.toFixed(1)} ms (bound ${PER_CALL_BOUND_MS} ms)`);
  return result as T;
}

function isWellFormed(result: DccCredential | ParseError): boolean {
  if (result.kind === 'error') {
    const message = (DCC_ERRORS as Record<string, { vi: string; en: string }>)[result.code];
    return message !== undefined && result.message === message && result.credentialKind === 'dcc' && result.dcc !== undefined;
  }
  const problemsKnown = result.problems.every((problem) => Object.hasOwn(DCC_PROBLEMS, problem.code));
  const trusted = result.authenticity === 'signed-valid';
  return (
    result.kind === 'dcc' && problemsKnown && trusted === (result.problems.length === 0 && result.dcc.signature === 'valid') && isShowable(result.subject.name)
  );
}

const outcomes = new Map<string, number>();
const checkText = (text: string): boolean => {
  const result = timed(() => parseDcc(text, context));
  isDccCandidate(text);
  const key = result.kind === 'error' ? result.code : result.authenticity;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  return isWellFormed(result);
};

type Edit = { op: 'replace' | 'insert'; at: number; char: string } | { op: 'delete'; at: number; count: number };
const base45Char = fc.constantFrom(...BASE45);
const anyChar = fc.oneof(base45Char, base45Char, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: anyChar }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), char: anyChar }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 30 }) }),
);
function applyEdit(text: string, e: Edit): string {
  const at = e.at % (text.length + 1);
  if (e.op === 'delete') return text.slice(0, at) + text.slice(at + e.count);
  return text.slice(0, at) + e.char + text.slice(e.op === 'replace' ? at + 1 : at);
}
const textMutation = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([sample, edits]) => edits.reduce(applyEdit, sample));
/** Edits of the decoded bytes, re-encoded: most get past base45, into zlib, COSE and CBOR. */
const byteEdit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete'));
const byteMutation = fc.tuple(fc.constantFrom(...SAMPLES), fc.array(byteEdit, { minLength: 1, maxLength: 3 })).map(([sample, edits]) => {
  const bytes = [...(decodeBase45(sample.slice(4)) ?? [])];
  for (const [index, value, op] of edits) {
    const at = index % (bytes.length + 1);
    if (op === 'set') bytes[Math.min(at, bytes.length - 1)] = value;
    else if (op === 'insert') bytes.splice(at, 0, value);
    else bytes.splice(at, 1);
  }
  return `HC1:${encodeBase45(Uint8Array.from(bytes))}`;
});
const mutatedCode = fc.oneof(textMutation, byteMutation);

describe('parseDcc and the CBOR decoder under fuzzing', () => {
  it('never throw on 40 000 mutated valid codes', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(mutatedCode, checkText), { numRuns: 40_000 });
    // The mutations must reach deep stages, or this test proves little.
    expect(outcomes.get('dcc.inflate') ?? 0).toBeGreaterThan(1000);
    expect((outcomes.get('dcc.cose') ?? 0) + (outcomes.get('dcc.cbor') ?? 0)).toBeGreaterThan(1000);
    expect(outcomes.get('invalid') ?? 0).toBeGreaterThan(1000);
  });

  it('never throw on 20 000 random base45 codes and 10 000 random texts', { timeout: TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.string({ unit: base45Char, maxLength: 600 }), (body) => checkText(`HC1:${body}`)),
      { numRuns: 20_000 },
    );
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), checkText), { numRuns: 10_000 });
  });

  it('never throw on 20 000 random byte strings and 10 000 mutated COSE messages', { timeout: TIMEOUT_MS }, () => {
    const readAll = (bytes: Uint8Array): boolean => {
      const decoded = timed(() => decodeCbor(bytes));
      const cose = timed(() => readCoseSign1(bytes));
      if (cose.ok) timed(() => readCwtClaims(cose.cose.payload));
      return typeof decoded.ok === 'boolean';
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), readAll), { numRuns: 20_000 });
    const mutatedCose = fc
      .tuple(fc.constantFrom(...COSE_SAMPLES), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
      .map(([sample, flips]) => {
        const bytes = sample.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(fc.property(mutatedCose, readAll), { numRuns: 10_000 });
  });

  it(
    'refuses every stored block whose NLEN is not the complement of its LEN (10 000 forged NLENs), and walks random DEFLATE without throwing',
    { timeout: TIMEOUT_MS },
    () => {
      expect(parseDcc(`HC1:${encodeBase45(STORED_ZLIB)}`, context).kind).toBe('dcc');
      // The block header byte (BFINAL + BTYPE 00) is followed by LEN (2 bytes) and NLEN (2 bytes).
      const len = (STORED_ZLIB[3] as number) | ((STORED_ZLIB[4] as number) << 8);
      const forged = fc.integer({ min: 0, max: 0xffff }).filter((nlen) => nlen !== (~len & 0xffff));
      fc.assert(
        fc.property(forged, (nlen) => {
          const bytes = STORED_ZLIB.slice();
          bytes[5] = nlen & 0xff;
          bytes[6] = nlen >> 8;
          const result = timed(() => parseDcc(`HC1:${encodeBase45(bytes)}`, context));
          return result.kind === 'error' && result.code === 'dcc.inflate';
        }),
        { numRuns: 10_000 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => typeof timed(() => deflateBlocksWellFormed(bytes)) === 'boolean'),
        { numRuns: 10_000 },
      );
    },
  );

  it('never shows a name with a control, bidi or invisible character, whatever the certificate holds (10 000 names)', () => {
    const part = fc.option(randomText, { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, (fn, gn, fnt, gnt) => {
        const name = subjectFromHcert({ nam: { fn, gn, fnt, gnt } }).name;
        return isShowable(name) && (name === undefined || (name !== '' && name === name.trim()));
      }),
      { numRuns: 10_000 },
    );
  });

  it('rejects a 1 MB input in under 5 ms', () => {
    const huge = [`HC1:${'NCF'.repeat(350_000)}`, 'x'.repeat(1 << 20), `HC1:${'%'.repeat(1 << 20)}`];
    for (const text of huge) {
      expect(text.length).toBeGreaterThanOrEqual(1 << 20);
      expect(parseDcc(text, context)).toMatchObject({ kind: 'error', code: 'dcc.too-long' });
      expect(bestOfMs(() => parseDcc(text, context))).toBeLessThan(5);
    }
  });

  it('rejects 1 MB of CBOR nesting or forged lengths in under 5 ms', () => {
    const inputs = [
      new Uint8Array(1 << 20).fill(0x9f),
      new Uint8Array(1 << 20).fill(0x5b),
      Uint8Array.from({ length: 1 << 20 }, (_, i) => (i % 2 === 0 ? 0x82 : 0x81)),
    ];
    for (const bytes of inputs) {
      expect(decodeCbor(bytes).ok).toBe(false);
      expect(bestOfMs(() => decodeCbor(bytes))).toBeLessThan(5);
    }
  });
});

/**
 * What a certificate's entries mean, for random codes and dates: signed certificates
 * through parseScan and the built-in rules. The expectations are the rules' statement
 * in plain code: a code outside the EU value sets (or a vaccine Chốt does not recognise)
 * never counts, and a recovery is green exactly inside its window and 14 to 180 days
 * after its positive result.
 */
describe('DCC entries with random codes and dates, through the verdict', () => {
  const NOW = Date.parse('2021-10-20T08:00:00+07:00');
  const COVID = '840539006';
  const RECOGNISED_VACCINES = ['EU/1/20/1528', 'EU/1/20/1507', 'EU/1/21/1529', 'EU/1/20/1525', 'BBIBP-CorV', 'CoronaVac', 'Covishield', 'NVX-CoV2373'];
  const VACCINE_TYPES = ['1119349007', '1119305005', 'J07BX03', '29061000087103'];
  const junk = fc.string({ minLength: 0, maxLength: 12 });
  const code = (valid: readonly string[], invalid: readonly string[]) => fc.oneof(fc.constantFrom(...valid), fc.constantFrom(...invalid), junk);
  const disease = code([COVID], ['14189004', '840539007', ' 840539006']);
  const decide = (hcert: unknown): [string, string] => {
    const { credential, assessment } = atTheGate(hcert, NOW);
    expect(credential.authenticity).toBe('signed-valid');
    return [assessment.outcome, assessment.reasons[0]?.code ?? ''];
  };

  it('a vaccination counts exactly when its disease, vaccine type and a recognised vaccine are in the value sets', () => {
    const entry = fc.record({
      tg: disease,
      mp: code(RECOGNISED_VACCINES, ['NOT-A-VACCINE', 'CVnCoV', 'EpiVacCorona', 'Pfizer', 'eu/1/20/1528', 'Inactivated-SARS-CoV-2-Vero-Cell']),
      vp: code(VACCINE_TYPES, ['J07BX99', '']),
    });
    fc.assert(
      fc.property(entry, (e) => {
        const dose = { ...(vaccinationHcert().v as Record<string, unknown>[])[0], ...e, dt: '2021-08-01' };
        const expected =
          e.tg !== COVID
            ? ['red', 'certificate-not-covid']
            : RECOGNISED_VACCINES.includes(e.mp) && VACCINE_TYPES.includes(e.vp)
              ? ['green', 'vaccinated-full']
              : ['red', 'vaccine-not-recognised'];
        expect(decide(vaccinationHcert({ v: [dose] }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a test counts exactly when its disease, type and result are in the value sets; a positive one is F0', () => {
    const entry = fc.record({
      tg: disease,
      tt: code(['LP6464-4', 'LP217198-3'], ['LP6464-5', '94309-2']),
      tr: code(['260415000', '260373001'], ['260415001', '1240581000000104']),
    });
    fc.assert(
      fc.property(entry, fc.integer({ min: 1, max: 71 }), (e, hoursAgo) => {
        const sc = new Date(NOW - hoursAgo * 3600_000).toISOString();
        const known = ['LP6464-4', 'LP217198-3'].includes(e.tt) && ['260415000', '260373001'].includes(e.tr);
        const expected =
          e.tg !== COVID
            ? ['red', 'certificate-not-covid']
            : !known
              ? ['red', 'test-not-recognised']
              : e.tr === '260373001'
                ? ['red', 'test-positive']
                : e.tt === 'LP6464-4'
                  ? ['yellow', 'test-negative']
                  : ['red', 'no-protection'];
        expect(decide(testHcert({ ...e, sc }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a recovery is green exactly inside its validity window, 14 to 180 days after its positive result', () => {
    const DAY = 86_400_000;
    const today = Date.parse('2021-10-20T00:00:00Z');
    const date = (offsetDays: number) => new Date(today + offsetDays * DAY).toISOString().slice(0, 10);
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 30 }), fc.integer({ min: -400, max: 60 }), fc.integer({ min: -60, max: 400 }), (fr, df, du) => {
        const green = df <= 0 && du >= 0 && fr <= -14 && fr > -181;
        const [outcome] = decide(recoveryHcert({ fr: date(fr), df: date(df), du: date(du) }));
        expect(outcome).toBe(green ? 'green' : 'red');
      }),
      { numRuns: 400 },
    );
  });
});
