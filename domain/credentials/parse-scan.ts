import { MAX_SCAN_CHARS } from '../scan/scan-event.js';
import { parseCccdQr } from './cccd-qr.js';
import type { Credential, ParseError } from './credential.js';
import { scanError as parseError } from './parse-errors.js';

// C0 controls other than TAB, CR and LF, plus DEL: no card or code we read contains them.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The single entry point from a scanned payload to a credential. Never throws;
 * every failure is a ParseError with a stable code and text in both languages.
 */
export function parseScan(input: string | Uint8Array): Credential | ParseError {
  if (typeof input !== 'string' && input.length > MAX_SCAN_CHARS * 4) return parseError('scan.too-long');
  const raw = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (raw.length > MAX_SCAN_CHARS) return parseError('scan.too-long');
  // String.prototype.trim is linear and also strips a byte-order mark; a regex here could backtrack.
  const text = raw.trim();
  if (text === '') return parseError('scan.empty');
  if (CONTROL_CHARACTERS.test(text)) return parseError('scan.control-characters');
  if (text.includes('|')) return parseCccdQr(text);
  return parseError('scan.unrecognised');
}
