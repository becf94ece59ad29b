import type { ChipCrypto } from './chip-crypto.js';
import { ChipError, encodeCommand, parseResponse, SW } from './apdu.js';
import type { CommandApdu, EncodeOptions, ResponseApdu, Transmit } from './apdu.js';
import { bytesEqual, concatBytes } from './bytes.js';
import { blockLengthOf, keyLengthOf } from './kdf.js';
import type { ChipCipher } from './kdf.js';
import { aesCmac, retailMac } from './mac.js';
import { padIso9797, PaddingError, unpadIso9797 } from './padding.js';
import { encodeTlv, readTlvs, TlvError } from './tlv.js';
import type { Tlv } from './tlv.js';

/** What BAC or PACE hands over: session keys and the send sequence counter to start from. */
export interface SessionKeys {
  readonly cipher: ChipCipher;
  readonly kEnc: Uint8Array;
  readonly kMac: Uint8Array;
  /** 8 bytes for 3DES (BAC: RND.IC[4..8] ‖ RND.IFD[4..8]), 16 zero bytes for AES after PACE. */
  readonly ssc: Uint8Array;
}

export type SecureMessagingFailure = 'bad-mac' | 'malformed' | 'unprotected' | 'closed';

/**
 * Secure messaging cannot go on: the response's MAC is wrong, its data objects are malformed,
 * the card answered without protection, or the session already ended. After any of these the
 * send sequence counters of card and terminal may differ, so the session is unusable for good;
 * a new BAC or PACE is the only way back.
 */
export class SecureMessagingError extends Error {
  override readonly name = 'SecureMessagingError';
  constructor(
    readonly reason: SecureMessagingFailure,
    readonly operation: string,
    detail: string,
  ) {
    super(`${operation}: secure messaging ${reason}: ${detail}`);
  }
}

const MAC_LENGTH = 8;

/**
 * ICAO 9303-11 §9.8 secure messaging for both ciphers: 3DES (8-byte SSC, retail MAC, IV zero)
 * and AES (16-byte SSC, AES-CMAC truncated to 8 bytes, IV = E(KSenc, SSC)). Every command and
 * every response increments the SSC first; the MAC covers SSC ‖ padded header ‖ data objects.
 */
export class SecureMessaging {
  private readonly counter: Uint8Array;
  private closed = false;
  private readonly blockLength: 8 | 16;

  constructor(
    private readonly keys: SessionKeys,
    private readonly crypto: ChipCrypto,
  ) {
    const keyLength = keyLengthOf(keys.cipher);
    this.blockLength = blockLengthOf(keys.cipher);
    if (keys.kEnc.length !== keyLength || keys.kMac.length !== keyLength) throw new RangeError(`${keys.cipher} session keys must be ${keyLength} bytes`);
    if (keys.ssc.length !== this.blockLength) throw new RangeError(`${keys.cipher} SSC must be ${this.blockLength} bytes, got ${keys.ssc.length}`);
    this.counter = keys.ssc.slice();
  }

  /** The current send sequence counter (a copy), for tests and diagnostics. */
  get ssc(): Uint8Array {
    return this.counter.slice();
  }

  get usable(): boolean {
    return !this.closed;
  }

  /** Wraps, sends and unwraps one command; a transport failure ends the session (the SSCs may differ). */
  async send(transmit: Transmit, command: CommandApdu, operation: string, options: EncodeOptions = {}): Promise<ResponseApdu> {
    const wrapped = this.wrap(command, operation, options);
    let raw: Uint8Array;
    try {
      raw = await transmit(wrapped);
    } catch (error) {
      this.closed = true;
      throw error;
    }
    return this.unwrap(raw, operation);
  }

  /** The protected command's bytes (ICAO 9303-11 §9.8.4). */
  wrap(command: CommandApdu, operation: string, options: EncodeOptions = {}): Uint8Array {
    this.ensureOpen(operation);
    const before = this.counter.slice();
    try {
      return this.protect(command, options);
    } catch (error) {
      // Nothing was sent, so the card's counter did not move: put ours back.
      this.counter.set(before);
      throw error;
    }
  }

  private protect(command: CommandApdu, options: EncodeOptions): Uint8Array {
    if ((command.cla & 0x0c) !== 0) throw new RangeError(`CLA ${command.cla} already claims secure messaging`);
    this.increment();
    const cla = command.cla | 0x0c;
    const header = Uint8Array.of(cla, command.ins, command.p1, command.p2);
    const data = command.data ?? new Uint8Array();
    const objects: Uint8Array[] = [];
    if (data.length > 0) {
      const encrypted = this.cipher('encrypt', padIso9797(data, this.blockLength));
      // Odd INS (READ BINARY B1) carries BER-TLV data, which goes in DO 85 with no padding-indicator byte.
      objects.push(command.ins % 2 === 1 ? encodeTlv(0x85, encrypted) : encodeTlv(0x87, Uint8Array.of(0x01), encrypted));
    }
    const extendedLe = (command.le ?? 0) > 256;
    if (command.le !== undefined) {
      const le = command.le;
      objects.push(encodeTlv(0x97, extendedLe ? Uint8Array.of((le >>> 8) & 0xff, le & 0xff) : Uint8Array.of(le & 0xff)));
    }
    const mac = this.mac(concatBytes(this.counter, padIso9797(header, this.blockLength), ...objects));
    objects.push(encodeTlv(0x8e, mac));
    const body = concatBytes(...objects);
    const extended = extendedLe || body.length > 255;
    // Le 00 (or 0000): the protected response's length is not known in advance, so ask for all.
    return encodeCommand(
      { cla, ins: command.ins, p1: command.p1, p2: command.p2, data: body, le: extended ? 65536 : 256 },
      { extendedLengthAllowed: extended && options.extendedLengthAllowed === true },
    );
  }

