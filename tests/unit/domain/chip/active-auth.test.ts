import { constants, createHash, generateKeyPairSync, privateEncrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activeAuthenticate, verifyActiveAuthentication } from '../../../../domain/chip/active-auth.js';
import type { ChipCrypto } from '../../../../domain/chip/chip-crypto.js';
import { encodeOid } from '../../../../domain/chip/der.js';
import { parseDg14, type Dg14 } from '../../../../domain/chip/lds/dg14.js';
import { parseDg15, type Dg15 } from '../../../../domain/chip/lds/dg15.js';
import { encodeTlv } from '../../../../domain/chip/tlv.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { hexOfBytes } from '../../../support/hex.js';

/**
 * Active Authentication with keys made here (the card emulator has no Active Authentication):
 * each test chip signs as ICAO 9303-11 §6.1 says, with node:crypto's private-key operations.
 */
const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
const hex = hexOfBytes;

function dg15Of(key: KeyObject): Dg15 {
  return parseDg15(encodeTlv(0x6f, new Uint8Array(key.export({ type: 'spki', format: 'der' }))));
}

function dg14With(signatureAlgorithm: string): Dg14 {
  const oid = (dotted: string): Uint8Array => encodeTlv(0x06, encodeOid(dotted));
  return parseDg14(encodeTlv(0x6e, encodeTlv(0x31, encodeTlv(0x30, oid('2.23.136.1.1.5'), encodeTlv(0x02, Uint8Array.of(1)), oid(signatureAlgorithm)))));
}

type Trailer = 'BC' | '34CC' | '33CC';

/** An RSA chip's answer: F = 6A ‖ M1 ‖ hash(M1 ‖ challenge) ‖ trailer, raised to d (ISO/IEC 9796-2 scheme 1). */
function rsaAnswer(privateKey: KeyObject, challenge: Uint8Array, trailer: Trailer = 'BC', complement = false): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' });
  const modulus = Buffer.from(jwk.n as string, 'base64url');
  const hash = trailer === '34CC' ? 'sha256' : 'sha1';
  const trailerBytes = Buffer.from(trailer, 'hex');
  const hashLength = hash === 'sha256' ? 32 : 20;
  const m1 = randomBytes(modulus.length - 1 - hashLength - trailerBytes.length);
  const digest = createHash(hash).update(m1).update(challenge).digest();
  const f = Buffer.concat([Buffer.of(0x6a), m1, digest, trailerBytes]);
  const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, f);
  if (!complement) return new Uint8Array(signature);
  // ISO/IEC 9796-2 lets the signer publish n − J^d instead; a verifier must take either.
  const n = BigInt(`0x${modulus.toString('hex')}`);
  const other = (n - BigInt(`0x${signature.toString('hex')}`)).toString(16).padStart(modulus.length * 2, '0');
  return new Uint8Array(Buffer.from(other, 'hex'));
}

