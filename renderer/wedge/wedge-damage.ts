/**
 * Signs that a keyboard-wedge scan was damaged on its way in. A scanner in keyboard mode
 * sends key positions, not characters: Vietnamese letters come out as their Telex or VNI
 * key sequences (an input method off, or typing them a second time), as the UTF-8 bytes
 * read in a Windows code page ("Nguyá»…n"), as TCVN3 bytes read in code page 1252
 * ("NguyÔn" — Unikey set to the TCVN3 charset), or as U+FFFD. The digits survive — the
 * verdict works from the 12-digit ID — but the name cannot be trusted, and the fix is to
 * switch the scanner to serial (CDC) or HID-POS, which deliver the real UTF-8 bytes.
 *
 * Pure: no DOM. The renderer shows a hint when `damaged`; the core's CCCD parser has its
 * own tolerance (domain/credentials/cccd-qr.ts, reason codes cccd.name-damaged and
 * cccd.sex-damaged), since the renderer may not share code with the domain.
 */

export type DamageSign =
  /** U+FFFD: a byte sequence something could not decode. */
  | 'replacement-char'
  /** UTF-8 bytes of a Vietnamese letter read as Windows-1252/1258 ("á»…", "Ä‘", "Æ°"). */
  | 'utf8-as-codepage'
  /** TCVN3 (ABC) bytes read as Windows-1252: "NguyÔn", "V¨n", "N÷". */
  | 'tcvn3-as-codepage'
  /** Vietnamese letters left as their Telex keys: "Nguyeenx", "Vawn", "Nuwx". */
  | 'telex-keys'
  /** Vietnamese letters left as their VNI keys: "Nguye6n4". */
  | 'vni-keys'
  /** Control characters inside the code (a key the page turned into one). */
  | 'control-char'
  /** A CCCD's sex field is neither "Nam" nor "Nữ". */
  | 'cccd-sex-field';

export interface WedgeDamage {
  readonly damaged: boolean;
  readonly signs: readonly DamageSign[];
  /** CCCD fields where the signs were found (name, sex); empty for other codes. */
  readonly fields: readonly ('name' | 'sex')[];
}

// A UTF-8 lead byte of a Vietnamese letter (C3/C4/C6 for Latin-1 and Latin Extended-A/B,
// E1 for U+1Exx) as code page 1252 or 1258 shows it, followed by a continuation byte
// (80–BF) as those code pages show it.
const LEAD = 'ÃĂÂÄÅÆáâ';
const CONTINUATION =
  '\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178';
// Code page 1258 shows five continuation bytes as combining tone marks: kept out of the
// character class, where they would combine with the character before them.
const UTF8_AS_CODEPAGE = new RegExp(`[${LEAD}](?:[${CONTINUATION}]|\u0300|\u0301|\u0303|\u0309|\u0323)`, 'u');

// TCVN3 puts Vietnamese letters at A1–FF. Read as 1252, lower-case letters become symbols
// (¨ © ª « ¬ soft hyphen ® µ ¸ ¹ × ÷ …) inside words, and some become upper-case accented
// letters after a lower-case one ("NguyÔn"), which no Vietnamese spelling has.
const TCVN3_SYMBOL_IN_WORD = /[A-Za-z][\u00a1-\u00bf\u00d7\u00f7]|[\u00a1-\u00bf\u00d7\u00f7][A-Za-z]/u;
const TCVN3_CAPITAL_AFTER_LOWER = /[a-z\u00e0-\u00ff][\u00c0-\u00de]/u;

// Telex: a circumflex, breve or horn typed as a doubled vowel or a w, đ as dd, and the tone
// as a trailing s f r x j. No Vietnamese syllable contains aa ee oo aw ow uw dd (bar a few
// loan words), and none ends in s f r x j — but a minority name can (Ksor), so a lone
// trailing tone key is not enough.
const TELEX_MARK = /aa|ee|oo|aw|ow|uw|dd/i;
const TELEX_TONE_END = /[aeiouy][sfrxj]$/i;
// VNI: a diacritic typed as a digit after the letter (a6 = â, e1 = é…).
const VNI_DIGIT = /[a-z][1-9]/i;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/** Signs found anywhere in a code: only the unambiguous ones (a URL or a DCC may hold any ASCII). */
function codepageSigns(text: string): DamageSign[] {
  const signs: DamageSign[] = [];
  if (text.includes('\ufffd')) signs.push('replacement-char');
  if (UTF8_AS_CODEPAGE.test(text)) signs.push('utf8-as-codepage');
  if (TCVN3_SYMBOL_IN_WORD.test(text) || TCVN3_CAPITAL_AFTER_LOWER.test(text)) signs.push('tcvn3-as-codepage');
  if (CONTROL.test(text)) signs.push('control-char');
  return signs;
}

/** Signs in a field known to hold Vietnamese words (a CCCD's name or sex): key sequences count too. */
function vietnameseFieldSigns(field: string): DamageSign[] {
  const signs = codepageSigns(field);
  const words = field.split(/\s+/).filter((word) => /^[A-Za-z0-9]+$/.test(word));
  const marked = words.filter((word) => TELEX_MARK.test(word)).length;
  const toneEnds = words.filter((word) => TELEX_TONE_END.test(word)).length;
  if (marked > 0 || toneEnds >= 2) signs.push('telex-keys');
  if (words.some((word) => VNI_DIGIT.test(word))) signs.push('vni-keys');
  return signs;
}

const CCCD_ID = /^\d{12}$/;

/** What damage a framed wedge scan shows. A CCCD QR is checked field by field. */
export function detectWedgeDamage(text: string): WedgeDamage {
  const fields = text.split('|');
  if (fields.length >= 7 && CCCD_ID.test(fields[0]!.trim())) {
    const name = vietnameseFieldSigns(fields[2]!.trim());
    const sexText = fields[4]!.trim().normalize('NFC');
    const sex = sexText === 'Nam' || sexText === 'Nữ' ? [] : [...new Set<DamageSign>(['cccd-sex-field', ...vietnameseFieldSigns(sexText)])];
    const signs = [...new Set([...name, ...sex])];
    const where: ('name' | 'sex')[] = [];
    if (name.length > 0) where.push('name');
    if (sex.length > 0) where.push('sex');
    return { damaged: signs.length > 0, signs, fields: where };
  }
  const signs = codepageSigns(text);
  return { damaged: signs.length > 0, signs, fields: [] };
}
