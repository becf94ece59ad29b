import { generateKeyPairSync } from 'node:crypto';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { PassCredential } from '../../../../../domain/credentials/credential.js';
import {
  decodePassBody,
  encodePassBody,
  HOLDER_NAME_MAX_BYTES,
  PASS_PREFIX,
  signedBytes,
  STAFF_BADGE_ID12,
} from '../../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../../domain/credentials/pass/parse-pass.js';
import { decodeBase45, encodeBase45 } from '../../../../../domain/encoding/base45.js';
import type { PersonFacts } from '../../../../../domain/facts/person-facts.js';
import { hubSigningKeyFrom } from '../../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../../main/trust/hub-key-store.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trust = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const verify = (text: string, now = NOW) => parsePass(text, { now, hubKeys: trust }) as PassCredential;
const FACTS: PersonFacts = { doses: [{ dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [] };
const body = { keyId: hubKey.keyId, issuedAt: 1_634_000_000, expiresAt: 1_634_086_400, id12: '072306001234' };

describe('a status pass with its holder’s name and birth year', () => {
  it('verifies, and names the holder for staff to match', () => {
    const text = issuePass(hubKey, { id12: '072306001234', facts: FACTS, now: NOW, validForHours: 24, holder: { name: 'Nguyễn Thị Ánh', birthYear: 2006 } });
    expect(verify(text)).toMatchObject({
      authenticity: 'signed-valid',
      problems: [],
      identifiers: { id12: '072306001234' },
      subject: { name: 'Nguyễn Thị Ánh', birthDate: '2006' },
      embeddedFacts: FACTS,
    });
  });

  it('either field alone is enough, and a staff badge may carry a name', () => {
    expect(verify(issuePass(hubKey, { id12: '072306001234', now: NOW, validForHours: 1, holder: { birthYear: 1958 } })).subject).toEqual({ birthDate: '1958' });
    expect(verify(issuePass(hubKey, { id12: '072306001234', now: NOW, validForHours: 1, holder: { name: 'Lê Văn Tư' } })).subject).toEqual({
      name: 'Lê Văn Tư',
    });
    const badge = verify(issuePass(hubKey, { id12: STAFF_BADGE_ID12, staffId: 'lan', now: NOW, validForHours: 1, holder: { name: 'Nguyễn Thị Lan' } }));
    expect(badge).toMatchObject({ authenticity: 'signed-valid', staffId: 'lan', subject: { name: 'Nguyễn Thị Lan' } });
  });

  it('a pass without the section decodes exactly as before: its bytes have no holder flag', () => {
    const plain = encodePassBody({ ...body, facts: FACTS });
    expect(plain[18]).toBe(0x80);
    expect(decodePassBody(plain)).toEqual({ ok: true, body: { ...body, facts: FACTS } });
    expect(verify(issuePass(hubKey, { id12: '072306001234', now: NOW, validForHours: 1 })).subject).toEqual({});
  });

  it('the name is signed: changing a letter breaks the signature', () => {
    const text = issuePass(hubKey, { id12: '072306001234', now: NOW, validForHours: 1, holder: { name: 'Tran Van Ba', birthYear: 1990 } });
    const bytes = decodeBase45(text.slice(PASS_PREFIX.length)) as Uint8Array;
    expect(bytes[20]).toBe(0x54); // "T", the name's first byte, after the header and its length
    bytes[20] = 0x53;
    const forged = verify(PASS_PREFIX + encodeBase45(bytes));
    expect(forged).toMatchObject({ authenticity: 'invalid', subject: { name: 'Sran Van Ba' } });
    expect(forged.problems.map((p) => p.code)).toEqual(['pass.signature-invalid']);
  });

  it('the issuer refuses a name with invisible or bidi characters, no letter, or too many bytes, and an impossible year', () => {
    expect(() => encodePassBody({ ...body, holder: { name: 'An\u202Egn' } })).toThrow(/invisible/);
    expect(() => encodePassBody({ ...body, holder: { name: 'Nguyen\u0303' } })).toThrow(/NFC/);
    expect(() => encodePassBody({ ...body, holder: { name: '1234' } })).toThrow(/letter/);
    expect(() => encodePassBody({ ...body, holder: { name: 'Ệ'.repeat(22) } })).toThrow(/64 bytes/);
    expect(() => encodePassBody({ ...body, holder: { birthYear: 1899 } })).toThrow(/birth year/);
    expect(() => encodePassBody({ ...body, holder: {} })).toThrow(/name or a birth year/);
  });

  it('decoding is strict: a bad length, invalid UTF-8, an empty section or a year out of range is malformed', () => {
    const encoded = encodePassBody({ ...body, holder: { name: 'An', birthYear: 2000 } });
    expect(Array.from(encoded.subarray(19))).toEqual([2, 0x41, 0x6e, 0x07, 0xd0]);
    const withSection = (section: number[]) => decodePassBody(Uint8Array.from([...encoded.subarray(0, 19), ...section]));
    expect(withSection([2, 0x41, 0x6e, 0x07, 0xd0]).ok).toBe(true);
    expect(withSection([2, 0xc3, 0x28, 0x07, 0xd0])).toEqual({ ok: false, code: 'pass.malformed' });
    expect(withSection([0, 0, 0])).toEqual({ ok: false, code: 'pass.malformed' });
    expect(withSection([2, 0x41, 0x6e, 0x07, 0x6b])).toEqual({ ok: false, code: 'pass.malformed' });
    expect(withSection([HOLDER_NAME_MAX_BYTES + 1, ...new Array<number>(HOLDER_NAME_MAX_BYTES + 1).fill(0x41), 0, 0])).toEqual({
      ok: false,
      code: 'pass.malformed',
    });
    expect(withSection([2, 0x41, 0x6e, 0x07])).toEqual({ ok: false, code: 'pass.malformed' });
  });

  it('a signed name carrying a bidi override reaches the screen without it', () => {
    // Another issuer's hub signed it: the kiosk still shows only what a person can see.
    const bytes = encodePassBody({ ...body, holder: { name: 'An' } });
    const name = new TextEncoder().encode('A\u202En');
    const hostile = Uint8Array.from([...bytes.subarray(0, 19), name.length, ...name, 0, 0]);
    const decoded = decodePassBody(hostile);
    expect(decoded.ok && decoded.body.holder?.name).toBe('A\u202En');
    const signature = hubKey.sign(signedBytes(hostile));
    const text = PASS_PREFIX + encodeBase45(Uint8Array.from([...hostile, ...signature]));
    expect(parsePass(text, { now: body.issuedAt * 1000, hubKeys: trust })).toMatchObject({ authenticity: 'signed-valid', subject: { name: 'An' } });
  });

  it('the largest pass — full facts and the longest name — still fits a version-10 QR code at level M', () => {
    const many: PersonFacts = {
      doses: Array.from({ length: 4 }, (_, i) => ({ dose: i + 1, date: `2021-0${i + 1}-15`, product: 'EU/1/20/1528', totalDoses: 3 })),
      tests: Array.from({ length: 4 }, (_, i) => ({ takenAt: `2021-10-1${i}T00:00:00.000Z`, kind: 'pcr' as const, result: 'negative' as const })),
      recoveredOn: '2021-06-01',
      quarantine: Array.from({ length: 2 }, (_, i) => ({ status: 'F1' as const, from: `2021-0${i + 1}-01`, to: `2021-0${i + 1}-14` })),
    };
    const name = `${'Ệ'.repeat(21)}a`;
    expect(new TextEncoder().encode(name).length).toBe(HOLDER_NAME_MAX_BYTES);
    const text = issuePass(hubKey, { id12: '999999999999', facts: many, now: NOW, validForHours: 24, holder: { name, birthYear: 2199 } });
    expect(QRCode.create(text, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(10);
    expect(verify(text)).toMatchObject({ authenticity: 'signed-valid', subject: { name, birthDate: '2199' } });
  });
});

describe('an expired pass', () => {
  it('says on which day (Vietnam calendar) it expired and suggests the ID card', () => {
    // Issued 20/10 08:00 Vietnam time for 18 hours: it ends 21/10 at 02:00 in Vietnam, still 20/10 in UTC.
    const text = issuePass(hubKey, { id12: '072306001234', now: NOW, validForHours: 18 });
    const expired = verify(text, NOW + 40 * 3_600_000);
    expect(expired.problems).toEqual([
      { code: 'pass.expired', message: { vi: 'Thẻ hết hạn ngày 21/10/2021 — mời dùng CCCD', en: 'Pass expired on 21/10/2021 — please show your ID card' } },
    ]);
  });
});
