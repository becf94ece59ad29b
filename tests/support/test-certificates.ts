import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DER, encodeOid } from '../../domain/chip/der.js';
import { encodeTlv } from '../../domain/chip/tlv.js';

/**
 * X.509 certificates built field by field for the trust-file tests: a CSCA, one already
 * expired, one without basicConstraints' cA, one without keyCertSign — what openssl 3.0's
 * command line cannot make (it refuses a validity in the past). Signed with ECDSA P-256
 * (SHA-256) by node:crypto, so every signature in them verifies.
 */
export interface TestCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly privateKey: KeyObject;
  readonly subjectCn: string;
}

export interface CertificateSpec {
  readonly cn: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** basicConstraints' cA; `undefined`: no basicConstraints extension at all. */
  readonly ca?: boolean | undefined;
  /** keyUsage bit numbers set (5: keyCertSign, 6: cRLSign, 0: digitalSignature); `undefined`: no keyUsage. */
  readonly keyUsageBits?: readonly number[] | undefined;
  /** Signed by this certificate's key and named by its subject (default: self-signed). */
  readonly issuer?: TestCertificate;
  readonly serial?: number;
}

const DAY = 86_400_000;
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

const seq = (...parts: Uint8Array[]): Uint8Array => encodeTlv(DER.SEQUENCE, ...parts);
const oid = (dotted: string): Uint8Array => encodeTlv(DER.OBJECT_IDENTIFIER, encodeOid(dotted));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function name(cn: string): Uint8Array {
  return seq(
    encodeTlv(DER.SET, seq(oid('2.5.4.6'), encodeTlv(DER.PRINTABLE_STRING, utf8('VN')))),
    encodeTlv(DER.SET, seq(oid('2.5.4.3'), encodeTlv(DER.UTF8_STRING, utf8(cn)))),
  );
}

function generalizedTime(date: Date): Uint8Array {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return encodeTlv(DER.GENERALIZED_TIME, utf8(text));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(id), ...(critical ? [encodeTlv(DER.BOOLEAN, Uint8Array.of(0xff))] : []), encodeTlv(DER.OCTET_STRING, value));
}

function keyUsage(bits: readonly number[]): Uint8Array {
  const octets = new Uint8Array(2);
  for (const bit of bits) octets[bit >> 3] = (octets[bit >> 3] as number) | (0x80 >> (bit & 7));
  const used = octets[1] === 0 ? octets.subarray(0, 1) : octets;
  const last = used[used.length - 1] as number;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return encodeTlv(DER.BIT_STRING, Uint8Array.of(unused), used);
}

export function makeCertificate(spec: CertificateSpec): TestCertificate {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  const now = Date.now();
  const notBefore = spec.notBefore ?? new Date(now - DAY);
  const notAfter = spec.notAfter ?? new Date(now + 365 * DAY);
  const extensions: Uint8Array[] = [];
  if (spec.ca !== undefined) extensions.push(extension('2.5.29.19', true, seq(...(spec.ca ? [encodeTlv(DER.BOOLEAN, Uint8Array.of(0xff))] : []))));
  if (spec.keyUsageBits !== undefined) extensions.push(extension('2.5.29.15', true, keyUsage(spec.keyUsageBits)));
  const algorithm = seq(oid(ECDSA_WITH_SHA256));
  const tbs = seq(
    encodeTlv(0xa0, encodeTlv(DER.INTEGER, Uint8Array.of(2))),
    encodeTlv(DER.INTEGER, Uint8Array.of(0x01, (spec.serial ?? Math.floor(Math.random() * 0x7f)) & 0x7f)),
    algorithm,
    name(spec.issuer?.subjectCn ?? spec.cn),
    seq(generalizedTime(notBefore), generalizedTime(notAfter)),
    name(spec.cn),
    spki,
    ...(extensions.length === 0 ? [] : [encodeTlv(0xa3, seq(...extensions))]),
  );
  const signature = sign('sha256', tbs, spec.issuer?.privateKey ?? privateKey);
  const der = seq(tbs, algorithm, encodeTlv(DER.BIT_STRING, Uint8Array.of(0), signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, privateKey, subjectCn: spec.cn };
}

/** A CSCA as ICAO 9303-12 wants it: cA, keyCertSign and cRLSign. */
export function makeCsca(cn: string, spec: Omit<CertificateSpec, 'cn'> = {}): TestCertificate {
  return makeCertificate({ ca: true, keyUsageBits: [5, 6], ...spec, cn });
}

/** A certificate already expired yesterday (valid for a year until then). */
export function makeExpiredCsca(cn: string): TestCertificate {
  const now = Date.now();
  return makeCsca(cn, { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) });
}

/**
 * An ICAO CSCA master list (ICAO 9303-12 §9): a CMS SignedData whose content, of type
 * 2.23.136.1.1.2, is CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF
 * Certificate }, signed by `signer` with openssl's own `cms -sign` (so the CMS is not ours).
 * An entry given as bytes goes into the list as it is (e.g. one that is not a certificate).
 */
export function makeMasterList(
  dir: string,
  certificates: readonly (TestCertificate | Uint8Array)[],
  signer: TestCertificate,
  options: { readonly contentType?: string } = {},
): Uint8Array {
  const entries = certificates.map((c) => (c instanceof Uint8Array ? c : c.der));
  const content = seq(encodeTlv(DER.INTEGER, Uint8Array.of(0)), encodeTlv(DER.SET, ...entries));
  const contentFile = join(dir, 'master-list-content.der');
  const signerFile = join(dir, 'master-list-signer.pem');
  const keyFile = join(dir, 'master-list-signer.key');
  const out = join(dir, 'master-list.ml');
  writeFileSync(contentFile, content);
  writeFileSync(signerFile, signer.pem);
  writeFileSync(keyFile, signer.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  execFileSync(
    'openssl',
    [
      'cms',
      '-sign',
      '-nodetach',
      '-binary',
      '-in',
      contentFile,
      '-econtent_type',
      options.contentType ?? '2.23.136.1.1.2',
      '-signer',
      signerFile,
      '-inkey',
      keyFile,
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-out',
      out,
    ],
    { stdio: 'pipe' },
  );
  return new Uint8Array(readFileSync(out));
}
