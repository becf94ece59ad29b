import { generateKeyPairSync } from 'node:crypto';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { ParseError, PassCredential } from '../../../../../domain/credentials/credential.js';
import { decodePassBody, encodePassBody, LIMITS, PASS_PREFIX } from '../../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../../domain/credentials/pass/parse-pass.js';
import { decodeBase45, encodeBase45 } from '../../../../../domain/encoding/base45.js';
import type { PersonFacts } from '../../../../../domain/facts/person-facts.js';
import { hubSigningKeyFrom } from '../../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../../main/trust/hub-key-store.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const otherKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trust = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const NOW = Date.parse('2021-10-20T08:00:00+07:00');

const FACTS: PersonFacts = {
  doses: [
    { dose: 1, date: '2021-08-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' },
  ],
  tests: [{ takenAt: '2021-10-19T07:30:00.000Z', kind: 'pcr', result: 'negative' }],
  recoveredOn: '2021-05-02',
  quarantine: [{ status: 'F1', from: '2021-09-10', to: '2021-09-24' }],
};

const verify = (text: string, now = NOW) => parsePass(text, { now, hubKeys: trust });
const problems = (result: PassCredential | ParseError) => (result.kind === 'pass' ? result.problems.map((p) => p.code) : [result.code]);

/** Flips one bit of the decoded pass at `offset` and re-encodes it. */
function tamper(text: string, offset: number): string {
  const bytes = decodeBase45(text.slice(PASS_PREFIX.length));
  if (bytes === null) throw new Error('not base45');
  bytes[offset] = (bytes[offset] as number) ^ 0x01;
  return PASS_PREFIX + encodeBase45(bytes);
}

describe('Chốt status pass', () => {
  it('a pass issued by the hub verifies, with its facts', () => {
    const result = verify(issuePass(hubKey, { id12: '001089000001', facts: FACTS, now: NOW, validForHours: 24 }));
    expect(result).toMatchObject({ kind: 'pass', authenticity: 'signed-valid', identifiers: { id12: '001089000001' }, problems: [], embeddedFacts: FACTS });
    expect((result as PassCredential).pass.keyId).toBe(hubKey.keyId);
  });

  it('a pass without facts names the person only', () => {
    const result = verify(issuePass(hubKey, { id12: '079195004321', now: NOW, validForHours: 1 })) as PassCredential;
    expect(result.authenticity).toBe('signed-valid');
    expect(result.embeddedFacts).toBeUndefined();
  });

  it('a flipped byte in the ID is refused: signature invalid', () => {
    const text = issuePass(hubKey, { id12: '001089000001', facts: FACTS, now: NOW, validForHours: 24 });
    const result = verify(tamper(text, 17));
    expect(result).toMatchObject({ kind: 'pass', authenticity: 'invalid' });
    expect(problems(result)).toEqual(['pass.signature-invalid']);
  });

  it('a flipped byte in the signature is refused: signature invalid', () => {
    const text = issuePass(hubKey, { id12: '001089000001', now: NOW, validForHours: 24 });
    expect(problems(verify(tamper(text, 30)))).toEqual(['pass.signature-invalid']);
  });

  it('an expired pass is refused: expired', () => {
    const text = issuePass(hubKey, { id12: '001089000001', now: NOW, validForHours: 24 });
    expect(problems(verify(text, NOW + 24 * 3600_000))).toEqual([]);
    expect(problems(verify(text, NOW + 24 * 3600_000 + 1000))).toEqual(['pass.expired']);
  });

  it('a pass from the future beyond clock skew is not valid yet', () => {
    const text = issuePass(hubKey, { id12: '001089000001', now: NOW + 3600_000, validForHours: 24 });
    expect(problems(verify(text))).toEqual(['pass.not-yet-valid']);
    expect(problems(verify(issuePass(hubKey, { id12: '001089000001', now: NOW + 60_000, validForHours: 24 })))).toEqual([]);
  });

  it('a pass signed by an unknown key is refused: unknown key', () => {
    expect(problems(verify(issuePass(otherKey, { id12: '001089000001', now: NOW, validForHours: 24 })))).toEqual(['pass.unknown-key']);
    expect(problems(parsePass(issuePass(hubKey, { id12: '001089000001', now: NOW, validForHours: 24 }), { now: NOW }))).toEqual(['pass.unknown-key']);
  });

  it.each([
    ['bad base45', `${PASS_PREFIX}abc~`, 'pass.base45'],
    ['nothing but a signature', PASS_PREFIX + encodeBase45(new Uint8Array(64)), 'pass.truncated'],
    ['another version', PASS_PREFIX + encodeBase45(new Uint8Array([2, ...new Array(18 + 64).fill(0)])), 'pass.version'],
  ])('%s is a parse error', (_label, text, code) => {
    expect(problems(verify(text))).toEqual([code]);
  });

  it('the largest pass still fits a version-10 QR code at level M', () => {
    const many: PersonFacts = {
      doses: Array.from({ length: 8 }, (_, i) => ({
        dose: i + 1,
        date: `2021-0${(i % 9) + 1}-15`,
        product: 'Some-Unknown-Vaccine-With-A-Long-Name',
        totalDoses: 3,
      })),
      tests: Array.from({ length: 9 }, (_, i) => ({ takenAt: `2021-10-1${i}T00:00:00.000Z`, kind: 'pcr' as const, result: 'positive' as const })),
      recoveredOn: '2021-06-01',
      quarantine: Array.from({ length: 5 }, (_, i) => ({ status: 'F0' as const, from: `2021-0${i + 1}-01`, to: `2021-0${i + 1}-14` })),
    };
    const text = issuePass(hubKey, { id12: '999999999999', facts: many, now: NOW, validForHours: 24 });
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    expect(qr.version).toBeLessThanOrEqual(10);
    const decoded = verify(text) as PassCredential;
    expect(decoded.embeddedFacts?.doses).toHaveLength(LIMITS.doses);
    expect(decoded.embeddedFacts?.tests).toHaveLength(LIMITS.tests);
    expect(decoded.embeddedFacts?.quarantine).toHaveLength(LIMITS.quarantine);
    // The most recent entries are the ones kept.
    expect(decoded.embeddedFacts?.doses.at(-1)?.dose).toBe(8);
  });

  it('decoding is strict: trailing bytes and out-of-range counts are malformed', () => {
    const body = encodePassBody({ keyId: hubKey.keyId, issuedAt: 1, expiresAt: 2, id12: '001089000001', facts: FACTS });
    expect(decodePassBody(body).ok).toBe(true);
    expect(decodePassBody(Uint8Array.from([...body, 0]))).toEqual({ ok: false, code: 'pass.malformed' });
    const tooManyDoses = Uint8Array.from(body);
    tooManyDoses[19] = LIMITS.doses + 1;
    expect(decodePassBody(tooManyDoses)).toEqual({ ok: false, code: 'pass.malformed' });
    expect(decodePassBody(body.subarray(0, body.length - 1))).toEqual({ ok: false, code: 'pass.malformed' });
  });
});
