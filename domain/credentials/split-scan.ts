import { isBase45Text } from '../encoding/base45.js';
import type { Bilingual } from '../text/bilingual.js';
import type { ParseError } from './credential.js';
import { errorFrom } from './parse-errors.js';
import { PASS_PREFIX } from './pass/pass-codec.js';

/**
 * A keyboard-wedge scan can lose its start: the scanner's first keys arrive before the page
 * has focus, or the keystroke framer cuts one frame in two. What is left is a tail that a
 * parser could otherwise judge as if it were a whole code ("7890|…" read as a damaged card),
 * so a tail is recognised here, from content alone, and answered with "scan again".
 */
export interface StartMissing {
  /** The format whose start is missing ('unknown': the framer saw the code cut, whatever it was). */
  readonly format: 'cccd-qr' | 'pass' | 'unknown';
  /** Characters lost before the tail, when the format makes that countable. */
  readonly lostChars?: number;
}

const ID12_LENGTH = 12;
const CCCD_FIELDS = 7;
const DIGITS = /^\d*$/;
const DATE8 = /^\d{8}$/;
const OLD_ID9 = /^(\d{9})?$/;

/** Whether `text` is the tail of a known format rather than a whole code; null if it is not recognisably one. */
export function detectStartMissing(text: string): StartMissing | null {
  return cccdTail(text) ?? passTail(text);
}

function cccdTail(text: string): StartMissing | null {
  if (!text.includes('|') || text.endsWith('|$')) return null;
  const fields = text.split('|');
  const first = fields[0] ?? '';
  // The ID field cut: 1–11 of its 12 digits left, every separator still there.
  if (fields.length >= CCCD_FIELDS && first.length > 0 && first.length < ID12_LENGTH && DIGITS.test(first)) {
    return { format: 'cccd-qr', lostChars: ID12_LENGTH - first.length };
  }
  // The whole ID and its separator lost: the old-ID field leads and the birth date sits third.
  if (fields.length === CCCD_FIELDS - 1 && OLD_ID9.test(first) && DATE8.test(fields[2] ?? '')) {
    return { format: 'cccd-qr', lostChars: ID12_LENGTH + 1 };
  }
  return null;
}

function passTail(text: string): StartMissing | null {
  // A proper suffix of `CHOT1:` followed by base45: only the prefix, or part of it, was lost.
  for (let cut = 1; cut < PASS_PREFIX.length; cut += 1) {
    const rest = PASS_PREFIX.slice(cut);
    // "1:" alone is also the tail of a DCC's "HC1:", which bare base45 already reads whole.
    if (rest.length >= 3 && text.startsWith(rest) && text.length > rest.length && isBase45Text(text.slice(rest.length))) {
      return { format: 'pass', lostChars: cut };
    }
  }
  return null;
}

export const SPLIT_SCAN_ERRORS = {
  'scan.start-missing': {
    vi: 'Quét lại: mất phần đầu của mã (máy quét gửi thiếu)',
    en: 'Scan again: the start of the code was lost (the scanner sent it incomplete)',
  },
} as const satisfies Record<string, Bilingual>;

/** The ParseError for a tail: logged as a `none` verdict under its own code, never judged. */
export function startMissingError(found: StartMissing): ParseError {
  return errorFrom(SPLIT_SCAN_ERRORS, 'scan.start-missing', found.format === 'unknown' ? {} : { credentialKind: found.format });
}

const FORMAT_NAMES: Record<StartMissing['format'], Bilingual> = {
  'cccd-qr': { vi: 'mã CCCD', en: 'ID card QR' },
  pass: { vi: 'thẻ Chốt', en: 'Chốt pass' },
  unknown: { vi: 'máy quét dừng giữa mã', en: 'the scanner paused mid-code' },
};

/** What a test scan lost, in both languages, for the diagnostics screen. */
export function describeStartMissing(found: StartMissing): Bilingual {
  const name = FORMAT_NAMES[found.format];
  if (found.lostChars === undefined) return { vi: `thiếu phần đầu ${name.vi}`, en: `start missing from the ${name.en}` };
  return {
    vi: `thiếu phần đầu: ${found.lostChars} ký tự trước phần nhận được (${name.vi})`,
    en: `start missing: ${found.lostChars} characters before what was received (${name.en})`,
  };
}
