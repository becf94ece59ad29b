import { parseCertificate } from '../chip/x509.js';
import type { HubKeyStore } from '../credentials/verification.js';
import { canonicalJson, decodeBase64 } from '../rules/signed-rule-set.js';
import type { Bilingual } from '../text/bilingual.js';
import { DCC_PAYLOAD_CHECKS, type DccTrustPayloads } from './dcc-trust-kinds.js';
import { staffListProblem, type HubStaffEntry } from './staff-list.js';

/**
 * A trust file: configuration a kiosk trusts because the hub signed it, distributed like
 * rule sets (docs/trust-files.md). One envelope for every kind — the common fields, the
 * kind's own fields beside them, and an Ed25519 signature by the hub key over
 * `CHOT-TRUST-1\n` followed by the canonical JSON of everything but the signature (keys
 * sorted, no blanks), so a re-serialisation on the way keeps it valid and no field, the
 * kind included, can be changed without breaking it.
 *
 * Kinds: `csca` (country signing CA certificates for chip ID cards), `staff` (who may sign
 * in at the kiosks as staff, staff-list.ts), and the DCC verifier's `dcc-dsc`, `dcc-schemas`
 * and `dcc-value-sets` (dcc-trust-kinds.ts). A kind is added by
 * naming its fields in TrustFilePayloads and its check in PAYLOAD_CHECKS.
 */
export const TRUST_FILE_FORMAT = 'chot-trust/1';
const SIGNING_CONTEXT = 'CHOT-TRUST-1\n';

export interface TrustFilePayloads extends DccTrustPayloads {
  /** Base64 DER X.509 certificates of country signing CAs. */
  readonly csca: { readonly certificates: readonly string[] };
  /** The hub's staff: ids, names, optional PIN hashes and scopes (never a PIN). */
  readonly staff: { readonly staff: readonly HubStaffEntry[] };
}

export type TrustFileKind = keyof TrustFilePayloads;

export interface TrustFileHeader<K extends TrustFileKind = TrustFileKind> {
  readonly format: typeof TRUST_FILE_FORMAT;
  readonly kind: K;
  /** Grows with every publication of the kind: a kiosk never installs one older than it has. */
  readonly version: number;
  /** ISO 8601, UTC. */
  readonly issuedAt: string;
}

export type TrustFile<K extends TrustFileKind = TrustFileKind> = K extends TrustFileKind ? TrustFileHeader<K> & TrustFilePayloads[K] : never;

export type SignedTrustFile<K extends TrustFileKind = TrustFileKind> = TrustFile<K> & {
  readonly signature: { readonly keyId: string; readonly value: string };
};

/** At most this many certificates in one csca file: ICAO's own master lists hold under a thousand. */
export const MAX_TRUST_CERTIFICATES = 10_000;

