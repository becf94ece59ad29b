import type { Bilingual } from '../text/bilingual.js';

export type CredentialKind = 'cccd-qr' | 'bhyt-qr' | 'chip' | 'pass' | 'dcc' | 'manual';

/** How far the credential itself can be trusted. */
export type Authenticity = 'signed-valid' | 'chip-verified' | 'unsigned' | 'invalid';

/** Identifiers a person can be looked up by. Names are never identifiers. */
export interface PersonIdentifiers {
  /** 12-digit citizen ID (CCCD / Căn cước / personal identification number). */
  readonly id12?: string;
  /** Old 9-digit ID card number (CMND). */
  readonly oldId9?: string;
}

/** What staff see to match the card to the person. Shown, never stored at the kiosk. */
export interface SubjectDisplay {
  readonly name?: string;
  /** YYYY-MM-DD */
  readonly birthDate?: string;
  readonly sex?: 'Nam' | 'Nữ';
}

export interface CccdQrCredential {
  readonly kind: 'cccd-qr';
  readonly authenticity: 'unsigned';
  readonly identifiers: PersonIdentifiers & { readonly id12: string };
  readonly subject: SubjectDisplay;
  /** YYYY-MM-DD */
  readonly issueDate: string;
  /** Fields newer cards append after the seventh; kept, not interpreted. */
  readonly extraFields: readonly string[];
}

/** The credential union grows with each reader (BHYT, chip, pass, DCC, manual). */
export type Credential = CccdQrCredential;

export interface ParseError {
  readonly kind: 'error';
  /** Stable code, e.g. `scan.empty`, `cccd.id-format`. */
  readonly code: string;
  readonly message: Bilingual;
}

export function isParseError(value: Credential | ParseError): value is ParseError {
  return value.kind === 'error';
}
