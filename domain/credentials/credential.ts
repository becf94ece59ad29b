import type { PersonFacts } from '../facts/person-facts.js';
import type { Bilingual } from '../text/bilingual.js';
import type { DccDiagnostics } from './dcc/dcc-diagnostics.js';

/** Every kind of credential Chốt reads: the one list the type, the entry log and the hub's upload check share. */
export const CREDENTIAL_KINDS = ['cccd-qr', 'bhyt-qr', 'chip', 'pass', 'dcc', 'manual'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/**
 * How far the credential itself can be trusted:
 * - `signed-valid`: a signature by a key the kiosk trusts checked out (status pass, DCC);
 * - `chip-verified`: the card's chip data passed passive authentication under a trusted CSCA
 *   (domain/chip/passive-auth.ts), read at the gate by a chip card reader;
 * - `unsigned`: a card format that carries no signature at all (CCCD / BHYT QR): anyone can
 *   print one, so it proves only what staff see when they compare card and face;
 * - `manual`: a bare ID number, typed or read from a code that holds nothing else. Knowing a
 *   number is not holding a card: the weakest class;
 * - `invalid`: unreadable, forged, expired or untrusted.
 * The entry log stores these strings as they are (docs/entry-log.md); the hub's upload check
 * accepts exactly this list.
 */
export const AUTHENTICITIES = ['signed-valid', 'chip-verified', 'unsigned', 'manual', 'invalid'] as const;
export type Authenticity = (typeof AUTHENTICITIES)[number];

/** Identifiers a person can be looked up by. Names are never identifiers. */
export interface PersonIdentifiers {
  /** 12-digit citizen ID (CCCD / Căn cước / personal identification number). */
  readonly id12?: string;
  /** Old 9-digit ID card number (CMND). */
  readonly oldId9?: string;
  /** 10-digit social-insurance (BHXH) number. */
  readonly bhxh?: string;
  /** Health-insurance card number as printed (15 characters on old cards, 10 digits since 2021). */
  readonly bhytNumber?: string;
}

/** What staff see to match the card to the person. Shown, never stored at the kiosk. */
export interface SubjectDisplay {
  readonly name?: string;
  /** YYYY-MM-DD, or partial (YYYY, YYYY-MM) where the credential says no more. */
  readonly birthDate?: string;
  readonly sex?: 'Nam' | 'Nữ';
}

/** A problem found with an otherwise readable credential (bad signature, expired…). */
export interface CredentialProblem {
  readonly code: string;
  readonly message: Bilingual;
}

interface CredentialBase {
  readonly identifiers: PersonIdentifiers;
  readonly subject: SubjectDisplay;
  /**
   * Why the credential cannot be trusted or used (empty when all is well). A credential
   * with problems still identifies a person, so its entry is logged with them.
   */
  readonly problems: readonly CredentialProblem[];
}

export interface CccdQrCredential extends CredentialBase {
  readonly kind: 'cccd-qr';
  readonly authenticity: 'unsigned';
  readonly identifiers: PersonIdentifiers & { readonly id12: string };
  /** YYYY-MM-DD */
  readonly issueDate: string;
  /** Fields newer cards append after the seventh; kept, not interpreted. */
  readonly extraFields: readonly string[];
}

export interface BhytQrCredential extends CredentialBase {
  readonly kind: 'bhyt-qr';
  readonly authenticity: 'unsigned';
  readonly identifiers: PersonIdentifiers & { readonly bhytNumber: string };
  readonly layout: 'old-15-fields' | 'new-17-fields';
  /** YYYY-MM-DD validity of the card. */
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Code of the registered first-contact clinic (nơi đăng ký KCB ban đầu). */
  readonly clinicCode?: string;
  /** Issuing office, decoded (new cards only). */
  readonly issuingOffice?: string;
  /** The check field, kept as is: its algorithm is not public. */
  readonly checkField?: string;
}

export interface DccCredential extends CredentialBase {
  readonly kind: 'dcc';
  readonly authenticity: 'signed-valid' | 'invalid';
  readonly dcc: DccDiagnostics;
  /** Vaccinations, tests and recoveries the certificate states. */
  readonly embeddedFacts: PersonFacts;
}

export interface PassCredential extends CredentialBase {
  readonly kind: 'pass';
  readonly authenticity: 'signed-valid' | 'invalid';
  readonly identifiers: PersonIdentifiers & { readonly id12: string };
  readonly pass: {
    readonly version: number;
    readonly keyId: string;
    /** ISO 8601 instants. */
    readonly issuedAt: string;
    readonly expiresAt: string;
  };
  /** The hub's signed copy of the person's facts, if the pass carries one. */
  readonly embeddedFacts?: PersonFacts;
  /** A staff badge: the hub's staff member it names (its id12 is all zeros, it names no person). */
  readonly staffId?: string;
}

export interface ManualCredential extends CredentialBase {
  readonly kind: 'manual';
  readonly authenticity: 'manual';
}

/**
 * A chip ID card read by a chip card reader (domain/credentials/chip-credential.ts): the
 * identifiers and printed facts come from the chip (DG13, the MRZ), and how far they can be
 * trusted from passive authentication (and active authentication, when the chip has it).
 */
export interface ChipCredential extends CredentialBase {
  readonly kind: 'chip';
  readonly authenticity: 'chip-verified' | 'unsigned' | 'invalid';
  /** How the chip was opened and what its checks found: codes, no personal data. */
  readonly chip: ChipCheck;
  /**
   * The document signer certificate that signed the chip's data, as the entry log keeps it
   * (domain/entries/document-signer-id.ts): absent when the chip's EF.SOD names none.
   */
  readonly documentSigner?: string;
}

/** What a chip read proved, as Verdict.chip and the logs name it. */
export interface ChipCheck {
  readonly accessPath: 'pace-can' | 'pace-mrz' | 'bac';
  readonly passive: 'chip-verified' | 'chip-integrity-only' | 'chip-altered' | 'chip-unverified';
  /** Active authentication: absent when the chip offers none or it could not be checked. */
  readonly active?: 'passed' | 'failed';
}

export type Credential = CccdQrCredential | BhytQrCredential | DccCredential | PassCredential | ManualCredential | ChipCredential;

export interface ParseError {
  readonly kind: 'error';
  /** Stable code, e.g. `scan.empty`, `cccd.id-format`. */
  readonly code: string;
  readonly message: Bilingual;
  /** What the input looked like, when that much was recognised (e.g. an `HC1:` prefix). */
  readonly credentialKind?: CredentialKind;
  /** How far a DCC got before it failed. */
  readonly dcc?: DccDiagnostics;
}

export function isParseError(value: Credential | ParseError): value is ParseError {
  return value.kind === 'error';
}
