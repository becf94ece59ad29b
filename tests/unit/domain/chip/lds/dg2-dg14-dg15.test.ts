import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeOid } from '../../../../../domain/chip/der.js';
import { parseDg14 } from '../../../../../domain/chip/lds/dg14.js';
import { parseDg15 } from '../../../../../domain/chip/lds/dg15.js';
import { parseDg2FaceImage } from '../../../../../domain/chip/lds/dg2-face.js';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { encodeTlv } from '../../../../../domain/chip/tlv.js';
import { chipSamplesUnavailable, emulatorDg2 } from '../../../../support/chip-samples.js';

const be = (value: number, size: number): number[] => Array.from({ length: size }, (_, i) => (value >>> (8 * (size - 1 - i))) & 0xff);
const oid = (dotted: string): Uint8Array => encodeTlv(0x06, encodeOid(dotted));
const int = (n: number): Uint8Array => encodeTlv(0x02, Uint8Array.of(n));

/** DG2 as ICAO 9303-10 and ISO/IEC 19794-5:2005 lay it out (the card emulator's make_dg2 builds the same). */
function dg2(image: Uint8Array, featurePoints = 0, version = '010\0'): Uint8Array {
  const faceLength = 20 + featurePoints * 8 + 12 + image.length;
  const header = [...'FAC\0', ...version].map((c) => c.charCodeAt(0)).concat(be(14 + faceLength, 4), be(1, 2));
  const info = [...be(faceLength, 4), ...be(featurePoints, 2), ...new Array<number>(14).fill(0)];
  const points = new Array<number>(featurePoints * 8).fill(7);
  const imageInfo = [1, 0, ...be(480, 2), ...be(640, 2), 1, 2, 0, 0, 0, 0];
  const record = Uint8Array.from([...header, ...info, ...points, ...imageInfo, ...image]);
  const bht = encodeTlv(0xa1, encodeTlv(0x80, Uint8Array.of(1, 1)), encodeTlv(0x87, Uint8Array.of(1, 1)), encodeTlv(0x88, Uint8Array.of(0, 8)));
  return encodeTlv(0x75, encodeTlv(0x7f61, int(1), encodeTlv(0x7f60, bht, encodeTlv(0x5f2e, record))));
}

describe('DG2: the face image', () => {
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const jp2 = Uint8Array.from([0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 9, 9]);
  const codestream = Uint8Array.from([0xff, 0x4f, 0xff, 0x51, 5]);

  it('finds the image bytes behind the facial record and tells JPEG from JPEG 2000 by their magic bytes', () => {
    const face = parseDg2FaceImage(dg2(jpeg));
    expect(face).toMatchObject({ format: 'jpeg', width: 480, height: 640 });
    expect(Array.from(face.image)).toEqual(Array.from(jpeg));
    expect(parseDg2FaceImage(dg2(jp2, 3)).format).toBe('jpeg2000');
    expect(Array.from(parseDg2FaceImage(dg2(jp2, 3)).image)).toEqual(Array.from(jp2));
    expect(parseDg2FaceImage(dg2(codestream)).format).toBe('jpeg2000');
  });

  it.each([
    ['an image of another format', dg2(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))],
    ['another record version', dg2(jpeg, 0, '030\0')],
  ])('refuses %s', (_case, bytes) => {
    expect(() => parseDg2FaceImage(bytes)).toThrow(LdsError);
  });

  it('refuses a record whose feature points would run past its bytes', () => {
    const broken = Uint8Array.from(dg2(jpeg));
    const record = Buffer.from(broken).indexOf('FAC\0', 0, 'latin1');
    broken[record + 14 + 4 + 1] = 200; // 200 feature points claimed, none there
    expect(() => parseDg2FaceImage(broken)).toThrow(/^DG2: /);
  });
});

