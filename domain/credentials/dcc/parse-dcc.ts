import type { CredentialProblem, DccCredential, ParseError } from '../credential.js';
import type { DccSigningCertificate, DccTrustList, VerificationContext } from '../verification.js';
import { decodeBase45, isBase45Text } from '../../encoding/base45.js';
import { certificateTypes, checkValidity, holdsAllowedEntries, keyUsageAllows } from './dcc-checks.js';
import type { DccDiagnostics } from './dcc-diagnostics.js';
import { dccError, dccProblem, type DccErrorCode, type DccProblemCode } from './dcc-errors.js';
import { factsFromHcert, subjectFromHcert } from './dcc-facts.js';
import { readCoseSign1, sigStructure, type CoseSign1 } from './cose-sign1.js';
import { readCwtClaims, type CwtClaims } from './cwt-claims.js';
import { isoOrUndefined } from '../../time/iso-instant.js';
import { hasZlibHeader, inflateZlib } from './zlib-inflate.js';

const PREFIX = 'HC1:';
/**
 * A QR code holds at most 4296 alphanumeric characters (version 40-L); scans are capped
 * at 8192 characters upstream too. Checked first, so a huge input costs nothing.
 */
const MAX_TEXT_CHARS = 8192;
/** A COSE message from such a code is a few KiB; anything that inflates past this is a bomb. */
const MAX_COSE_BYTES = 64 * 1024;
/** COSE algorithms the DCC specification allows: ES256 and PS256. */
const SUPPORTED_ALGS: ReadonlySet<number> = new Set([-7, -37]);
/** Context identifiers look like `HC1:`; other letters and digits are contexts we do not read. */
const CONTEXT_PREFIX = /^H[A-Z][0-9]:/;

/**
 * Whether the dispatcher should hand `text` to `parseDcc`: an `HC1:` code, a code with
 * another HCERT-style context (`HC2:`, `HL0:`, so the user hears "unsupported" rather
 * than "unrecognised"), or a bare base45 code whose first bytes are a zlib header or a
 * COSE tag (a scanner or app that dropped the prefix). Short all-digit or all-caps texts,
 * such as a typed ID number, are never candidates.
 */
export function isDccCandidate(text: string): boolean {
  if (text.startsWith(PREFIX) || (CONTEXT_PREFIX.test(text) && isBase45Text(text.slice(4)))) return true;
  if (text.length < 64 || text.length > MAX_TEXT_CHARS || !isBase45Text(text)) return false;
  const head = decodeBase45(text.slice(0, 3));
  return head !== null && looksLikeDccStart(head);
}

