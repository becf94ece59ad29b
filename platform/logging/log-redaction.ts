/**
 * What a log may never hold: the personal data of the people who pass a gate. Callers are
 * asked to log codes and counts, not card contents; this pass is the net under them, run by
 * the logger on every message and field before any sink sees it.
 *
 * - A run of 9 or more digits could be an ID (CCCD 12, CMND 9, BHXH 10, a phone number), also
 *   typed in groups (`056 089 001 234`), as could a health-insurance card number (two letters,
 *   then digits: `DN4797912345678`): it becomes `••••` and its last 4 digits, enough to tell two
 *   apart in a log and no more. A digit run inside a hexadecimal token (a device id, a hash)
 *   is not an ID and is kept, so the kiosk's own identifiers stay greppable; so is a number
 *   followed by a unit (`523456789 bytes`, `… ms`).
 * - A card's text (CCCD and BHYT QR codes are `|`-separated and carry names, birth dates and
 *   addresses) and signed payloads (`HC1:` carries a name, `CHOT1:` an ID) are withheld whole.
 * - A field whose name says it is personal (name, fullName, address, birth…, photo…) keeps
 *   its name, for the reader to see what was refused, but not its value.
 * - Long texts are cut (after the redaction, so a cut never splits an ID out of its mask).
 *
 * Escaping for terminals is the sinks' work (each escapes for its own format).
 */

export const REDACTED_ID_PREFIX = '••••';
/** What stands for a field refused for its name. */
export const WITHHELD = '[withheld: personal data]';
/** What stands for a card's `|`-separated text. */
export const CARD_TEXT_WITHHELD = '[card text withheld]';

export const MAX_MESSAGE_CHARS = 4000;
export const MAX_VALUE_CHARS = 1000;

export type RedactedValue = string | number | boolean | null;
export type RedactedFields = Readonly<Record<string, RedactedValue>>;

// Hex characters around a digit run: part of a hash or a device id, not an ID on its own.
// Nor is a size or a duration: an ID is never followed by a unit (a snapshot's byte count
// must stay readable, and benchmarks read it).
const DIGIT_RUN = /(?<![0-9A-Fa-f])\d(?: ?\d){8,}(?![0-9A-Fa-f])(?! ?(?:bytes|ms)\b)/g;
// A BHYT number: two capital letters (the beneficiary's group) glued to its digits.
const LETTERS_AND_DIGITS = /(?<![\p{L}\p{N}])[A-Z]{2}\d{8,}(?![\p{L}\p{N}])/gu;
// From the token before a card's first `|` to the token after its last one, on one line.
const CARD_TEXT = /[^\s|]*\|[^\n]*\|[^\s|]*/g;
const SIGNED_PAYLOAD = /\b(HC1|CHOT1):\S*/g;
// Field names, lower-cased and without separators, that denote a person's data.
const PERSONAL_FIELD = /^name|name$|address|birth|^dob$|photo|portrait|picture|phone|email|^sex$|gender/;

function maskDigits(match: string): string {
  const digits = match.replace(/\D/g, '');
  return `${REDACTED_ID_PREFIX}${digits.slice(-4)}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A message or a field value with IDs masked and card texts withheld. */
export function redactText(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const redacted = text
    .replace(SIGNED_PAYLOAD, (_match, kind: string) => `${kind}:[withheld]`)
    .replace(CARD_TEXT, CARD_TEXT_WITHHELD)
    .replace(LETTERS_AND_DIGITS, maskDigits)
    .replace(DIGIT_RUN, maskDigits);
  return cut(redacted, max);
}

/** Whether a field's name says its value is a person's data. */
export function isPersonalFieldName(name: string): boolean {
  return PERSONAL_FIELD.test(name.toLowerCase().replace(/[^a-z]/g, ''));
}

/**
 * Fields as a sink may write them: personal ones withheld, text values redacted, numbers
 * kept (a 12-digit number is masked like a text: it could be an ID), undefined ones left out.
 */
export function redactFields(fields: Readonly<Record<string, unknown>>): RedactedFields {
  const out: Record<string, RedactedValue> = {};
  for (const [rawName, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const name = redactText(rawName, 64);
    if (isPersonalFieldName(rawName)) {
      out[name] = WITHHELD;
      continue;
    }
    if (typeof value === 'number') out[name] = Number.isSafeInteger(value) && Math.abs(value) >= 100_000_000 ? redactText(String(value)) : value;
    else if (typeof value === 'boolean' || value === null) out[name] = value;
    else out[name] = redactText(String(value), MAX_VALUE_CHARS);
  }
  return out;
}
