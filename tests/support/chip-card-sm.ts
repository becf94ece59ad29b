import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import { concatBytes } from '../../domain/chip/bytes.js';
import { blockLengthOf } from '../../domain/chip/kdf.js';
import { aesCmac, retailMac } from '../../domain/chip/mac.js';
import { padIso9797, unpadIso9797 } from '../../domain/chip/padding.js';
import type { SessionKeys } from '../../domain/chip/secure-messaging.js';
import { encodeTlv, readTlvs } from '../../domain/chip/tlv.js';

/** A plain command as the card sees it after removing secure messaging. */
export interface CardCommand {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Ne, or undefined when the command had no Le. */
  readonly le: number | undefined;
}

/**
 * The card's half of ICAO 9303-11 secure messaging, written independently of the terminal's
 * (it parses what the terminal built and builds what the terminal parses), so tests of the
 * reader run against a card that checks every MAC and keeps its own SSC.
 */
export class CardSecureMessaging {
  private readonly ssc: Uint8Array;

  constructor(
    private readonly keys: SessionKeys,
    private readonly crypto: ChipCrypto,
  ) {
    this.ssc = keys.ssc.slice();
  }

  /** The command inside a protected APDU; throws when its MAC or structure is wrong. */
  unwrapCommand(apdu: Uint8Array): CardCommand {
    this.increment();
    const header = apdu.subarray(0, 4);
    if (((header[0] ?? 0) & 0x0c) !== 0x0c) throw new Error('card: command is not protected');
    let body: Uint8Array;
    if (apdu[4] === 0 && apdu.length > 7) {
      const lc = ((apdu[5] ?? 0) << 8) | (apdu[6] ?? 0);
      body = apdu.subarray(7, 7 + lc);
      if (apdu.length !== 7 + lc + 2) throw new Error('card: extended command must end in a two-byte Le');
    } else {
      const lc = apdu[4] ?? 0;
      body = apdu.subarray(5, 5 + lc);
      if (apdu.length !== 5 + lc + 1) throw new Error('card: short command must end in Le 00');
    }
    const objects = readTlvs(body);
    const mac = objects.find((tlv) => tlv.tag === 0x8e);
    if (mac === undefined) throw new Error('card: no DO 8E');
    const expected = this.mac(concatBytes(this.ssc, padIso9797(header, blockLengthOf(this.keys.cipher)), body.subarray(0, mac.start)));
    if (Buffer.compare(Buffer.from(expected), Buffer.from(mac.value)) !== 0) throw new Error('card: command MAC wrong');
    let data = new Uint8Array();
    const do87 = objects.find((tlv) => tlv.tag === 0x87);
    const do85 = objects.find((tlv) => tlv.tag === 0x85);
    if (do87 !== undefined) {
      if (do87.value[0] !== 0x01) throw new Error('card: DO 87 without padding indicator 01');
      data = unpadIso9797(this.cipher('decrypt', do87.value.subarray(1))).slice();
    } else if (do85 !== undefined) {
      data = unpadIso9797(this.cipher('decrypt', do85.value)).slice();
    }
    const do97 = objects.find((tlv) => tlv.tag === 0x97);
    let le: number | undefined;
    if (do97 !== undefined) {
      const raw = do97.value.reduce((sum, byte) => sum * 256 + byte, 0);
      le = raw !== 0 ? raw : do97.value.length === 1 ? 256 : 65536;
    }
    return { ins: header[1] ?? 0, p1: header[2] ?? 0, p2: header[3] ?? 0, data, le };
  }

  /** The protected response: DO 87 (85 for odd INS) ‖ DO 99 ‖ DO 8E, then the SW. */
  wrapResponse(ins: number, data: Uint8Array, sw: number): Uint8Array {
    this.increment();
    const objects: Uint8Array[] = [];
    if (data.length > 0) {
      const encrypted = this.cipher('encrypt', padIso9797(data, blockLengthOf(this.keys.cipher)));
      objects.push(ins % 2 === 1 ? encodeTlv(0x85, encrypted) : encodeTlv(0x87, Uint8Array.of(1), encrypted));
    }
    objects.push(encodeTlv(0x99, Uint8Array.of(sw >>> 8, sw & 0xff)));
    objects.push(encodeTlv(0x8e, this.mac(concatBytes(this.ssc, ...objects))));
    return concatBytes(...objects, Uint8Array.of(sw >>> 8, sw & 0xff));
  }

  private mac(data: Uint8Array): Uint8Array {
    if (this.keys.cipher === '3DES') return retailMac(this.keys.kMac, data, this.crypto);
    return aesCmac(this.keys.kMac, padIso9797(data, 16), this.crypto).slice(0, 8);
  }

  private cipher(direction: 'encrypt' | 'decrypt', data: Uint8Array): Uint8Array {
    if (this.keys.cipher === '3DES') return this.crypto.tripleDesCbc(direction, this.keys.kEnc, new Uint8Array(8), data);
    return this.crypto.aesCbc(direction, this.keys.kEnc, this.crypto.aesBlock('encrypt', this.keys.kEnc, this.ssc), data);
  }

  private increment(): void {
    for (let i = this.ssc.length - 1; i >= 0; i--) {
      this.ssc[i] = ((this.ssc[i] ?? 0) + 1) & 0xff;
      if (this.ssc[i] !== 0) break;
    }
  }
}
