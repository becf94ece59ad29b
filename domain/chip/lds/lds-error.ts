import { DerError } from '../der.js';
import { TlvError } from '../tlv.js';

/** The files of the logical data structure (ICAO 9303-10) this code reads. */
export type LdsFile = 'EF.COM' | 'EF.SOD' | `DG${number}`;

/**
 * A file read from the chip that is not what ICAO 9303-10 (or, for DG13, the Vietnamese
 * layout) says it is. Every parser of a data group throws only this, naming the file, so a
 * caller can say which file was unreadable without knowing the encoding layers beneath.
 */
export class LdsError extends Error {
  override readonly name = 'LdsError';
  constructor(
    readonly file: LdsFile,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** Runs a parser of `file`, turning the TLV and DER layers' errors (and a RangeError from decoding) into an LdsError naming it. */
export function parsingFile<T>(file: LdsFile, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof LdsError) throw error;
    if (error instanceof TlvError || error instanceof DerError || error instanceof RangeError) {
      // "DG13 version: …" from a layer below reads "DG13: version: …", not "DG13: DG13 version: …".
      const message = error.message.startsWith(`${file} `) ? error.message.slice(file.length + 1) : error.message;
      throw new LdsError(file, message, { cause: error });
    }
    throw error;
  }
}
