import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodePassBody, encodePassBody, STAFF_BADGE_ID12 } from '../../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../../domain/credentials/pass/parse-pass.js';
import { hubSigningKeyFrom } from '../../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../../main/trust/hub-key-store.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trust = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const NOW = Date.parse('2026-12-06T08:00:00+07:00');
const header = { keyId: hubKey.keyId, issuedAt: 1_765_000_000, expiresAt: 1_765_043_200 };

describe('the staff role of a status pass', () => {
  it('a staff badge round-trips: the staff id after the flags, no person ID, no facts', () => {
    const body = { ...header, id12: STAFF_BADGE_ID12, staffId: 'lan-01' };
    const bytes = encodePassBody(body);
    expect(bytes[18]).toBe(0x40);
    expect(Array.from(bytes.subarray(19))).toEqual([6, ...Buffer.from('lan-01', 'ascii')]);
    expect(decodePassBody(bytes)).toEqual({ ok: true, body });
  });

  it('old passes still decode exactly as before, and their bytes have not changed', () => {
    const plain = { ...header, id12: '056089001234' };
    const bytes = encodePassBody(plain);
    expect(bytes).toHaveLength(19);
    expect(bytes[18]).toBe(0);
    expect(decodePassBody(bytes)).toEqual({ ok: true, body: plain });
    const withFacts = { ...plain, facts: { doses: [], tests: [], quarantine: [] } };
    expect(encodePassBody(withFacts)[18]).toBe(0x80);
    expect(decodePassBody(encodePassBody(withFacts))).toEqual({ ok: true, body: withFacts });
  });

  it('refuses to encode or decode a badge that also names a person or carries facts, or a bad staff id', () => {
    expect(() => encodePassBody({ ...header, id12: '056089001234', staffId: 'lan' })).toThrow(/staff badge/);
    expect(() => encodePassBody({ ...header, id12: STAFF_BADGE_ID12, staffId: 'two words' })).toThrow(/staff badge/);
    expect(() => encodePassBody({ ...header, id12: STAFF_BADGE_ID12, staffId: 'x'.repeat(33) })).toThrow(/staff badge/);
    const badge = encodePassBody({ ...header, id12: STAFF_BADGE_ID12, staffId: 'lan' });
    const both = Uint8Array.from(badge);
    both[18] = 0xc0;
    expect(decodePassBody(both)).toEqual({ ok: false, code: 'pass.malformed' });
    const person = Uint8Array.from(badge);
    person[17] = 1;
    expect(decodePassBody(person)).toEqual({ ok: false, code: 'pass.malformed' });
    const space = Uint8Array.from(badge);
    space[20] = 0x20;
    expect(decodePassBody(space)).toEqual({ ok: false, code: 'pass.malformed' });
    expect(decodePassBody(badge.subarray(0, badge.length - 1))).toEqual({ ok: false, code: 'pass.malformed' });
    expect(decodePassBody(Uint8Array.from([...badge, 0]))).toEqual({ ok: false, code: 'pass.malformed' });
  });

  it('an issued badge parses as a signed pass naming the staff id and no person', () => {
    const text = issuePass(hubKey, { id12: STAFF_BADGE_ID12, staffId: 'lan-01', now: NOW, validForHours: 12 });
    const parsed = parsePass(text, { now: NOW, hubKeys: trust });
    expect(parsed).toMatchObject({ kind: 'pass', authenticity: 'signed-valid', staffId: 'lan-01', identifiers: { id12: STAFF_BADGE_ID12 }, problems: [] });
    expect(parsePass(text, { now: NOW + 13 * 3_600_000, hubKeys: trust })).toMatchObject({ authenticity: 'invalid', problems: [{ code: 'pass.expired' }] });
  });
});