  /** The plain response inside a protected one: DO 8E verified before DO 87/85 is decrypted. */
  unwrap(raw: Uint8Array, operation: string): ResponseApdu {
    this.ensureOpen(operation);
    this.increment();
    if (raw.length < 2) this.fail('malformed', operation, `response of ${raw.length} bytes has no status word`);
    const outer = parseResponse(raw, operation);
    if (outer.data.length === 0) {
      // ISO/IEC 7816-4 and ICAO 9303-11: a card that detects an SM error answers in plain and
      // ends secure messaging. A plain 9000 is a downgrade the terminal must not accept.
      this.closed = true;
      if (outer.sw === SW.OK) throw new SecureMessagingError('unprotected', operation, 'success without data objects or MAC');
      throw new ChipError(outer.sw, `${operation} (unprotected; secure messaging ended)`);
    }
    const objects = this.parseObjects(outer.data, operation);
    const macObject = objects[objects.length - 1];
    if (macObject?.tag !== 0x8e || macObject.value.length !== MAC_LENGTH) this.fail('malformed', operation, 'DO 8E is not the last object or not 8 bytes');
    const expected = this.mac(concatBytes(this.counter, outer.data.subarray(0, macObject.start)));
    if (!bytesEqual(expected, macObject.value)) this.fail('bad-mac', operation, 'response MAC does not verify');
    const covered = objects.slice(0, -1);
    const status = covered.find((tlv) => tlv.tag === 0x99);
    if (status === undefined || status.value.length !== 2) this.fail('malformed', operation, 'DO 99 (status word) missing or not 2 bytes');
    const unknown = covered.find((tlv) => tlv.tag !== 0x85 && tlv.tag !== 0x87 && tlv.tag !== 0x99);
    if (unknown !== undefined) this.fail('malformed', operation, `unexpected data object ${unknown.tag.toString(16)}`);
    const sw = ((status.value[0] ?? 0) << 8) | (status.value[1] ?? 0);
    const encrypted = covered.find((tlv) => tlv.tag === 0x87 || tlv.tag === 0x85);
    return { data: encrypted === undefined ? new Uint8Array() : this.decryptObject(encrypted, operation), sw };
  }

  private decryptObject(object: Tlv, operation: string): Uint8Array {
    let cryptogram = object.value;
    if (object.tag === 0x87) {
      if (cryptogram[0] !== 0x01) this.fail('malformed', operation, 'DO 87 padding-content indicator is not 01');
      cryptogram = cryptogram.subarray(1);
    }
    if (cryptogram.length === 0 || cryptogram.length % this.blockLength !== 0) this.fail('malformed', operation, 'cryptogram is not whole blocks');
    try {
      return unpadIso9797(this.cipher('decrypt', cryptogram)).slice();
    } catch (error) {
      if (error instanceof PaddingError) this.fail('malformed', operation, 'decrypted data is not padded');
      throw error;
    }
  }

  private parseObjects(data: Uint8Array, operation: string): Tlv[] {
    try {
      return readTlvs(data);
    } catch (error) {
      if (error instanceof TlvError) this.fail('malformed', operation, error.message);
      throw error;
    }
  }

  private mac(data: Uint8Array): Uint8Array {
    if (this.keys.cipher === '3DES') return retailMac(this.keys.kMac, data, this.crypto);
    return aesCmac(this.keys.kMac, padIso9797(data, 16), this.crypto).slice(0, MAC_LENGTH);
  }

  private cipher(direction: 'encrypt' | 'decrypt', data: Uint8Array): Uint8Array {
    if (this.keys.cipher === '3DES') return this.crypto.tripleDesCbc(direction, this.keys.kEnc, new Uint8Array(8), data);
    const iv = this.crypto.aesBlock('encrypt', this.keys.kEnc, this.counter);
    return this.crypto.aesCbc(direction, this.keys.kEnc, iv, data);
  }

  /** SSC + 1 as a big-endian counter; it wraps at the top as the cards do. */
  private increment(): void {
    for (let i = this.counter.length - 1; i >= 0; i--) {
      const next = ((this.counter[i] ?? 0) + 1) & 0xff;
      this.counter[i] = next;
      if (next !== 0) break;
    }
  }

  private ensureOpen(operation: string): void {
    if (this.closed) throw new SecureMessagingError('closed', operation, 'session ended by an earlier failure');
  }

  private fail(reason: SecureMessagingFailure, operation: string, detail: string): never {
    this.closed = true;
    throw new SecureMessagingError(reason, operation, detail);
  }
}
