import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addPoints, multiplyPoint, multiplyToFinite, negatePoint } from '../../../../../domain/chip/ec/arithmetic.js';
import { bitLength, EcError, isOnCurve, mod, modInverse } from '../../../../../domain/chip/ec/curve.js';
import { bigintToBytes, bytesToBigint, decodePoint, encodePoint } from '../../../../../domain/chip/ec/encoding.js';
import { curveOfParameterId, STANDARD_CURVES } from '../../../../../domain/chip/ec/standard-curves.js';

/** OpenSSL's names for the SEC 2 curves it knows by their X9.62 names. */
const OPENSSL_NAME: Record<string, string> = { secp192r1: 'prime192v1', secp256r1: 'prime256v1' };
const curves = Object.values(STANDARD_CURVES);

/** A uniformly random scalar in [1, n − 1] from node's CSPRNG (the test's own randomness). */
function randomScalar(n: bigint): bigint {
  const bytes = randomBytes(Math.ceil(bitLength(n) / 8) + 8);
  return (bytesToBigint(bytes) % (n - 1n)) + 1n;
}

describe('the standardized PACE curves', () => {
  it('are the eleven of ICAO 9303-11, ids 8–18, in the table order', () => {
    expect([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map((id) => curveOfParameterId(id)?.name)).toEqual([
      'secp192r1',
      'brainpoolP192r1',
      'secp224r1',
      'brainpoolP224r1',
      'secp256r1',
      'brainpoolP256r1',
      'brainpoolP320r1',
      'secp384r1',
      'brainpoolP384r1',
      'brainpoolP512r1',
      'secp521r1',
    ]);
    for (const id of [0, 1, 2, 3, 7, 19, 32]) expect(curveOfParameterId(id)).toBeUndefined();
  });

  it.each(curves.map((curve) => [curve.name, curve] as const))('%s: G on the curve, n·G = infinity, field size right', (_name, curve) => {
    expect(isOnCurve(curve, curve.g)).toBe(true);
    expect(curve.size).toBe(Math.ceil(bitLength(curve.p) / 8));
    expect(multiplyPoint(curve, curve.n, curve.g)).toBeNull();
    expect(multiplyPoint(curve, curve.n - 1n, curve.g)).toEqual(negatePoint(curve, curve.g));
    expect(curve.h).toBe(1n);
  });

  it.each(curves.map((curve) => [curve.name, curve] as const))('%s: k·G and ECDH agree with node:crypto for random scalars', (name, curve) => {
    for (let round = 0; round < 3; round++) {
      const k = randomScalar(curve.n);
      const reference = createECDH(OPENSSL_NAME[name] ?? name);
      reference.setPrivateKey(bigintToBytes(k, Math.ceil(bitLength(curve.n) / 8)));
      const publicKey = multiplyToFinite(curve, k, curve.g, 'public key');
      expect(Buffer.from(encodePoint(curve, publicKey)).toString('hex')).toBe(reference.getPublicKey('hex', 'uncompressed'));

      // The other direction: a peer's key from node, the shared secret computed here.
      const peer = createECDH(OPENSSL_NAME[name] ?? name);
      peer.generateKeys();
      const peerPoint = decodePoint(curve, peer.getPublicKey(), 'peer key');
      const shared = multiplyToFinite(curve, k, peerPoint, 'shared secret');
      expect(Buffer.from(bigintToBytes(shared.x, curve.size)).toString('hex')).toBe(reference.computeSecret(peer.getPublicKey()).toString('hex'));
    }
  });
});

describe('point arithmetic', () => {
  const curve = STANDARD_CURVES.brainpoolP256r1;
  const g = curve.g;

  it('handles the neutral element, inverses and doubling through addition', () => {
    expect(addPoints(curve, g, null)).toEqual(g);
    expect(addPoints(curve, null, g)).toEqual(g);
    expect(addPoints(curve, null, null)).toBeNull();
    expect(addPoints(curve, g, negatePoint(curve, g))).toBeNull();
    expect(addPoints(curve, g, g)).toEqual(multiplyPoint(curve, 2n, g));
    const twoG = multiplyPoint(curve, 2n, g);
    expect(addPoints(curve, twoG, g)).toEqual(multiplyPoint(curve, 3n, g));
    expect(multiplyPoint(curve, 0n, g)).toBeNull();
    expect(multiplyPoint(curve, 1n, g)).toEqual(g);
    expect(multiplyPoint(curve, 5n, null)).toBeNull();
  });

  it('is linear: a·G + b·G = (a + b)·G', () => {
    const a = randomScalar(curve.n);
    const b = randomScalar(curve.n);
    expect(addPoints(curve, multiplyPoint(curve, a, g), multiplyPoint(curve, b, g))).toEqual(multiplyPoint(curve, mod(a + b, curve.n), g));
  });

  it('refuses negative scalars and results at infinity where a finite point is needed', () => {
    expect(() => multiplyPoint(curve, -1n, g)).toThrow(EcError);
    expect(() => multiplyToFinite(curve, curve.n, g, 'shared secret')).toThrow(/shared secret is the point at infinity/);
  });

  it('inverts modulo a prime and refuses zero', () => {
    const x = randomScalar(curve.p);
    expect(mod(x * modInverse(x, curve.p), curve.p)).toBe(1n);
    expect(() => modInverse(0n, curve.p)).toThrow(EcError);
    expect(() => modInverse(6n, 9n)).toThrow(EcError);
  });
});
