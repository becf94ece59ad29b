import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOid } from '../../../../../domain/chip/der.js';
import { parseDg14 } from '../../../../../domain/chip/lds/dg14.js';
import { parseDg15 } from '../../../../../domain/chip/lds/dg15.js';
import { parseVietnameseDg13 } from '../../../../../domain/chip/lds/dg13-vietnam.js';
import { parseEfCom } from '../../../../../domain/chip/lds/ef-com.js';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { parseDg1 } from '../../../../../domain/chip/lds/mrz.js';
import { passiveAuthenticate } from '../../../../../domain/chip/passive-auth.js';
import { parseSod } from '../../../../../domain/chip/sod.js';
import { encodeTlv } from '../../../../../domain/chip/tlv.js';
import { parseCertificate } from '../../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../../drivers/chip/node-signature-verifier.js';
import { certificateDer, chipSamplesUnavailable, generateSod, makeVnSample, temporaryDirectory } from '../../../../support/chip-samples.js';

/**
 * Everything read from a chip is hostile until verified. Whatever the bytes — real files with
 * bytes changed, inserted, removed or cut short — each parser either returns or throws its one
 * LdsError, and passive authentication always returns an outcome.
 */
const mutations = (original: Uint8Array) =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((steps) => {
      let bytes = Array.from(original);
      for (const step of steps) {
        const at = bytes.length === 0 ? 0 : step.at % bytes.length;
        if (step.kind === 'set') bytes[at] = step.value;
        else if (step.kind === 'cut') bytes = bytes.slice(0, at);
        else if (step.kind === 'insert') bytes.splice(at, 0, step.value);
        else bytes.splice(at, 1);
      }
      return Uint8Array.from(bytes);
    });

function onlyLdsErrors(parse: (bytes: Uint8Array) => unknown, original: Uint8Array, numRuns = 2_000): void {
  fc.assert(
    fc.property(mutations(original), (bytes) => {
      try {
        parse(bytes);
      } catch (error) {
        if (!(error instanceof LdsError)) throw error;
      }
    }),
    { numRuns },
  );
}

describe('the LDS parsers on mutated files', () => {
  it('EF.COM, DG14 and DG15 throw only LdsError', () => {
    const oid = (dotted: string): Uint8Array => encodeTlv(0x06, encodeOid(dotted));
    onlyLdsErrors(parseEfCom, Uint8Array.from(Buffer.from('6016' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C04' + '6175636D', 'hex')));
    const dg14 = encodeTlv(0x6e, encodeTlv(0x31, encodeTlv(0x30, oid('2.23.136.1.1.5'), encodeTlv(0x02, Uint8Array.of(1)), oid('1.2.840.10045.4.3.2'))));
    onlyLdsErrors(parseDg14, dg14);
    const spki = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey.export({ type: 'spki', format: 'der' });
    onlyLdsErrors(parseDg15, encodeTlv(0x6f, new Uint8Array(spki)));
  });
});

const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(`the card emulator's files, mutated${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  let sample: ReturnType<typeof makeVnSample>;
  let sod: Uint8Array;
  let csca: ReturnType<typeof parseCertificate>;
  afterAll(() => work.remove());
  beforeAll(() => {
    sample = makeVnSample(work.dir);
    sod = generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 13: sample.dg13 }, 'brainpoolP256r1');
    csca = parseCertificate(certificateDer(join(work.dir, 'pki', 'csca.pem')));
  });

  it('DG1, DG13 and EF.SOD throw only LdsError', () => {
    onlyLdsErrors(parseDg1, sample.dg1);
    onlyLdsErrors(parseVietnameseDg13, sample.dg13);
    onlyLdsErrors(parseSod, sod);
  });

  it('passive authentication of a mutated DG13 is never chip-verified', () => {
    const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
    const now = Date.now();
    fc.assert(
      fc.property(mutations(sample.dg13), (dg13) => {
        fc.pre(!Buffer.from(dg13).equals(Buffer.from(sample.dg13)));
        const input = {
          sod,
          dataGroups: new Map([
            [1, sample.dg1],
            [13, dg13],
          ]),
          trustedCscas: [csca],
          now,
        };
        expect(passiveAuthenticate(input, ports).outcome).toBe('chip-altered');
      }),
      { numRuns: 300 },
    );
  });

  it('passive authentication of a mutated EF.SOD always gives an outcome, and verifies only when what is signed is unchanged', () => {
    const ports = { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier };
    const now = Date.now();
    const original = parseSod(sod);
    fc.assert(
      fc.property(mutations(sod), (changed) => {
        const input = {
          sod: changed,
          dataGroups: new Map([
            [1, sample.dg1],
            [13, sample.dg13],
          ]),
          trustedCscas: [csca],
          now,
        };
        if (passiveAuthenticate(input, ports).outcome !== 'chip-verified') return;
        // CMS signs only the signed attributes (and through them the content); bytes outside
        // them (the digest algorithm list, unsigned attributes) may change without the
        // signature telling. What the verdict rests on must be the original's.
        const parsed = parseSod(changed);
        expect(Buffer.from(parsed.content).equals(Buffer.from(original.content))).toBe(true);
        expect(Buffer.from(parsed.signer.signedAttributes).equals(Buffer.from(original.signer.signedAttributes))).toBe(true);
        expect(Buffer.from(parsed.documentSigner?.der ?? []).equals(Buffer.from(original.documentSigner?.der ?? Uint8Array.of(1)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