const emulatorDg2Unavailable = chipSamplesUnavailable();
describe.skipIf(emulatorDg2Unavailable !== null)(
  `DG2 of the card emulator${emulatorDg2Unavailable === null ? '' : ` (skipped: ${emulatorDg2Unavailable})`}`,
  () => {
    it('finds its synthetic JPEG whole, with the size the record states', (context) => {
      const dg2 = emulatorDg2(120, 160);
      if (typeof dg2 === 'string') return context.skip(dg2);
      const face = parseDg2FaceImage(dg2);
      expect(face).toMatchObject({ format: 'jpeg', width: 120, height: 160 });
      expect(Array.from(face.image.subarray(0, 3))).toEqual([0xff, 0xd8, 0xff]);
      expect(Array.from(face.image.subarray(-2))).toEqual([0xff, 0xd9]);
    });
  },
);

describe('DG14: SecurityInfos', () => {
  const caKey = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey.export({ type: 'spki', format: 'der' });

  it('reads the Active Authentication algorithm, Chip Authentication infos and keys, and keeps the rest by protocol', () => {
    const infos = encodeTlv(
      0x31,
      encodeTlv(0x30, oid('2.23.136.1.1.5'), int(1), oid('1.2.840.10045.4.3.3')),
      encodeTlv(0x30, oid('0.4.0.127.0.7.2.2.3.2.4'), int(1), int(5)),
      encodeTlv(0x30, oid('0.4.0.127.0.7.2.2.1.2'), new Uint8Array(caKey), int(5)),
      encodeTlv(0x30, oid('0.4.0.127.0.7.2.2.4.2.2'), int(2), int(13)),
      encodeTlv(0x30, oid('0.4.0.127.0.7.2.2.2'), int(1)),
    );
    const dg14 = parseDg14(encodeTlv(0x6e, infos));
    expect(dg14.activeAuthentication).toEqual({ version: 1, signatureAlgorithm: '1.2.840.10045.4.3.3', hash: 'SHA-384' });
    expect(dg14.chipAuthentication).toEqual([{ protocol: '0.4.0.127.0.7.2.2.3.2.4', keyAgreement: 'ECDH', cipher: 'AES-256', version: 1, keyId: 5 }]);
    expect(dg14.chipAuthenticationKeys).toHaveLength(1);
    expect(dg14.chipAuthenticationKeys[0]).toMatchObject({ keyAgreement: 'ECDH', keyId: 5, publicKey: { keyType: 'ec' } });
    expect(Buffer.from(dg14.chipAuthenticationKeys[0]?.publicKey.der ?? []).equals(caKey)).toBe(true);
    expect(dg14.otherProtocols).toEqual(['0.4.0.127.0.7.2.2.4.2.2', '0.4.0.127.0.7.2.2.2']);
  });

  it('has no Active Authentication info when the chip offers none, and refuses two', () => {
    expect(parseDg14(encodeTlv(0x6e, encodeTlv(0x31, encodeTlv(0x30, oid('0.4.0.127.0.7.2.2.2'), int(1))))).activeAuthentication).toBeUndefined();
    const aa = encodeTlv(0x30, oid('2.23.136.1.1.5'), int(1), oid('1.2.840.10045.4.3.2'));
    expect(() => parseDg14(encodeTlv(0x6e, encodeTlv(0x31, aa, aa)))).toThrow(/^DG14: /);
  });
});

describe('DG15: the Active Authentication key', () => {
  it.each([
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'rsa'],
    ['EC', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, 'ec'],
  ] as const)('keeps an %s SubjectPublicKeyInfo as-is and names its type', (_name, key, keyType) => {
    const spki = key.export({ type: 'spki', format: 'der' });
    const dg15 = parseDg15(encodeTlv(0x6f, new Uint8Array(spki)));
    expect(dg15.publicKey.keyType).toBe(keyType);
    expect(Buffer.from(dg15.publicKey.der).equals(spki)).toBe(true);
  });

  it('refuses a key of another type, and bytes after the key', () => {
    const ed = new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => parseDg15(encodeTlv(0x6f, ed))).toThrow(/^DG15: .*neither RSA nor EC/);
    const ec = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }));
    expect(() => parseDg15(encodeTlv(0x6f, ec, Uint8Array.of(0)))).toThrow(LdsError);
  });
});
