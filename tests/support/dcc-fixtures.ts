import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { zlibSync } from 'fflate';
import { encodeBase45 } from '../../domain/encoding/base45.js';
import { CborTag, type CborValue } from '../../domain/credentials/dcc/cbor-decode.js';
import { encodeCbor } from '../../domain/credentials/dcc/cbor-encode.js';

/**
 * Our own DCC fixtures, so the DCC tests (and the benchmark) do not depend on the shared
 * test data: fresh signing keys, a minimal self-signed X.509 certificate built here
 * (Node cannot create certificates, and a DER builder is simpler and more deterministic
 * than shelling out to openssl: we choose the validity period to the second), and HC1
 * codes signed with them. No vitest import: the benchmark compiles this too.
 */

// ---- DER, just what a certificate needs ----
function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([tag, ...length, ...content]);
}
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));
const sequence = (...parts: Uint8Array[]): Uint8Array => der(0x30, concat(...parts));
const integer = (value: number): Uint8Array => der(0x02, Uint8Array.from(value < 0x80 ? [value] : [value >> 8, value & 0xff]));
const utf8String = (text: string): Uint8Array => der(0x0c, new TextEncoder().encode(text));
const explicit = (n: number, content: Uint8Array): Uint8Array => der(0xa0 + n, content);

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [a * 40 + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Uint8Array.from(bytes));
}

function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050 ? der(0x17, new TextEncoder().encode(`${iso.slice(2)}Z`)) : der(0x18, new TextEncoder().encode(`${iso}Z`));
}

const SHA256 = sequence(oid('2.16.840.1.101.3.4.2.1'), der(0x05, new Uint8Array(0)));
const ECDSA_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const RSASSA_PSS_SHA256 = sequence(
  oid('1.2.840.113549.1.1.10'),
  sequence(explicit(0, SHA256), explicit(1, sequence(oid('1.2.840.113549.1.1.8'), SHA256)), explicit(2, integer(32))),
);

export const EKU = {
  test: '1.3.6.1.4.1.1847.2021.1.1',
  vaccination: '1.3.6.1.4.1.1847.2021.1.2',
  recovery: '1.3.6.1.4.1.1847.2021.1.3',
} as const;

export interface DccSigner {
  readonly alg: -7 | -37;
  readonly privateKey: KeyObject;
  readonly certificateDer: Uint8Array;
  readonly certificateBase64: string;
  readonly kid: Uint8Array;
}

export interface SignerOptions {
  readonly alg?: 'ES256' | 'PS256';
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extendedKeyUsage?: readonly string[];
  readonly commonName?: string;
  /** The subject's countryName (C), as a real DSC names its issuing state; absent: none. */
  readonly country?: string;
  /** For ES256 keys; P-384 exists only to prove it is refused. */
  readonly curve?: 'P-256' | 'P-384';
}

/** A fresh key and a self-signed document-signer certificate for it. */
export function createDccSigner(options: SignerOptions): DccSigner {
  const ps256 = options.alg === 'PS256';
  const { privateKey, publicKey } = ps256
    ? generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: options.curve ?? 'P-256' });
  const printableString = (text: string): Uint8Array => der(0x13, new TextEncoder().encode(text));
  const name = sequence(
    ...(options.country === undefined ? [] : [der(0x31, sequence(oid('2.5.4.6'), printableString(options.country)))]),
    der(0x31, sequence(oid('2.5.4.3'), utf8String(options.commonName ?? 'Chot test DSC'))),
  );
  const eku = options.extendedKeyUsage ?? [];
  const extensions = eku.length === 0 ? [] : [explicit(3, sequence(sequence(oid('2.5.29.37'), der(0x04, sequence(...eku.map(oid))))))];
  const signatureAlgorithm = ps256 ? RSASSA_PSS_SHA256 : ECDSA_SHA256;
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(0x1234),
    signatureAlgorithm,
    name,
    sequence(time(options.notBefore), time(options.notAfter)),
    name,
    new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    ...extensions,
  );
  const tbsSignature = ps256
    ? sign('sha256', tbs, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    : sign('sha256', tbs, privateKey);
  const certificateDer = sequence(tbs, signatureAlgorithm, der(0x03, concat(Uint8Array.of(0), tbsSignature)));
  return {
    alg: ps256 ? -37 : -7,
    privateKey,
    certificateDer,
    certificateBase64: Buffer.from(certificateDer).toString('base64'),
    kid: new Uint8Array(createHash('sha256').update(certificateDer).digest().subarray(0, 8)),
  };
}

export interface DccOptions {
  readonly signer: DccSigner;
  readonly hcert: unknown;
  /** Epoch seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly issuer?: string;
  readonly kidIn?: 'protected' | 'unprotected' | 'none';
  readonly envelope?: 'tag-18' | 'untagged' | 'cwt-tag-61';
  readonly compress?: boolean;
  /** Changes the COSE message after signing (to test tampering). */
  readonly tamper?: (cose: CborValue[]) => void;
  /** The kid written in the header instead of the signer's (e.g. one the trust list does not know). */
  readonly kid?: Uint8Array;
  /** The COSE algorithm written in the protected header (default: the signer's). */
  readonly headerAlg?: number;
}

