import { ChipError, ChipProtocolError, decodeCommand, encodeCommand, isWrongLe, parseResponse, requireOk, SW } from './apdu.js';
import type { CommandApdu, ResponseApdu, Transmit } from './apdu.js';
import { concatBytes } from './bytes.js';
import type { SecureMessaging } from './secure-messaging.js';
import { encodeTlv, readTlv, TlvError, tlvTotalLength } from './tlv.js';

/** The eMRTD application (ICAO 9303-10 §3.9.2): LDS1 data groups, EF.COM and EF.SOD live in it. */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);
export const EF_COM = 0x011e;
export const EF_SOD = 0x011d;
/** In the master file, read in plain before any session: the PACE parameters the card offers. */
export const EF_CARD_ACCESS = 0x011c;

/** Data group n (1…16) has file identifier 01 0n (ICAO 9303-10 §4.6). */
export function dataGroupFid(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new RangeError(`no data group ${n}`);
  return 0x0100 + n;
}

/**
 * Largest chunk per READ BINARY when extended length is not available: the protected response
 * to a 223-byte read is 87 81 E1 01 ‖ 224 cryptogram bytes ‖ 99 02 SW ‖ 8E 08 MAC = 242 bytes,
 * which fits the 256 bytes of a short Le under 3DES and AES alike; 224 bytes would pad to 240
 * under AES and overflow. Plain reads use the same size so behaviour does not change with the
 * session (and many readers and chips cap their buffers near it anyway).
 */
export const DEFAULT_MAX_CHUNK = 0xdf;
/**
 * Files above this are refused: the largest ICAO file is the DG2 photo, a few tens of KB on a
 * Vietnamese CCCD and rarely over 100 KB on a passport; a TLV header promising more is a fault
 * or an attack, and reading it would hold the gate for minutes.
 */
export const DEFAULT_MAX_FILE_SIZE = 256 * 1024;
/** READ BINARY B0 carries the offset in 15 bits of P1-P2; beyond it, B1 with DO 54. */
const MAX_B0_OFFSET = 0x7fff;
/** The first read of a file: enough for the tag and length of any ICAO file (ICAO 9303-11 D.4 reads 4). */
const HEADER_READ = 4;
const MAX_HEADER = 8;

export interface ReadProgress {
  /** Bytes of the file read so far. */
  readonly read: number;
  /** The file's size as its TLV header declares it. */
  readonly total: number;
}

export interface ChipReaderOptions {
  readonly secureMessaging?: SecureMessaging;
  /** Bytes per READ BINARY; at most DEFAULT_MAX_CHUNK unless extended length is allowed. */
  readonly maxChunk?: number;
  readonly maxFileSize?: number;
  /** The card accepts extended length APDUs (from its ATR/ATS or EF.ATR/INFO). */
  readonly extendedLengthAllowed?: boolean;
}

/**
 * Selects and reads the files of an eMRTD over `transmit`, through secure messaging once BAC
 * or PACE has set one. Everything it returns is raw file bytes, unverified: passive
 * authentication (the hashes in EF.SOD) decides whether they can be believed.
 */
export class ChipReader {
  private secureMessaging: SecureMessaging | undefined;
  private readonly maxChunk: number;
  private readonly maxFileSize: number;
  private readonly extendedLengthAllowed: boolean;

  constructor(
    private readonly transmit: Transmit,
    options: ChipReaderOptions = {},
  ) {
    this.secureMessaging = options.secureMessaging;
    this.extendedLengthAllowed = options.extendedLengthAllowed === true;
    this.maxChunk = options.maxChunk ?? DEFAULT_MAX_CHUNK;
    const chunkLimit = this.extendedLengthAllowed ? 0xff00 : DEFAULT_MAX_CHUNK;
    if (!Number.isInteger(this.maxChunk) || this.maxChunk < 8 || this.maxChunk > chunkLimit)
      throw new RangeError(`max chunk ${this.maxChunk} is not 8…${chunkLimit}`);
    this.maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  }

  /** From now on every command goes through this session (after BAC or PACE). */
  useSecureMessaging(secureMessaging: SecureMessaging): void {
    this.secureMessaging = secureMessaging;
  }

