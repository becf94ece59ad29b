import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import type { Transmit } from '../../domain/chip/apdu.js';
import { encodeTlv, readTlvs } from '../../domain/chip/tlv.js';
import type { CardCommand, CardSecureMessaging } from './chip-card-sm.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/**
 * A card that plays a fixed transcript: each command must be exactly the next one expected
 * (hex, spaces ignored; '*' for any), and it answers with the paired response. A transcript from a worked
 * example thus checks every byte the terminal sends, in order.
 */
export class ScriptedCard {
  private next = 0;
  readonly sent: string[] = [];

  constructor(private readonly script: readonly (readonly [command: string, response: string])[]) {}

  readonly transmit: Transmit = (command) => {
    const actual = toHex(command);
    this.sent.push(actual);
    const step = this.script[this.next];
    if (step === undefined) return Promise.reject(new Error(`scripted card: unexpected command ${actual} after the script ended`));
    const expected = step[0].replace(/\s+/g, '').toUpperCase();
    // '*' takes any command: for runs whose later commands depend on a changed input (a wrong password).
    if (expected !== '*' && actual !== expected) return Promise.reject(new Error(`scripted card: step ${this.next} expected ${expected}, got ${actual}`));
    this.next++;
    return Promise.resolve(fromHex(step[1]));
  };

  /** Every step of the script was played. */
  get finished(): boolean {
    return this.next === this.script.length;
  }
}

/** ChipCrypto that hands out the given bytes as its randomness, in order: replays worked examples. */
export function fixedRandomCrypto(base: ChipCrypto, ...random: Uint8Array[]): ChipCrypto {
  const queue = [...random];
  return {
    ...base,
    randomBytes(length) {
      const next = queue.shift();
      if (next?.length !== length) throw new Error(`fixed randomness: asked ${length} bytes, have ${next?.length ?? 'none'}`);
      return next;
    },
  };
}

export interface FileCardOptions {
  /** Elementary files of the eMRTD application, by FID. */
  readonly files: ReadonlyMap<number, Uint8Array>;
  /** Elementary files of the master file (EF.CardAccess). */
  readonly masterFiles?: ReadonlyMap<number, Uint8Array>;
  /** When set, every command must come under secure messaging with these keys. */
  readonly secureMessaging?: CardSecureMessaging;
  /** Files the card refuses to read (6982), as it does for DG3/DG4 without extended access control. */
  readonly deniedFids?: ReadonlySet<number>;
  /** The card answers SELECT MF only in this form ('both' by default). */
  readonly mfSelect?: 'implicit' | 'explicit' | 'both';
}

/** One READ BINARY as the card received it (after secure messaging). */
export interface CardRead {
  readonly ins: number;
  readonly offset: number;
  readonly le: number | undefined;
}

const EMRTD_AID_HEX = 'A0000002471001';

/**
 * A small eMRTD: SELECT of the application, the MF and EFs, READ BINARY with B0 and B1
 * (DO 54 offset, DO 53 answer), end-of-file 6282 and 6B00 as ISO/IEC 7816-4 has them, and
 * secure messaging when keys are given. Tests inspect what it read and can spoil the next
 * response's MAC to play an attacker or a faulty reader.
 */
export class FileCard {
  readonly reads: CardRead[] = [];
  private directory: 'mf' | 'application' = 'mf';
  private selected: Uint8Array | undefined;
  private selectedDenied = false;
  private spoilNextMac = false;

  constructor(private readonly options: FileCardOptions) {}

  spoilNextResponseMac(): void {
    this.spoilNextMac = true;
  }

