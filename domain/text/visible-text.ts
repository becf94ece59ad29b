/**
 * Text from outside (a card, a certificate, a USB descriptor) made safe to show. Such text
 * may carry characters that draw nothing but change what the rest looks like: bidi
 * overrides and isolates (U+202E turns "Nguyễn An" into "nA nễyugN" and can make a name
 * pass for another), zero-width spaces and joiners, a byte-order mark, soft hyphens,
 * control characters, line and paragraph separators. Staff compare the name on screen
 * with the person in front of them, so none of these may reach the screen.
 */

// Unicode categories Cc (controls), Cf (format: bidi marks, embeddings, overrides and
// isolates, zero-width characters, BOM, soft hyphen…), Zl and Zp (line and paragraph
// separators), and the Default_Ignorable_Code_Point property, which adds invisible
// characters of other categories (Hangul fillers, combining grapheme joiner, variation
// selectors). One character class: linear, whatever the input.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
// Controls and separators that break a line stand for a space; the others are simply dropped.
const BREAKS_ALL = /[\t\n\v\f\r\u0085\u2028\u2029]/gu;
const SPACES = /\s+/gu;
const LETTER = /\p{L}/u;

/** Whether `text` holds any character visibleText removes. */
export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE.test(text);
}

/**
 * `text` without invisible characters (see above), in NFC, with runs of white space
 * made one space and the ends trimmed. Every parser that produces something shown on
 * screen passes it through here, so no displayed field can carry one.
 */
export function visibleText(text: string): string {
  return text.replace(BREAKS_ALL, ' ').replace(INVISIBLE_ALL, '').normalize('NFC').replace(SPACES, ' ').trim();
}

/**
 * Whether a name has something a person can read: at least one letter. A name made only of
 * combining marks, digits or punctuation is not a name, however it renders.
 */
export function hasLetter(text: string): boolean {
  return LETTER.test(text);
}
