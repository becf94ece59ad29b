import { hexOf } from './bytes.js';

/**
 * ISO/IEC 7816-4 command and response APDUs, as the eMRTD protocols use them. Card I/O is
 * always through a `Transmit` port (command bytes in, response data ‖ SW1 SW2 out), so the
 * protocol code runs against scripted cards in tests and a PC/SC reader in the kiosk alike.
 */
export type Transmit = (command: Uint8Array) => Promise<Uint8Array>;

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Lc is its length); absent or empty for cases 1 and 2. */
  readonly data?: Uint8Array;
  /**
   * Bytes expected back (Ne), 1…65 536; absent for cases 1 and 3. 256 is encoded as short
   * Le 00 ("up to 256") and 65 536 as extended Le 0000.
   */
  readonly le?: number;
}

export interface ResponseApdu {
  readonly data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

/** Status words the eMRTD protocols meet (ISO/IEC 7816-4 §5.6, ICAO 9303-11). */
export const SW = {
  OK: 0x9000,
  END_OF_FILE_BEFORE_LE: 0x6282,
  VERIFICATION_FAILED: 0x6300,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  SM_DATA_OBJECTS_INCORRECT: 0x6988,
  INCORRECT_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  INCORRECT_P1_P2: 0x6a86,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  WRONG_P1_P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/** 6Cxx: wrong Le; SW2 is the number of bytes actually available. */
export function isWrongLe(sw: number): boolean {
  return sw >>> 8 === 0x6c;
}

const DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [SW.OK, 'success'],
  [SW.END_OF_FILE_BEFORE_LE, 'end of file reached before Le bytes'],
  [SW.VERIFICATION_FAILED, 'verification failed'],
  [SW.WRONG_LENGTH, 'wrong length'],
  [SW.SECURITY_STATUS_NOT_SATISFIED, 'security status not satisfied'],
  [SW.CONDITIONS_NOT_SATISFIED, 'conditions of use not satisfied'],
  [SW.SM_DATA_OBJECTS_INCORRECT, 'incorrect secure messaging data objects'],
  [SW.INCORRECT_DATA, 'incorrect parameters in the data field'],
  [SW.FILE_NOT_FOUND, 'file or application not found'],
  [SW.INCORRECT_P1_P2, 'incorrect parameters P1-P2'],
  [SW.REFERENCED_DATA_NOT_FOUND, 'referenced data not found'],
  [SW.WRONG_P1_P2, 'wrong parameters P1-P2 (offset beyond the file)'],
  [SW.INS_NOT_SUPPORTED, 'instruction not supported'],
  [SW.CLA_NOT_SUPPORTED, 'class not supported'],
]);

/** "6A82 file or application not found": for errors and logs (status words carry no personal data). */
export function describeStatus(sw: number): string {
  const code = hexOf(Uint8Array.of(sw >>> 8, sw & 0xff));
  if (isWrongLe(sw)) return `${code} wrong Le, ${sw & 0xff} bytes available`;
  return `${code} ${DESCRIPTIONS.get(sw) ?? 'unexpected status'}`;
}

/** The card answered, but not with success: the status word and what was being done. */
export class ChipError extends Error {
  override readonly name = 'ChipError';
  constructor(
    readonly sw: number,
    readonly operation: string,
  ) {
    super(`${operation}: ${describeStatus(sw)}`);
  }
}

/** The card's (or reader's) bytes make no sense as a response: too short, malformed, inconsistent. */
export class ChipProtocolError extends Error {
  override readonly name = 'ChipProtocolError';
  constructor(
    readonly operation: string,
    detail: string,
  ) {
    super(`${operation}: ${detail}`);
  }
}

export interface EncodeOptions {
  /**
   * Extended length (Lc up to 65 535, Ne up to 65 536) is used only when the command needs
   * it and the card allows it (its historical bytes or EF.ATR/INFO say so); short is the
   * default because every eMRTD supports it.
   */
  readonly extendedLengthAllowed?: boolean;
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${what} ${value} is not a byte`);
}

/** The command's bytes: case 1–4, short unless the lengths need extended and it is allowed. */
export function encodeCommand(command: CommandApdu, options: EncodeOptions = {}): Uint8Array {
  checkByte(command.cla, 'CLA');
  checkByte(command.ins, 'INS');
  checkByte(command.p1, 'P1');
  checkByte(command.p2, 'P2');
  const data = command.data ?? new Uint8Array();
  const le = command.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > 65536)) throw new RangeError(`Le ${le} is not 1…65536`);
  if (data.length > 65535) throw new RangeError(`command data of ${data.length} bytes`);
  const extended = data.length > 255 || (le ?? 0) > 256;
  if (extended && options.extendedLengthAllowed !== true) {
    throw new RangeError(`command needs extended length (Lc ${data.length}, Le ${le ?? 'none'}) and the card does not allow it`);
  }
  const bytes = [command.cla, command.ins, command.p1, command.p2];
  if (!extended) {
    if (data.length > 0) bytes.push(data.length, ...data);
    if (le !== undefined) bytes.push(le === 256 ? 0 : le);
    return Uint8Array.from(bytes);
  }
  // Extended: one 00 byte, then Lc and Le as two bytes each; Le drops its 00 when Lc is present.
  bytes.push(0);
  if (data.length > 0) bytes.push(data.length >>> 8, data.length & 0xff, ...data);
  if (le !== undefined) bytes.push((le === 65536 ? 0 : le) >>> 8, le & 0xff);
  return Uint8Array.from(bytes);
}

/**
 * The command `bytes` encode (the inverse of encodeCommand, short and extended): lets a
 * protocol written against the plain Transmit port (active authentication) run through a
 * secure-messaging session. RangeError when the bytes are not one well-formed command.
 */
export function decodeCommand(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new RangeError(`a command of ${bytes.length} bytes has no header`);
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const header = { cla, ins, p1, p2 };
  if (bytes.length === 4) return header;
  const b4 = bytes[4] ?? 0;
  if (bytes.length === 5) return { ...header, le: b4 === 0 ? 256 : b4 };
  if (b4 !== 0) {
    const data = bytes.slice(5, 5 + b4);
    const rest = bytes.length - 5 - b4;
    if (rest === 0) return { ...header, data };
    if (rest === 1) return { ...header, data, le: bytes[5 + b4] || 256 };
    throw new RangeError(`short command with Lc ${b4} has ${rest} bytes after its data`);
  }
  const two = (at: number): number => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
  if (bytes.length === 7) return { ...header, le: two(5) || 65536 };
  const lc = two(5);
  const data = bytes.slice(7, 7 + lc);
  const rest = bytes.length - 7 - lc;
  if (lc > 0 && rest === 0) return { ...header, data };
  if (lc > 0 && rest === 2) return { ...header, data, le: two(7 + lc) || 65536 };
  throw new RangeError(`extended command of ${bytes.length} bytes is malformed`);
}

/** Response data and status word; ChipProtocolError when there is not even a status word. */
export function parseResponse(bytes: Uint8Array, operation: string): ResponseApdu {
  if (bytes.length < 2) throw new ChipProtocolError(operation, `response of ${bytes.length} bytes has no status word`);
  const sw = ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0);
  return { data: bytes.slice(0, bytes.length - 2), sw };
}

/** The data of a successful response; ChipError for any other status. */
export function requireOk(response: ResponseApdu, operation: string): Uint8Array {
  if (response.sw !== SW.OK) throw new ChipError(response.sw, operation);
  return response.data;
}