  /** One command, protected when a session is set. */
  async send(command: CommandApdu, operation: string): Promise<ResponseApdu> {
    const options = { extendedLengthAllowed: this.extendedLengthAllowed };
    if (this.secureMessaging !== undefined) return this.secureMessaging.send(this.transmit, command, operation, options);
    return parseResponse(await this.transmit(encodeCommand(command, options)), operation);
  }

  /**
   * This reader's channel as a Transmit port: through the session once one is set. For
   * protocols written against Transmit that run after BAC or PACE (active authentication),
   * whose commands the chip refuses, or answers with an error, when they come in plain.
   */
  readonly channel: Transmit = async (bytes) => {
    const command = decodeCommand(bytes);
    const response = await this.send(command, `command ${command.ins.toString(16).toUpperCase().padStart(2, '0')}`);
    return concatBytes(response.data, Uint8Array.of(response.sw >>> 8, response.sw & 0xff));
  };

  async selectApplication(): Promise<void> {
    requireOk(await this.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_AID }, 'SELECT eMRTD application'), 'SELECT eMRTD application');
  }

  /** SELECT EF by file identifier under the current DF, no FCI wanted (00 A4 02 0C). */
  async selectFile(fid: number): Promise<void> {
    const operation = `SELECT EF ${fidText(fid)}`;
    requireOk(await this.send({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >>> 8, fid & 0xff) }, operation), operation);
  }

  /** SELECT then the whole file, as long as its TLV header says. */
  async readFile(fid: number, onProgress?: (progress: ReadProgress) => void): Promise<Uint8Array> {
    await this.selectFile(fid);
    return this.readSelected(`EF ${fidText(fid)}`, onProgress);
  }

  /**
   * EF.CardAccess from the master file, in plain, before any session: the PACE helper reads the
   * PACEInfos from it. Undefined when the card has none (a BAC-only chip). Chips differ on how
   * the MF is selected (with or without 3F00 in the data), so both are tried; after a reset the
   * MF is current anyway.
   */
  async readCardAccess(): Promise<Uint8Array | undefined> {
    const implicit = await this.send({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c }, 'SELECT MF');
    if (implicit.sw !== SW.OK) await this.send({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c, data: Uint8Array.of(0x3f, 0x00) }, 'SELECT MF');
    const operation = `SELECT EF ${fidText(EF_CARD_ACCESS)}`;
    const selected = await this.send({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(EF_CARD_ACCESS >>> 8, EF_CARD_ACCESS & 0xff) }, operation);
    if (selected.sw === SW.FILE_NOT_FOUND || selected.sw === SW.REFERENCED_DATA_NOT_FOUND) return undefined;
    requireOk(selected, operation);
    return this.readSelected(`EF ${fidText(EF_CARD_ACCESS)}`, undefined);
  }

  /**
   * Up to `length` bytes at `offset` of the selected file; fewer at its end (6282). B0 for
   * offsets up to 32 767, B1 with the offset in DO 54 and the data in DO 53 beyond.
   */
  async readBinary(offset: number, length: number): Promise<Uint8Array> {
    const operation = `READ BINARY at ${offset}`;
    if (!Number.isInteger(length) || length < 1 || length > this.chunkAt(offset)) throw new RangeError(`read of ${length} bytes at ${offset}`);
    if (offset <= MAX_B0_OFFSET) {
      let response = await this.send({ cla: 0x00, ins: 0xb0, p1: offset >>> 8, p2: offset & 0xff, le: length }, operation);
      // 6Cxx: the card has fewer bytes there and says how many; ask again for exactly those.
      if (isWrongLe(response.sw) && (response.sw & 0xff) !== 0 && (response.sw & 0xff) < length) {
        response = await this.send({ cla: 0x00, ins: 0xb0, p1: offset >>> 8, p2: offset & 0xff, le: response.sw & 0xff }, operation);
      }
      return checkedData(response, length, operation);
    }
    const offsetObject = encodeTlv(0x54, offsetBytes(offset));
    // Le covers DO 53's tag and length as well as the data.
    const response = await this.send({ cla: 0x00, ins: 0xb1, p1: 0x00, p2: 0x00, data: offsetObject, le: length + do53Overhead(length) }, operation);
    const wrapped = checkedData(response, length + do53Overhead(length), operation);
    if (wrapped.length === 0) return wrapped;
    try {
      const object = readTlv(wrapped);
      if (object.tag !== 0x53 || object.end !== wrapped.length || object.value.length > length) throw new TlvError('not one DO 53 of at most the bytes asked');
      return object.value.slice();
    } catch (error) {
      if (error instanceof TlvError) throw new ChipProtocolError(operation, `odd-INS response: ${error.message}`);
      throw error;
    }
  }

  private async readSelected(what: string, onProgress: ((progress: ReadProgress) => void) | undefined): Promise<Uint8Array> {
    let buffer = await this.readBinary(0, HEADER_READ);
    let total = headerTotal(buffer, what);
    // A header longer than the first read (a 3-byte tag with a 4-byte length): read on to 8 bytes.
    if (total === undefined && buffer.length === HEADER_READ) {
      buffer = concatBytes(buffer, await this.readBinary(HEADER_READ, MAX_HEADER - HEADER_READ));
      total = headerTotal(buffer, what);
    }
    if (total === undefined) throw new ChipProtocolError(`read ${what}`, `file of ${buffer.length} bytes ends inside its TLV header`);
    if (total > this.maxFileSize) throw new ChipProtocolError(`read ${what}`, `TLV header declares ${total} bytes, above the ${this.maxFileSize}-byte cap`);
    const parts = [buffer.subarray(0, Math.min(buffer.length, total))];
    let read = parts[0]?.length ?? 0;
    onProgress?.({ read, total });
    while (read < total) {
      const part = await this.readPart(read, Math.min(this.chunkAt(read), total - read));
      // An empty answer before the declared end: the TLV length lies (or the card stopped early).
      if (part === undefined || part.length === 0) throw new ChipProtocolError(`read ${what}`, `file ends at ${read} bytes, its TLV header declares ${total}`);
      parts.push(part);
      read += part.length;
      onProgress?.({ read, total });
    }
    return concatBytes(...parts);
  }

  /** A read inside the declared length; undefined when the card says the offset is past the file's end (6B00). */
  private async readPart(offset: number, length: number): Promise<Uint8Array | undefined> {
    try {
      return await this.readBinary(offset, length);
    } catch (error) {
      if (error instanceof ChipError && error.sw === SW.WRONG_P1_P2) return undefined;
      throw error;
    }
  }

  /** B1 loses a few bytes of each response to DO 53's header; keep the protected response within bounds. */
  private chunkAt(offset: number): number {
    return offset <= MAX_B0_OFFSET ? this.maxChunk : this.maxChunk - do53Overhead(this.maxChunk);
  }
}

