import { describe, expect, it } from 'vitest';
import { CborTag, type CborValue } from '../../../../../domain/credentials/dcc/cbor-decode.js';
import { encodeCbor } from '../../../../../domain/credentials/dcc/cbor-encode.js';
import { readCoseSign1, sigStructure } from '../../../../../domain/credentials/dcc/cose-sign1.js';
import { readCwtClaims } from '../../../../../domain/credentials/dcc/cwt-claims.js';

const KID = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const OTHER_KID = Uint8Array.of(9, 9, 9, 9);
const map = (...entries: [CborValue, CborValue][]): Map<CborValue, CborValue> => new Map(entries);
const PAYLOAD = encodeCbor(map([1, 'VN']));
const SIGNATURE = new Uint8Array(64).fill(7);

function message(protectedHeader: Map<CborValue, CborValue> | null, unprotected: Map<CborValue, CborValue> = map()): CborValue[] {
  return [protectedHeader === null ? new Uint8Array(0) : encodeCbor(protectedHeader), unprotected, PAYLOAD, SIGNATURE];
}

describe('COSE_Sign1', () => {
  it.each([
    ['tag 18', new CborTag(18, message(map([1, -7], [4, KID]))), 'tag-18'],
    ['untagged', message(map([1, -7], [4, KID])), 'untagged'],
    ['tag 18 inside the CWT tag 61', new CborTag(61, new CborTag(18, message(map([1, -7], [4, KID])))), 'cwt-tag-61'],
  ] as const)('reads a message %s', (_name, item, envelope) => {
    const result = readCoseSign1(encodeCbor(item));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cose).toMatchObject({ alg: -7, kid: KID, payload: PAYLOAD, signature: SIGNATURE, envelope });
  });

  it('takes the kid from the protected header, even when the unprotected one has another', () => {
    const result = readCoseSign1(encodeCbor(new CborTag(18, message(map([1, -7], [4, KID]), map([4, OTHER_KID])))));
    expect(result.ok && result.cose.kid).toEqual(KID);
  });

  it('falls back to the unprotected header for the kid and the algorithm', () => {
    const result = readCoseSign1(encodeCbor(new CborTag(18, message(null, map([4, OTHER_KID], [1, -37])))));
    expect(result.ok && result.cose).toMatchObject({ kid: OTHER_KID, alg: -37, protectedBytes: new Uint8Array(0) });
  });

  it('reads a message without any kid (the trust list then cannot match it)', () => {
    const result = readCoseSign1(encodeCbor(message(map([1, -7]))));
    expect(result.ok && result.cose.kid).toBeUndefined();
  });

  it.each([
    ['bytes after the message', Uint8Array.from([...encodeCbor(new CborTag(18, message(map([1, -7])))), 0x00])],
    ['another tag', encodeCbor(new CborTag(98, message(map([1, -7]))))],
    ['tag 61 around an untagged message', encodeCbor(new CborTag(61, message(map([1, -7]))))],
    ['three elements', encodeCbor(new CborTag(18, message(map([1, -7])).slice(0, 3)))],
    ['a map instead of an array', encodeCbor(map([1, 2]))],
    ['a protected header that is a map, not a bstr', encodeCbor([map([1, -7]), map(), PAYLOAD, SIGNATURE])],
    ['a protected header bstr that is not a map', encodeCbor([encodeCbor([1]), map(), PAYLOAD, SIGNATURE])],
    ['an unprotected header that is not a map', encodeCbor([new Uint8Array(0), [], PAYLOAD, SIGNATURE])],
    ['a detached (nil) payload', encodeCbor([new Uint8Array(0), map(), null, SIGNATURE])],
    ['a text signature', encodeCbor([new Uint8Array(0), map(), PAYLOAD, 'sig'])],
    ['a text kid', encodeCbor(message(map([1, -7], [4, 'kid'])))],
    ['nothing at all', new Uint8Array(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(readCoseSign1(bytes).ok).toBe(false);
  });

  it('signs over ["Signature1", protected, h\'\', payload] with the protected bytes as sent', () => {
    // A non-canonical protected header (a definite map written with a 1-byte count) must be kept byte for byte.
    const protectedBytes = Uint8Array.from([0xb8, 0x01, 0x01, 0x26]);
    const result = readCoseSign1(encodeCbor([protectedBytes, map(), PAYLOAD, SIGNATURE]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(sigStructure(result.cose)).toEqual(encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), PAYLOAD]));
  });
});

