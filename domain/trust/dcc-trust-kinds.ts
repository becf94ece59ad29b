import { parseCertificate } from '../chip/x509.js';
import { decodeBase64 } from '../rules/signed-rule-set.js';

/**
 * The trust file kinds a kiosk's DCC verifier takes from the hub (docs/trust-files.md):
 *
 * - `dcc-dsc`: the document signer certificates (DSCs) of DCC issuers, each with the `kid` a
 *   certificate's COSE header names and the issuing country, as the EU gateway's trust list
 *   carries them;
 * - `dcc-schemas`: the DCC JSON schema documents by version (a certificate is held to the
 *   highest version not above its own `ver`);
 * - `dcc-value-sets`: the EU value sets, id → codes, of which a certificate's codes must be members.
 *
 * Every field is bounded: a file signed by the hub is still input, and a kiosk must not spend
 * its memory or its start on one that is absurdly large.
 */

/** One document signer: base64 of the 8-byte kid, ISO 3166 country, base64 DER certificate. */
export interface DccSignerEntry {
  readonly kid: string;
  readonly country: string;
  readonly certificate: string;
}

export interface DccSchemaEntry {
  /** `major.minor.patch`, as the schema repository names its folders. */
  readonly version: string;
  /** The combined schema document (JSON Schema 2020-12). */
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface DccValueSetCode {
  readonly display: string;
  /** false: deprecated by the EU, still a member (a certificate issued while it was current). */
  readonly active?: boolean;
}

export interface DccValueSetEntry {
  readonly id: string;
  /** The `valueSetDate` of the file. */
  readonly date: string;
  readonly values: Readonly<Record<string, DccValueSetCode>>;
}

export interface DccTrustPayloads {
  readonly 'dcc-dsc': { readonly signers: readonly DccSignerEntry[] };
  readonly 'dcc-schemas': { readonly schemas: readonly DccSchemaEntry[] };
  readonly 'dcc-value-sets': { readonly valueSets: readonly DccValueSetEntry[] };
}

/** The EU gateway lists a few thousand DSCs; more than ten thousand is not a trust list. */
export const MAX_DCC_SIGNERS = 10_000;
/**
 * A kiosk reads at most 16 MiB of trust files in one answer of the hub (hub-client.ts), every
 * kind together: the hub refuses to publish a DCC file larger than half of that.
 */
export const MAX_DCC_TRUST_FILE_BYTES = 8 * 1024 * 1024;
/** A DSC is 1–2 KB of DER; 16 KB of base64 leaves room for long RSA keys and extensions. */
export const MAX_CERTIFICATE_BASE64 = 16_384;
/** The schema repository has published about a dozen versions in three years. */
export const MAX_DCC_SCHEMAS = 64;
/** A combined schema is about 30 KB. */
export const MAX_SCHEMA_JSON_BYTES = 1_048_576;
/** The EU publishes six value sets; a national verifier a few more. */
export const MAX_VALUE_SETS = 64;
export const MAX_VALUE_SET_CODES = 5_000;
export const MAX_VALUE_SET_TEXT = 256;

const COUNTRY = /^[A-Z]{2}$/;
const SCHEMA_VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;
const VALUE_SET_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);
const boundedText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

function signersProblem(document: Readonly<Record<string, unknown>>): string | undefined {
  const signers = document.signers;
  if (!Array.isArray(signers)) return 'signers is not a list';
  if (signers.length > MAX_DCC_SIGNERS) return `${signers.length} signers, more than ${MAX_DCC_SIGNERS}`;
  for (const [index, signer] of signers.entries()) {
    if (!isRecord(signer)) return `signer ${index} is not an object`;
    const kid = typeof signer.kid === 'string' ? decodeBase64(signer.kid) : null;
    if (kid === null || kid.length === 0 || kid.length > 32) return `signer ${index}: kid is not 1–32 bytes of base64`;
    if (typeof signer.country !== 'string' || !COUNTRY.test(signer.country)) return `signer ${index}: country is not two capital letters`;
    if (!boundedText(signer.certificate, MAX_CERTIFICATE_BASE64))
      return `signer ${index}: certificate is not base64 of at most ${MAX_CERTIFICATE_BASE64} characters`;
    const der = decodeBase64(signer.certificate);
    if (der === null) return `signer ${index}: certificate is not base64`;
    try {
      parseCertificate(der);
    } catch (error) {
      return `signer ${index}: certificate does not parse: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

function schemasProblem(document: Readonly<Record<string, unknown>>): string | undefined {
  const schemas = document.schemas;
  if (!Array.isArray(schemas)) return 'schemas is not a list';
  if (schemas.length > MAX_DCC_SCHEMAS) return `${schemas.length} schemas, more than ${MAX_DCC_SCHEMAS}`;
  const seen = new Set<string>();
  for (const [index, entry] of schemas.entries()) {
    if (!isRecord(entry)) return `schema ${index} is not an object`;
    if (typeof entry.version !== 'string' || !SCHEMA_VERSION.test(entry.version)) return `schema ${index}: version is not major.minor.patch`;
    if (seen.has(entry.version)) return `schema ${entry.version} given twice`;
    seen.add(entry.version);
    if (!isRecord(entry.schema)) return `schema ${entry.version} is not a JSON object`;
    if (JSON.stringify(entry.schema).length > MAX_SCHEMA_JSON_BYTES) return `schema ${entry.version} is larger than ${MAX_SCHEMA_JSON_BYTES} bytes`;
  }
  return undefined;
}

function valueSetsProblem(document: Readonly<Record<string, unknown>>): string | undefined {
  const sets = document.valueSets;
  if (!Array.isArray(sets)) return 'valueSets is not a list';
  if (sets.length > MAX_VALUE_SETS) return `${sets.length} value sets, more than ${MAX_VALUE_SETS}`;
  const seen = new Set<string>();
  for (const [index, set] of sets.entries()) {
    if (!isRecord(set)) return `value set ${index} is not an object`;
    if (typeof set.id !== 'string' || !VALUE_SET_ID.test(set.id)) return `value set ${index}: id is not 1–64 letters, digits, '.', '_' or '-'`;
    if (seen.has(set.id)) return `value set ${set.id} given twice`;
    seen.add(set.id);
    if (typeof set.date !== 'string' || !DATE.test(set.date)) return `value set ${set.id}: date is not YYYY-MM-DD`;
    if (!isRecord(set.values)) return `value set ${set.id}: values is not an object`;
    const codes = Object.entries(set.values);
    if (codes.length > MAX_VALUE_SET_CODES) return `value set ${set.id}: ${codes.length} codes, more than ${MAX_VALUE_SET_CODES}`;
    for (const [code, value] of codes) {
      if (code.length === 0 || code.length > MAX_VALUE_SET_TEXT) return `value set ${set.id}: a code is empty or longer than ${MAX_VALUE_SET_TEXT}`;
      if (!isRecord(value) || !boundedText(value.display, MAX_VALUE_SET_TEXT))
        return `value set ${set.id}: code ${JSON.stringify(code)}: display is not 1–${MAX_VALUE_SET_TEXT} characters`;
      if (value.active !== undefined && typeof value.active !== 'boolean') return `value set ${set.id}: active is not true or false`;
    }
  }
  return undefined;
}

/** Each DCC kind's content check, run after the signature (signed-trust-file.ts). */
export const DCC_PAYLOAD_CHECKS: { readonly [K in keyof DccTrustPayloads]: (document: Readonly<Record<string, unknown>>) => string | undefined } = {
  'dcc-dsc': signersProblem,
  'dcc-schemas': schemasProblem,
  'dcc-value-sets': valueSetsProblem,
};
