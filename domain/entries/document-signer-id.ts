import type { DocumentSignerIdentity } from '../chip/read-chip.js';
import { hasInvisibleCharacters, visibleText } from '../text/visible-text.js';

/**
 * The one text an entry keeps of the document signer certificate that signed a chip ID
 * card's EF.SOD: `<issuer DN text>#<serial hex>`, e.g. `C=VN, O=Bộ Công an, CN=CSCA-DS 3#0a1b`.
 * The issuer and serial name the certificate (RFC 5280 §4.1.2.2): enough for an investigator
 * to find every entry vouched for by a signer that turns out compromised, nothing about the
 * person. It is read from the card, so the card chooses it: a card that fails passive
 * authentication may carry any bytes there. Hence one function makes it, bounded and
 * visible, and the hub checks every uploaded one against the same limits
 * (entry-fields.ts: documentSignerProblem).
 */

export const DOCUMENT_SIGNER_LIMITS = {
  /** Characters (code points) of the issuer's name kept; a real one is well under 200. */
  maxIssuerChars: 320,
  /** Hex digits of the serial kept: RFC 5280 caps a serial at 20 octets (40 digits). */
  maxSerialHexDigits: 64,
  /** The whole text: issuer, '#', serial and the marks of a cut. */
  maxChars: 400,
} as const;

/** What marks a part cut to its bound. */
export const CUT_MARK = '…';

/** `#`, the serial in lowercase hex, possibly cut, at the end of the text. */
export const DOCUMENT_SIGNER_SERIAL = /#[0-9a-f]{1,64}…?$/u;

/**
 * The entry's text for a document signer: the issuer made visible (visible-text.ts: no
 * control, bidi or zero-width characters, NFC, one space between words) and cut to
 * maxIssuerChars, then `#` and the serial's hex digits in lowercase, cut to
 * maxSerialHexDigits. A cut part ends with `…`. An issuer with nothing visible left is `?`,
 * a serial with no hex digit `0`, so the text always has both parts.
 */
export function documentSignerId(identity: DocumentSignerIdentity): string {
  const issuer = cut(visibleText(identity.issuer), DOCUMENT_SIGNER_LIMITS.maxIssuerChars) || '?';
  const serial = cut(identity.serialNumber.toLowerCase().replace(/[^0-9a-f]/g, ''), DOCUMENT_SIGNER_LIMITS.maxSerialHexDigits) || '0';
  return `${issuer}#${serial}`;
}

/** Why `text` is not one documentSignerId could have made, or undefined. */
export function documentSignerTextProblem(text: string): string | undefined {
  const chars = text.length > DOCUMENT_SIGNER_LIMITS.maxChars * 2 ? Infinity : [...text].length;
  if (chars > DOCUMENT_SIGNER_LIMITS.maxChars) return `must be at most ${DOCUMENT_SIGNER_LIMITS.maxChars} characters`;
  if (hasInvisibleCharacters(text)) return 'must hold no control, bidi or other invisible characters';
  const serial = DOCUMENT_SIGNER_SERIAL.exec(text);
  if (serial === null || serial.index === 0) return "must be the signer's issuer, '#' and its serial number in lowercase hex";
  return undefined;
}

/** `text` cut to `max` code points, the last one replaced by the cut mark when it is cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}${CUT_MARK}`;
}