function headerTotal(bytes: Uint8Array, what: string): number | undefined {
  try {
    return tlvTotalLength(bytes);
  } catch (error) {
    if (error instanceof TlvError) throw new ChipProtocolError(`read ${what}`, `not a BER-TLV file: ${error.message}`);
    throw error;
  }
}

/** The response data of a READ BINARY: success or end-of-file, never more than was asked. */
function checkedData(response: ResponseApdu, asked: number, operation: string): Uint8Array {
  if (response.sw !== SW.OK && response.sw !== SW.END_OF_FILE_BEFORE_LE) throw new ChipError(response.sw, operation);
  if (response.data.length > asked) throw new ChipProtocolError(operation, `card returned ${response.data.length} bytes, ${asked} asked`);
  return response.data;
}

function do53Overhead(length: number): number {
  return length < 0x80 ? 2 : length < 0x100 ? 3 : 4;
}

function offsetBytes(offset: number): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffff) throw new RangeError(`offset ${offset}`);
  return offset <= 0xffff ? Uint8Array.of(offset >>> 8, offset & 0xff) : Uint8Array.of(offset >>> 16, (offset >>> 8) & 0xff, offset & 0xff);
}

function fidText(fid: number): string {
  return fid.toString(16).toUpperCase().padStart(4, '0');
}
