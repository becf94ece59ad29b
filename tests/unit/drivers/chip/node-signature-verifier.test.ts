import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignatureScheme } from '../../../../domain/chip/signature-algorithms.js';
import { UnsupportedKeyError } from '../../../../domain/chip/signature-verifier.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';

const data = new TextEncoder().encode('signed attributes of an EF.SOD');
const spki = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ type: 'spki', format: 'der' }));

describe('the chip signature port on node:crypto', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const curves = ['prime256v1', 'secp384r1', 'secp521r1', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'];

  it('verifies RSA PKCS#1 v1.5 and RSASSA-PSS, and refuses a changed message', () => {
    const pkcs1 = sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING });
    const pss = sign('sha384', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 });
    const v15: SignatureScheme = { kind: 'rsa-pkcs1-v1_5', hash: 'SHA-256' };
    const pssScheme: SignatureScheme = { kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 };
    expect(nodeChipSignatureVerifier.verify(spki(rsa.publicKey), v15, data, pkcs1)).toBe(true);
    expect(nodeChipSignatureVerifier.verify(spki(rsa.publicKey), pssScheme, data, pss)).toBe(true);
    expect(nodeChipSignatureVerifier.verify(spki(rsa.publicKey), v15, data.subarray(1), pkcs1)).toBe(false);
    expect(nodeChipSignatureVerifier.verify(spki(rsa.publicKey), { ...pssScheme, saltLength: 20 }, data, pss)).toBe(false);
    expect(nodeChipSignatureVerifier.verify(spki(rsa.publicKey), v15, data, pss)).toBe(false);
  });

  it.each(curves)('verifies ECDSA on %s in DER and plain r ‖ s encodings', (curve) => {
    const pair = generateKeyPairSync('ec', { namedCurve: curve });
    const der = sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'der' });
    const plain = sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(nodeChipSignatureVerifier.verify(spki(pair.publicKey), { kind: 'ecdsa', hash: 'SHA-256', encoding: 'der' }, data, der)).toBe(true);
    expect(nodeChipSignatureVerifier.verify(spki(pair.publicKey), { kind: 'ecdsa', hash: 'SHA-256', encoding: 'plain' }, data, plain)).toBe(true);
    // The other encoding's bytes do not verify (and a malformed DER value is false, not a throw).
    expect(nodeChipSignatureVerifier.verify(spki(pair.publicKey), { kind: 'ecdsa', hash: 'SHA-256', encoding: 'der' }, data, plain)).toBe(false);
  });

  it('answers false for a key of another type than the scheme, and throws UnsupportedKeyError for a key it cannot load', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signature = sign('sha256', data, { key: ec.privateKey });
    expect(nodeChipSignatureVerifier.verify(spki(ec.publicKey), { kind: 'rsa-pkcs1-v1_5', hash: 'SHA-256' }, data, signature)).toBe(false);
    expect(() =>
      nodeChipSignatureVerifier.verify(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00), { kind: 'ecdsa', hash: 'SHA-256', encoding: 'der' }, data, signature),
    ).toThrow(UnsupportedKeyError);
  });
});