describe('CWT claims', () => {
  const hcert = map(['ver', '1.3.0'], ['nam', map(['fn', 'Nguyễn'])], ['v', [map(['dn', 1])]]);
  const claims = (...extra: [CborValue, CborValue][]): Uint8Array => encodeCbor(map([-260, map([1, hcert])], ...extra));

  it('reads issuer, times and the health certificate', () => {
    expect(readCwtClaims(claims([1, 'VN'], [4, 1700000000], [6, 1690000000]))).toEqual({
      ok: true,
      claims: { issuer: 'VN', expiresAt: 1700000000, issuedAt: 1690000000, hcert: { ver: '1.3.0', nam: { fn: 'Nguyễn' }, v: [{ dn: 1 }] } },
    });
  });

  it('reads times as floats or wrapped in tag 1 (epoch)', () => {
    const result = readCwtClaims(claims([4, new CborTag(1, 1700000000.5)], [6, 1690000000.25]));
    expect(result.ok && [result.claims.expiresAt, result.claims.issuedAt]).toEqual([1700000000.5, 1690000000.25]);
  });

  it('leaves out times that are not numbers', () => {
    const result = readCwtClaims(claims([4, '1700000000'], [6, new CborTag(0, '2021-05-01T00:00:00Z')]));
    expect(result.ok && result.claims).toEqual({ hcert: expect.any(Object) });
  });

  it('keeps tag-0 date-times in the certificate as their text', () => {
    const result = readCwtClaims(encodeCbor(map([-260, map([1, map(['t', [map(['sc', new CborTag(0, '2021-05-01T10:00:00Z')])]])])])));
    expect(result.ok && result.claims.hcert).toEqual({ t: [{ sc: '2021-05-01T10:00:00Z' }] });
  });

  it('reads any other tag as its content, as the EU reference verifier does (a date tagged 1004, RFC 8943)', () => {
    const result = readCwtClaims(
      encodeCbor(map([-260, map([1, map(['dob', new CborTag(1004, '1989-03-15')], ['n', new CborTag(24, new CborTag(1004, 'x'))])])])),
    );
    expect(result.ok && result.claims.hcert).toEqual({ dob: '1989-03-15', n: 'x' });
    // A tag does not make JSON of what is not: a tagged byte string is still refused.
    expect(readCwtClaims(encodeCbor(map([-260, map([1, map(['x', new CborTag(2, Uint8Array.of(1))])])])))).toMatchObject({ ok: false, stage: 'hcert' });
  });

  it('keeps a key named __proto__ as data', () => {
    const result = readCwtClaims(encodeCbor(map([-260, map([1, map(['__proto__', map(['polluted', true])])])])));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.claims.hcert)).toBe(Object.prototype);
    expect(Object.keys(result.claims.hcert as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['not CBOR', Uint8Array.of(0xff), 'cbor'],
    ['not a map', encodeCbor([1, 2]), 'cbor'],
    ['no claim -260', encodeCbor(map([1, 'VN'])), 'hcert'],
    ['no key 1 in claim -260', encodeCbor(map([-260, map([2, hcert])])), 'hcert'],
    ['a certificate that is an array', encodeCbor(map([-260, map([1, [1]])])), 'hcert'],
    ['a byte string in the certificate', encodeCbor(map([-260, map([1, map(['x', Uint8Array.of(1)])])])), 'hcert'],
    ['an integer map key in the certificate', encodeCbor(map([-260, map([1, map([1, 'x'])])])), 'hcert'],
    ['undefined in the certificate', encodeCbor(map([-260, map([1, map(['x', undefined])])])), 'hcert'],
    ['a big integer in the certificate', encodeCbor(map([-260, map([1, map(['x', 2n ** 64n - 1n])])])), 'hcert'],
    ['NaN in the certificate', encodeCbor(map([-260, map([1, map(['x', NaN])])])), 'hcert'],
  ] as const)('refuses %s', (_name, bytes, stage) => {
    expect(readCwtClaims(bytes)).toMatchObject({ ok: false, stage });
  });
});