/** JSON data → CBOR data (objects become maps with text keys; a CborTag stays as it is). */
export function jsonToCbor(value: unknown): CborValue {
  // A tag placed in the data by a test stays a tag (e.g. a date tagged 1004).
  if (value instanceof CborTag) return value;
  if (Array.isArray(value)) return value.map(jsonToCbor);
  if (typeof value === 'object' && value !== null) return new Map(Object.entries(value).map(([key, item]) => [key, jsonToCbor(item)]));
  return value as CborValue;
}

/** CBOR data → JSON data for comparisons (map keys become text; tags 0 and 1 keep their content). */
export function cborToJson(value: CborValue): unknown {
  if (Array.isArray(value)) return value.map(cborToJson);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) out[String(key)] = cborToJson(item);
    return out;
  }
  if (value instanceof CborTag && (value.tag === 0 || value.tag === 1)) return cborToJson(value.value);
  return value;
}

/** The CWT claims of a DCC: issuer, expiry, issue time, and the health certificate. */
export function cwtPayload(options: Pick<DccOptions, 'hcert' | 'issuedAt' | 'expiresAt' | 'issuer'>): Uint8Array {
  return encodeCbor(
    new Map<CborValue, CborValue>([
      [1, options.issuer ?? 'VN'],
      [4, options.expiresAt],
      [6, options.issuedAt],
      [-260, new Map<CborValue, CborValue>([[1, jsonToCbor(options.hcert)]])],
    ]),
  );
}

/** The COSE_Sign1 bytes of a DCC signed by `options.signer`. */
export function buildCose(options: DccOptions): Uint8Array {
  const kid = options.kid ?? options.signer.kid;
  const kidIn = options.kidIn ?? 'protected';
  const protectedMap = new Map<CborValue, CborValue>([[1, options.headerAlg ?? options.signer.alg]]);
  if (kidIn === 'protected') protectedMap.set(4, kid);
  const protectedBytes = encodeCbor(protectedMap);
  const unprotected = new Map<CborValue, CborValue>(kidIn === 'unprotected' ? [[4, kid]] : []);
  const payload = cwtPayload(options);
  const toSign = encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
  const signature =
    options.signer.alg === -7
      ? sign('sha256', toSign, { key: options.signer.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', toSign, { key: options.signer.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  const message: CborValue[] = [protectedBytes, unprotected, payload, new Uint8Array(signature)];
  options.tamper?.(message);
  const envelope = options.envelope ?? 'tag-18';
  const item: CborValue = envelope === 'untagged' ? message : envelope === 'tag-18' ? new CborTag(18, message) : new CborTag(61, new CborTag(18, message));
  return encodeCbor(item);
}

/** The `HC1:` text of a DCC signed by `options.signer`. */
export function buildDcc(options: DccOptions): string {
  const cose = buildCose(options);
  return `HC1:${encodeBase45(options.compress === false ? cose : zlibSync(cose, { level: 9 }))}`;
}

/** A vaccination certificate (schema 1.3.0), second of two doses. */
export function vaccinationHcert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ver: '1.3.0',
    nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn An', gnt: 'VAN<AN' },
    dob: '1989-03-15',
    v: [
      {
        tg: '840539006',
        vp: '1119349007',
        mp: 'EU/1/20/1528',
        ma: 'ORG-100030215',
        dn: 2,
        sd: 2,
        dt: '2021-10-01',
        co: 'VN',
        is: 'Bộ Y tế',
        ci: 'URN:UVCI:01:VN:TEST0001#X',
      },
    ],
    ...overrides,
  };
}

const HOLDER = { ver: '1.3.0', nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn An', gnt: 'VAN<AN' }, dob: '1989-03-15' };

/** A test certificate (schema 1.3.0): a negative PCR unless `entry` says otherwise. */
export function testHcert(entry: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...HOLDER,
    t: [
      {
        tg: '840539006',
        tt: 'LP6464-4',
        sc: '2021-10-19T22:00:00+07:00',
        tr: '260415000',
        tc: 'CDC Khánh Hòa',
        co: 'VN',
        is: 'Bộ Y tế',
        ci: 'URN:UVCI:01:VN:TEST0002#Y',
        ...entry,
      },
    ],
  };
}

/** A certificate of recovery (schema 1.3.0): `fr`, `df`, `du` as `entry` gives them. */
export function recoveryHcert(entry: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...HOLDER,
    r: [{ tg: '840539006', fr: '2021-09-01', co: 'VN', is: 'Bộ Y tế', df: '2021-09-12', du: '2022-02-28', ci: 'URN:UVCI:01:VN:TEST0003#Z', ...entry }],
  };
}