/** Each kind's fields, checked after the signature: undefined when they are what the kind says, else the problem. */
const PAYLOAD_CHECKS: { readonly [K in TrustFileKind]: (document: Readonly<Record<string, unknown>>) => string | undefined } = {
  csca: (document) => {
    const certificates = document.certificates;
    if (!Array.isArray(certificates)) return 'certificates is not a list';
    if (certificates.length > MAX_TRUST_CERTIFICATES) return `${certificates.length} certificates, more than ${MAX_TRUST_CERTIFICATES}`;
    for (const [index, entry] of certificates.entries()) {
      const der = typeof entry === 'string' ? decodeBase64(entry) : null;
      if (der === null) return `certificate ${index} is not base64`;
      try {
        parseCertificate(der);
      } catch (error) {
        return `certificate ${index} does not parse: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return undefined;
  },
  staff: staffListProblem,
  ...DCC_PAYLOAD_CHECKS,
};

export const TRUST_FILE_KINDS = Object.keys(PAYLOAD_CHECKS) as readonly TrustFileKind[];

export const isTrustFileKind = (kind: unknown): kind is TrustFileKind => typeof kind === 'string' && Object.hasOwn(PAYLOAD_CHECKS, kind);

/** The bytes the hub signs: the document without its signature, canonical. */
export function trustFileSignedBytes(document: object): Uint8Array {
  const { signature: _signature, ...signed } = document as Record<string, unknown>;
  return new TextEncoder().encode(SIGNING_CONTEXT + canonicalJson(signed));
}

const ERRORS = {
  'trust.malformed': { vi: 'Tệp tin cậy không hợp lệ', en: 'The trust file is malformed' },
  'trust.not-signed': { vi: 'Tệp tin cậy không có chữ ký', en: 'The trust file is not signed' },
  'trust.unknown-key': { vi: 'Tệp tin cậy được ký bởi khóa không tin cậy', en: 'The trust file is signed by an unknown key' },
  'trust.signature-invalid': { vi: 'Chữ ký tệp tin cậy không hợp lệ', en: 'The trust file signature is invalid' },
  'trust.unknown-kind': { vi: 'Loại tệp tin cậy không được hỗ trợ', en: 'This kind of trust file is not known to this version' },
  'trust.bad-content': { vi: 'Nội dung tệp tin cậy không hợp lệ', en: 'The trust file content is invalid' },
  /** The kiosk's own refusal, not the document's fault: it holds a newer version of the kind. */
  'trust.rollback': { vi: 'Tệp tin cậy cũ hơn bản đã cài', en: 'The trust file is older than the one installed' },
  /** The kiosk could not write it (disk full, permissions). */
  'trust.unwritable': { vi: 'Không ghi được tệp tin cậy', en: 'The trust file could not be written' },
} as const satisfies Record<string, Bilingual>;

export type TrustFileErrorCode = keyof typeof ERRORS;

export interface TrustFileError {
  readonly code: TrustFileErrorCode;
  readonly message: Bilingual;
  /** What exactly is wrong, for the operator: ids and positions, never a staff name. */
  readonly detail?: string;
}

export const trustFileError = (code: TrustFileErrorCode, detail?: string): TrustFileError => ({
  code,
  message: ERRORS[code],
  ...(detail === undefined ? {} : { detail }),
});

const refuse = (code: TrustFileErrorCode, detail?: string): { ok: false; error: TrustFileError } => ({ ok: false, error: trustFileError(code, detail) });

/**
 * Accepts a trust file only if a trusted hub key signed exactly this document, its kind is
 * one this version knows, and its fields are what the kind says (each certificate parses).
 * Whether it is newer than the one installed is the installer's question.
 */
export function verifySignedTrustFile(
  document: unknown,
  hubKeys: HubKeyStore | undefined,
): { ok: true; file: SignedTrustFile } | { ok: false; error: TrustFileError } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return refuse('trust.malformed', 'not a JSON object');
  const fields = document as Readonly<Record<string, unknown>>;
  if (fields.format !== TRUST_FILE_FORMAT) return refuse('trust.malformed', `format is not ${TRUST_FILE_FORMAT}`);
  if (typeof fields.kind !== 'string') return refuse('trust.malformed', 'no kind');
  if (!Number.isSafeInteger(fields.version) || (fields.version as number) < 1) return refuse('trust.malformed', 'version is not a positive integer');
  if (typeof fields.issuedAt !== 'string' || Number.isNaN(Date.parse(fields.issuedAt))) return refuse('trust.malformed', 'issuedAt is not a time');
  const signature = fields.signature as { keyId?: unknown; value?: unknown } | undefined;
  if (typeof signature?.keyId !== 'string' || typeof signature.value !== 'string') return refuse('trust.not-signed');
  const key = hubKeys?.byKeyId(signature.keyId);
  if (key === undefined) return refuse('trust.unknown-key', `key ${signature.keyId}`);
  const signatureBytes = decodeBase64(signature.value);
  if (signatureBytes === null || !key.verify(trustFileSignedBytes(fields), signatureBytes)) return refuse('trust.signature-invalid');
  if (!isTrustFileKind(fields.kind)) return refuse('trust.unknown-kind', `kind "${fields.kind}"`);
  const problem = PAYLOAD_CHECKS[fields.kind](fields);
  if (problem !== undefined) return refuse('trust.bad-content', problem);
  return { ok: true, file: fields as unknown as SignedTrustFile };
}
