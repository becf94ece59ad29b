/**
 * Text from outside (a CSV cell, a hub's error message, a card, a USB descriptor) made
 * safe to print to a terminal. Terminals obey what they print: ESC starts sequences that
 * move the cursor, recolour, retitle the window or rewrite what is on screen; C1 controls
 * (U+009B is a one-character CSI) do the same; NUL and backspace hide text; a bidi override
 * reorders a line so it reads as something else; a new line inside a cell could fake a
 * line of the command's own. Every CLI path that prints such text passes it through here.
 *
 * Characters are escaped, not dropped, so the operator sees that they were there:
 * `\n`, `\r`, `\t`, `\xHH` (other C0 and C1 controls, DEL), `\u{HHHH}` (format characters
 * such as bidi controls and zero-width characters, separators, lone surrogates).
 */

// Cc: C0, DEL, C1. Cf: bidi embeddings, overrides, isolates and marks, zero-width
// characters, BOM. Zl, Zp: separators. Cs: a surrogate half on its own.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_EXCEPT_NEWLINE = /(?![\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// What JSON.stringify leaves as it is: DEL, C1 controls, format characters, separators, lone surrogates.
const UNSAFE_IN_JSON = /[\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One line's worth of outside text: every control escaped, new lines included. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * A message of several lines (the command's own line breaks kept): every other control
 * escaped. For a whole error message whose parts may have come from outside.
 */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_EXCEPT_NEWLINE, escapeOne);
}

/**
 * JSON for a terminal: `JSON.stringify` escapes C0 controls but leaves DEL, C1 controls,
 * bidi and other format characters as they are; those are written as `\uHHHH` escapes
 * too, so the line parses to the very same value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  // Per UTF-16 unit, so a character beyond the BMP becomes its surrogate pair, as JSON writes it.
  const escapeUnits = (char: string): string => [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, escapeUnits);
}