  readonly transmit: Transmit = (apdu) => {
    const sm = this.options.secureMessaging;
    if (sm === undefined) {
      const command = parsePlain(apdu);
      const [data, sw] = this.process(command);
      return Promise.resolve(concatPlain(data, sw));
    }
    let command: CardCommand;
    try {
      command = sm.unwrapCommand(apdu);
    } catch {
      return Promise.resolve(Uint8Array.of(0x69, 0x88));
    }
    const [data, sw] = this.process(command);
    const response = sm.wrapResponse(command.ins, data, sw);
    // A short command (Lc in one byte) has a short Le: the protected answer must fit 256 bytes.
    const short = apdu[4] !== 0;
    if (short && response.length - 2 > 256)
      return Promise.reject(new Error(`file card: protected response of ${response.length - 2} bytes exceeds a short Le`));
    if (this.spoilNextMac) {
      this.spoilNextMac = false;
      const at = response.length - 3; // last MAC byte, before SW1 SW2
      response[at] = (response[at] ?? 0) ^ 0x01;
    }
    return Promise.resolve(response);
  };

  private process(command: CardCommand): [Uint8Array, number] {
    if (command.ins === 0xa4) return [new Uint8Array(), this.select(command)];
    if (command.ins === 0xb0 || command.ins === 0xb1) return this.read(command);
    return [new Uint8Array(), 0x6d00];
  }

  private select(command: CardCommand): number {
    const data = toHex(command.data);
    if (command.p1 === 0x04) {
      if (data !== EMRTD_AID_HEX) return 0x6a82;
      this.directory = 'application';
      this.selected = undefined;
      return 0x9000;
    }
    if (command.p1 === 0x00) {
      const form = this.options.mfSelect ?? 'both';
      const ok = (data === '' && form !== 'explicit') || (data === '3F00' && form !== 'implicit');
      if (!ok) return 0x6a86;
      this.directory = 'mf';
      this.selected = undefined;
      return 0x9000;
    }
    if (command.p1 === 0x02 && command.data.length === 2) {
      const fid = ((command.data[0] ?? 0) << 8) | (command.data[1] ?? 0);
      const file = (this.directory === 'application' ? this.options.files : this.options.masterFiles)?.get(fid);
      if (file === undefined) return 0x6a82;
      this.selected = file;
      this.selectedDenied = this.options.deniedFids?.has(fid) === true;
      return 0x9000;
    }
    return 0x6a86;
  }

  private read(command: CardCommand): [Uint8Array, number] {
    const file = this.selected;
    if (file === undefined) return [new Uint8Array(), 0x6986];
    if (this.selectedDenied) return [new Uint8Array(), 0x6982];
    let offset: number;
    let le = command.le ?? 256;
    if (command.ins === 0xb0) {
      if ((command.p1 & 0x80) !== 0) return [new Uint8Array(), 0x6a86];
      offset = (command.p1 << 8) | command.p2;
    } else {
      if (command.p1 !== 0 || command.p2 !== 0) return [new Uint8Array(), 0x6a86];
      const offsetObject = readTlvs(command.data).find((tlv) => tlv.tag === 0x54);
      if (offsetObject === undefined) return [new Uint8Array(), 0x6a80];
      offset = offsetObject.value.reduce((sum, byte) => sum * 256 + byte, 0);
      le -= le - 2 < 0x80 ? 2 : le - 3 < 0x100 ? 3 : 4;
    }
    this.reads.push({ ins: command.ins, offset, le: command.le });
    if (offset >= file.length) return [new Uint8Array(), 0x6b00];
    const data = file.slice(offset, offset + le);
    const sw = data.length < le ? 0x6282 : 0x9000;
    return [command.ins === 0xb1 ? encodeTlv(0x53, data) : data, sw];
  }
}

function parsePlain(apdu: Uint8Array): CardCommand {
  const [, ins = 0, p1 = 0, p2 = 0] = apdu;
  if (apdu.length === 4) return { ins, p1, p2, data: new Uint8Array(), le: undefined };
  if (apdu.length === 5) return { ins, p1, p2, data: new Uint8Array(), le: apdu[4] === 0 ? 256 : apdu[4] };
  const lc = apdu[4] ?? 0;
  const data = apdu.slice(5, 5 + lc);
  const rest = apdu.length - 5 - lc;
  if (rest !== 0 && rest !== 1) throw new Error(`file card: cannot parse ${toHex(apdu)} (extended plain commands are not played)`);
  return { ins, p1, p2, data, le: rest === 1 ? apdu[5 + lc] || 256 : undefined };
}

function concatPlain(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >>> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
