import { MAX_SCAN_CHARS } from '../scan/scan-event.js';
import { parseBhytQr } from './bhyt-qr.js';
import { parseCccdQr } from './cccd-qr.js';
import type { Credential, ParseError } from './credential.js';
import { isDccCandidate, parseDcc } from './dcc/parse-dcc.js';
import { isManualEntryCandidate, parseManualEntry } from './manual-entry.js';
import { scanError } from './parse-errors.js';
import { isPassCandidate, parsePass } from './pass/parse-pass.js';
import { detectStartMissing, startMissingError } from './split-scan.js';
import type { VerificationContext } from './verification.js';

// C0 controls other than TAB, CR and LF, plus DEL: no card or code we read contains them.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The single entry point from a scanned payload to a credential: recognises the format,
 * parses it, and authenticates what can be authenticated through `context`. Never
 * throws and never backtracks; oversized input is refused before any work is done.
 * Every failure is a ParseError with a stable code and text in both languages.
 */
export function parseScan(input: string | Uint8Array, context: VerificationContext): Credential | ParseError {
  if (input.length > MAX_SCAN_CHARS * (typeof input === 'string' ? 1 : 4)) return scanError('scan.too-long');
  let raw: string;
  if (typeof input === 'string') raw = input;
  else {
    try {
      raw = STRICT_UTF8.decode(input);
    } catch {
      return scanError('scan.not-utf8');
    }
  }
  if (raw.length > MAX_SCAN_CHARS) return scanError('scan.too-long');
  // String.prototype.trim is linear and also strips a byte-order mark; a regex here could backtrack.
  const text = raw.trim();
  if (text === '') return scanError('scan.empty');
  if (CONTROL_CHARACTERS.test(text)) return scanError('scan.control-characters');

  if (isPassCandidate(text)) return parsePass(text, context);
  if (isDccCandidate(text)) return parseDcc(text, context);
  // A tail whose start was lost is refused before any parser judges it as a whole code.
  const startMissing = detectStartMissing(text);
  if (startMissing !== null) return startMissingError(startMissing);
  if (text.endsWith('|$')) return parseBhytQr(text, context.now);
  if (text.includes('|')) return parseCccdQr(text, context.now);
  if (isManualEntryCandidate(text)) return parseManualEntry(text);
  return scanError('scan.unrecognised');
}
