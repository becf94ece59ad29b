import { bytesEqual } from '../bytes.js';
import { decodeSmallInteger, DER, derChildren, encodeOid, expectTag } from '../der.js';
import { readTlv, readTlvs, type Tlv } from '../tlv.js';
import { visibleText } from '../../text/visible-text.js';
import { LdsError, parsingFile } from './lds-error.js';

/**
 * DG13 of the Vietnamese chip ID card (CCCD / Căn cước): the facts printed on the card, as
 *   6D { SEQUENCE { INTEGER 1, OID 1.0.10646.1.0.8, SET { SEQUENCE { INTEGER n, value }… } } }
 * The layout is not published; it follows public reverse-engineering of real cards (as the
 * test card emulator's sample does). Fields are read by their number, never by position or
 * byte prefix; a number this code does not know, or a value of an unexpected shape, is kept
 * as unknown rather than refused, because a card issued later may add or change fields.
 * Every value is text from outside: UTF-8, bounded, and cleaned of control and bidi
 * characters (domain/text/visible-text.ts) before anything can show it. DG13 holds personal
 * data: it is shown, never stored or logged.
 */
export interface VietnameseDg13 {
  /** 1: the 12-digit personal identification number. */
  readonly id12?: string;
  /** 2: full name. */
  readonly fullName?: string;
  /** 3: birth date as printed (dd/mm/yyyy). */
  readonly birthDate?: string;
  /** 4: "Nam" / "Nữ" as printed. */
  readonly sex?: string;
  /** 5–10. */
  readonly nationality?: string;
  readonly ethnicity?: string;
  readonly religion?: string;
  readonly placeOfOrigin?: string;
  readonly placeOfResidence?: string;
  readonly identifyingMarks?: string;
  /** 11, 12: as printed (dd/mm/yyyy; an expiry may be words, e.g. "Không thời hạn"). */
  readonly issueDate?: string;
  readonly expiryDate?: string;
  /** 13: { father, mother }. */
  readonly fatherName?: string;
  readonly motherName?: string;
  /** 14: { spouse }. */
  readonly spouseName?: string;
  /** 15: the old 9-digit ID card number (CMND). */
  readonly oldId9?: string;
  /** 16: a 16-character value of unknown meaning, kept as read. */
  readonly field16?: string;
  /** Fields of numbers not listed above, or of an unexpected shape: kept, not interpreted. */
  readonly unknownFields: readonly UnknownDg13Field[];
}

export interface UnknownDg13Field {
  readonly number: number;
  /** The value's encoding (tag, length, value) as read. */
  readonly encoded: Uint8Array;
}

/** The Vietnamese DG13's object identifier, 1.0.10646.1.0.8 (as on the cards; ISO/IEC 10646 UTF-8). */
export const VIETNAMESE_DG13_OID = '1.0.10646.1.0.8';
/** The longest value accepted, in UTF-8 bytes: an address is some 200; a value beyond this is not a field of a card. */
export const MAX_DG13_VALUE_BYTES = 1024;
/** More fields than this is not a card's DG13. */
const MAX_DG13_FIELDS = 64;

const TEXT_TAGS: ReadonlySet<number> = new Set([DER.UTF8_STRING, DER.PRINTABLE_STRING, 0x16 /* IA5String */]);
const SINGLE_FIELDS = {
  1: 'id12',
  2: 'fullName',
  3: 'birthDate',
  4: 'sex',
  5: 'nationality',
  6: 'ethnicity',
  7: 'religion',
  8: 'placeOfOrigin',
  9: 'placeOfResidence',
  10: 'identifyingMarks',
  11: 'issueDate',
  12: 'expiryDate',
  15: 'oldId9',
  16: 'field16',
} as const satisfies Record<number, keyof VietnameseDg13>;
/** Fields whose value is a SEQUENCE of texts, and the names of its members in order. */
const GROUP_FIELDS = {
  13: ['fatherName', 'motherName'],
  14: ['spouseName'],
} as const satisfies Record<number, readonly (keyof VietnameseDg13)[]>;

type Mutable = { -readonly [K in keyof VietnameseDg13]?: VietnameseDg13[K] };

export function parseVietnameseDg13(bytes: Uint8Array): VietnameseDg13 {
  return parsingFile('DG13', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== 0x6d) throw new LdsError('DG13', `starts with tag ${outer.tag.toString(16)}, not 6D`);
    const [version, oid, set] = derChildren(readTlv(outer.value), DER.SEQUENCE, 'DG13');
    if (version === undefined || oid === undefined || set === undefined) throw new LdsError('DG13', 'the sequence lacks its version, identifier or field set');
    if (decodeSmallInteger(expectTag(version, DER.INTEGER, 'DG13 version').value, 'DG13 version') !== 1) throw new LdsError('DG13', 'version is not 1');
    if (!bytesEqual(expectTag(oid, DER.OBJECT_IDENTIFIER, 'DG13 identifier').value, encodeOid(VIETNAMESE_DG13_OID))) {
      throw new LdsError('DG13', 'not the Vietnamese DG13 (another object identifier)');
    }
    const fields = derChildren(set, DER.SET, 'DG13 fields');
    if (fields.length > MAX_DG13_FIELDS) throw new LdsError('DG13', `${fields.length} fields`);
    const out: Mutable = {};
    const unknownFields: UnknownDg13Field[] = [];
    const seen = new Set<number>();
    for (const field of fields) {
      const [numberTlv, value, ...extra] = derChildren(field, DER.SEQUENCE, 'DG13 field');
      if (numberTlv === undefined) throw new LdsError('DG13', 'a field without its number');
      const number = decodeSmallInteger(expectTag(numberTlv, DER.INTEGER, 'DG13 field number').value, 'DG13 field number');
      // A number twice would let a second value silently replace the first: refuse the file.
      if (seen.has(number)) throw new LdsError('DG13', `field ${number} appears twice`);
      seen.add(number);
      const encoded = field.value.subarray(numberTlv.end);
      if (value === undefined || extra.length > 0 || !assign(out, number, value)) unknownFields.push({ number, encoded });
    }
    return { ...out, unknownFields };
  });
}

/** Sets the field `number` from `value`; false when the number or the value's shape is not known. */
function assign(out: Mutable, number: number, value: Tlv): boolean {
  if (number in SINGLE_FIELDS) {
    const text = textOf(value);
    if (text === undefined) return false;
    out[SINGLE_FIELDS[number as keyof typeof SINGLE_FIELDS]] = text;
    return true;
  }
  if (number in GROUP_FIELDS) {
    if (value.tag !== DER.SEQUENCE) return false;
    const names = GROUP_FIELDS[number as keyof typeof GROUP_FIELDS];
    const members = readTlvs(value.value);
    if (members.length > names.length) return false;
    const texts = members.map(textOf);
    if (texts.some((text) => text === undefined)) return false;
    texts.forEach((text, i) => {
      const name = names[i];
      // An empty member (a parent not recorded) is left out, not shown as an empty name.
      if (name !== undefined && text !== undefined && text !== '') out[name] = text;
    });
    return true;
  }
  return false;
}

/** A text value made safe to show, or undefined when it is not text (then the field is kept as unknown). */
function textOf(value: Tlv): string | undefined {
  if (!TEXT_TAGS.has(value.tag)) return undefined;
  if (value.value.length > MAX_DG13_VALUE_BYTES) throw new LdsError('DG13', `a value of ${value.value.length} bytes (at most ${MAX_DG13_VALUE_BYTES})`);
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(value.value);
  } catch {
    throw new LdsError('DG13', 'a value is not UTF-8');
  }
  return visibleText(decoded);
}