function looksLikeDccStart(bytes: Uint8Array): boolean {
  // zlib, or an uncompressed COSE_Sign1: tag 18 (0xd2) or tag 61 (0xd8 0x3d).
  return hasZlibHeader(bytes) || (bytes[0] === 0xd2 && bytes[1] === 0x84) || (bytes[0] === 0xd8 && bytes[1] === 0x3d);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The diagnostics while they are being filled in, stage by stage. */
type Progress = Omit<Mutable<DccDiagnostics>, 'stages'> & { stages: Mutable<DccDiagnostics['stages']> };

/**
 * An EU Digital COVID Certificate (`HC1:` → base45 → zlib → COSE_Sign1 → CWT → HCERT),
 * read and authenticated. Never throws and runs in time linear in the input. A code that
 * cannot be read is a ParseError (`dcc.*`); a readable one is a DccCredential, whose
 * `problems` say every check it failed (authenticity `invalid` then). Both carry the
 * diagnostics of every stage.
 */
export function parseDcc(text: string, context: VerificationContext): DccCredential | ParseError {
  const diagnostics: Progress = {
    stages: { unprefix: false, base45: false, inflate: false, cose: false, cbor: false },
    signature: 'unknown-key',
    expired: null,
    schemaValid: null,
    keyUsageOk: null,
  };
  const fail = (code: DccErrorCode): ParseError => dccError(code, { ...diagnostics, stages: { ...diagnostics.stages } });
  try {
    return read(text, context, diagnostics, fail);
  } catch {
    // Only a defect of ours gets here (ports are guarded where they are called); the scan must still be answered.
    return fail('dcc.internal');
  }
}

function read(text: string, context: VerificationContext, diagnostics: Progress, fail: (code: DccErrorCode) => ParseError): DccCredential | ParseError {
  if (text.length > MAX_TEXT_CHARS) return fail('dcc.too-long');
  if (!text.startsWith(PREFIX)) return fail(CONTEXT_PREFIX.test(text) ? 'dcc.prefix-unsupported' : 'dcc.prefix-missing');
  diagnostics.stages.unprefix = true;

  const compressed = decodeBase45(text.slice(PREFIX.length));
  if (compressed === null) return fail('dcc.base45');
  diagnostics.stages.base45 = true;

  // The specification makes compression optional in practice: an input without a zlib
  // header is read as the COSE message itself (the inflate stage then stays false).
  const inflated = inflateZlib(compressed, MAX_COSE_BYTES);
  if (inflated.kind === 'error') return fail(inflated.reason === 'too-large' ? 'dcc.too-large' : 'dcc.inflate');
  diagnostics.stages.inflate = inflated.kind === 'inflated';
  const coseBytes = inflated.kind === 'inflated' ? inflated.bytes : compressed;

  const cose = readCoseSign1(coseBytes);
  if (!cose.ok) return fail('dcc.cose');
  diagnostics.stages.cose = true;

  const problems: CredentialProblem[] = [];
  const signed = verifySignature(cose.cose, context.dccTrust);
  diagnostics.signature = signed.signature;
  if (signed.problem !== undefined) problems.push(dccProblem(signed.problem));

  const cwt = readCwtClaims(cose.cose.payload);
  // The payload decoded as CBOR claims even when the health certificate in it is missing or unusable.
  diagnostics.stages.cbor = cwt.ok || cwt.stage === 'hcert';
  if (!cwt.ok) return fail(cwt.stage === 'cbor' ? 'dcc.cbor' : 'dcc.hcert');
  const claims = cwt.claims;
  Object.assign(diagnostics, describeClaims(claims));

  const validity = checkValidity(claims, context.now, signed.certificate);
  diagnostics.expired = validity === 'valid' ? false : validity === 'unknown' || validity === 'no-claims' ? null : true;
  const validityProblem = VALIDITY_PROBLEMS[validity];
  if (validityProblem !== undefined) problems.push(dccProblem(validityProblem));

  if (signed.certificate !== undefined) {
    diagnostics.keyUsageOk = keyUsageAllows(signed.certificate.extendedKeyUsage, certificateTypes(claims.hcert));
    if (!diagnostics.keyUsageOk) problems.push(dccProblem('dcc.key-usage'));
  }

  diagnostics.schemaValid = validateSchema(claims.hcert, context);
  if (diagnostics.schemaValid === false) problems.push(dccProblem('dcc.schema-invalid'));
  if (!holdsAllowedEntries(claims.hcert)) {
    // Part of the structure the schema of its version stands for, checked even where no schema file is.
    diagnostics.schemaValid = false;
    problems.push(dccProblem('dcc.not-one-certificate'));
  }

  const trusted = diagnostics.signature === 'valid' && diagnostics.expired === false && diagnostics.keyUsageOk === true && diagnostics.schemaValid !== false;
  return {
    kind: 'dcc',
    authenticity: trusted ? 'signed-valid' : 'invalid',
    identifiers: {},
    subject: subjectFromHcert(claims.hcert),
    problems,
    dcc: { ...diagnostics, stages: { ...diagnostics.stages } },
    embeddedFacts: factsFromHcert(claims.hcert, context.dccValueSets),
  };
}

const VALIDITY_PROBLEMS: Partial<Record<ReturnType<typeof checkValidity>, DccProblemCode>> = {
  expired: 'dcc.expired',
  'not-yet-valid': 'dcc.not-yet-valid',
  'outside-certificate': 'dcc.outside-signer-validity',
  'no-claims': 'dcc.no-validity',
};

interface SignatureOutcome {
  readonly signature: DccDiagnostics['signature'];
  /** The trusted certificate whose key made the signature (only when valid). */
  readonly certificate?: DccSigningCertificate;
  readonly problem?: DccProblemCode;
}

function verifySignature(cose: CoseSign1, trust: DccTrustList | undefined): SignatureOutcome {
  if (trust === undefined) return { signature: 'unknown-key', problem: 'dcc.no-trust-list' };
  if (cose.kid === undefined) return { signature: 'unknown-key', problem: 'dcc.unknown-key' };
  let candidates: readonly DccSigningCertificate[];
  try {
    candidates = trust.byKid(cose.kid);
  } catch {
    candidates = [];
  }
  if (candidates.length === 0) return { signature: 'unknown-key', problem: 'dcc.unknown-key' };
  if (cose.alg === undefined || !SUPPORTED_ALGS.has(cose.alg)) return { signature: 'invalid', problem: 'dcc.algorithm' };
  const signed = sigStructure(cose);
  // Key ids are 8 bytes, so two signers can share one: the signature decides which it was.
  for (const certificate of candidates) {
    try {
      if (certificate.verify(cose.alg, signed, cose.signature)) return { signature: 'valid', certificate };
    } catch {
      // a malformed signature for this key: try the next candidate
    }
  }
  return { signature: 'invalid', problem: 'dcc.signature-invalid' };
}

function validateSchema(hcert: unknown, context: VerificationContext): boolean | null {
  if (context.dccSchemas === undefined) return null;
  const version = (hcert as Record<string, unknown>)['ver'];
  // Without a version there is no schema to hold it to, and the schema requires one.
  if (typeof version !== 'string') return false;
  try {
    return context.dccSchemas.validate(hcert, version);
  } catch {
    return null;
  }
}

function describeClaims(claims: CwtClaims): Partial<DccDiagnostics> {
  const issuedAt = claims.issuedAt === undefined ? undefined : isoOrUndefined(claims.issuedAt * 1000);
  const expiresAt = claims.expiresAt === undefined ? undefined : isoOrUndefined(claims.expiresAt * 1000);
  return {
    hcert: claims.hcert,
    ...(claims.issuer === undefined ? {} : { issuer: claims.issuer }),
    ...(issuedAt === undefined ? {} : { issuedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}