function ecAnswer(privateKey: KeyObject, challenge: Uint8Array, hash: string): Uint8Array {
  return new Uint8Array(sign(hash, challenge, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

describe('Active Authentication', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const brainpool = generateKeyPairSync('ec', { namedCurve: 'brainpoolP384r1' });
  const challenge = Uint8Array.from([0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08]);
  const otherChallenge = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

  it.each([
    ['RSA 1024, trailer BC (SHA-1)', rsa, 'BC' as const, false],
    ['RSA 2048, trailer 34CC (SHA-256)', rsa2048, '34CC' as const, false],
    ['RSA 1024, trailer 33CC (SHA-1), n − J^d published', rsa, '33CC' as const, true],
  ])('accepts a genuine %s answer, refuses it replayed to another challenge, and under another key', (_name, pair, trailer, complement) => {
    const answer = rsaAnswer(pair.privateKey, challenge, trailer, complement);
    expect(verifyActiveAuthentication(dg15Of(pair.publicKey), undefined, challenge, answer, ports).outcome).toBe('chip-genuine');
    const replayed = verifyActiveAuthentication(dg15Of(pair.publicKey), undefined, otherChallenge, answer, ports);
    expect(replayed).toEqual({
      outcome: 'chip-not-genuine',
      reason: {
        code: 'chip.aa.signature-invalid',
        vi: 'Chip không chứng minh được là chip thật — có thể là bản sao',
        en: 'The chip did not prove it is genuine — it may be a copy',
      },
    });
    const otherKey = pair === rsa ? rsa2048 : rsa;
    expect(verifyActiveAuthentication(dg15Of(otherKey.publicKey), undefined, challenge, answer, ports).outcome).toBe('chip-not-genuine');
  });

  it('refuses an RSA answer whose representative is not a scheme-1 message (PKCS#1 v1.5 instead)', () => {
    const pkcs1 = new Uint8Array(sign('sha1', challenge, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING }));
    expect(verifyActiveAuthentication(dg15Of(rsa.publicKey), undefined, challenge, pkcs1, ports).outcome).toBe('chip-not-genuine');
    expect(verifyActiveAuthentication(dg15Of(rsa.publicKey), undefined, challenge, new Uint8Array(3), ports).outcome).toBe('chip-not-genuine');
  });

  it.each([
    ['P-256 with ecdsa-with-SHA256', p256, '1.2.840.10045.4.3.2', 'sha256'],
    ['brainpoolP384r1 with ecdsa-with-SHA384', brainpool, '1.2.840.10045.4.3.3', 'sha384'],
  ])('accepts a genuine ECDSA answer (%s, plain r ‖ s), refuses a replay and another key', (_name, pair, algorithm, hash) => {
    const dg14 = dg14With(algorithm);
    const answer = ecAnswer(pair.privateKey, challenge, hash);
    expect(verifyActiveAuthentication(dg15Of(pair.publicKey), dg14, challenge, answer, ports).outcome).toBe('chip-genuine');
    expect(verifyActiveAuthentication(dg15Of(pair.publicKey), dg14, otherChallenge, answer, ports).outcome).toBe('chip-not-genuine');
    const otherKey = pair === p256 ? brainpool : p256;
    expect(verifyActiveAuthentication(dg15Of(otherKey.publicKey), dg14, challenge, answer, ports).outcome).toBe('chip-not-genuine');
  });

  it('cannot check an ECDSA answer without DG14 naming its hash', () => {
    const answer = ecAnswer(p256.privateKey, challenge, 'sha256');
    expect(verifyActiveAuthentication(dg15Of(p256.publicKey), undefined, challenge, answer, ports)).toMatchObject({
      outcome: 'chip-aa-unsupported',
      reason: { code: 'chip.aa.unsupported' },
    });
  });

  describe('over the card', () => {
    const fixedChallenge: Pick<ChipCrypto, 'hash' | 'randomBytes'> = { hash: nodeChipCrypto.hash, randomBytes: () => Uint8Array.from(challenge) };

    it('sends INTERNAL AUTHENTICATE with a fresh 8-byte challenge and checks the answer', async () => {
      const sent: string[] = [];
      const chip = async (command: Uint8Array): Promise<Uint8Array> => {
        sent.push(hex(command));
        const answer = ecAnswer(p256.privateKey, command.subarray(5, 13), 'sha256');
        return Uint8Array.from([...answer, 0x90, 0x00]);
      };
      const result = await activeAuthenticate(chip, dg15Of(p256.publicKey), dg14With('1.2.840.10045.4.3.2'), { ...ports, crypto: fixedChallenge });
      expect(result.outcome).toBe('chip-genuine');
      expect(sent).toEqual([`0088000008${hex(challenge)}00`]);
    });

    it('asks a new challenge each time, so a recorded answer fails', async () => {
      const recorded = rsaAnswer(rsa.privateKey, otherChallenge);
      const replaying = async (): Promise<Uint8Array> => Uint8Array.from([...recorded, 0x90, 0x00]);
      expect((await activeAuthenticate(replaying, dg15Of(rsa.publicKey), undefined, ports)).outcome).toBe('chip-not-genuine');
    });

    it('finds a chip that refuses INTERNAL AUTHENTICATE not genuine', async () => {
      const refusing = async (): Promise<Uint8Array> => Uint8Array.of(0x6d, 0x00);
      expect(await activeAuthenticate(refusing, dg15Of(rsa.publicKey), undefined, ports)).toMatchObject({
        outcome: 'chip-not-genuine',
        reason: { code: 'chip.aa.no-answer' },
      });
    });
  });
});
