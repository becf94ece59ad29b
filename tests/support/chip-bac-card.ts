import { randomBytes } from 'node:crypto';
import { bacKeys } from '../../domain/chip/bac.js';
import { bytesEqual, concatBytes, xorBytes } from '../../domain/chip/bytes.js';
import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import { dataGroupFid, EF_COM, EF_SOD } from '../../domain/chip/file-reader.js';
import { deriveKey, KDF_ENC, KDF_MAC } from '../../domain/chip/kdf.js';
import { retailMac } from '../../domain/chip/mac.js';
import type { MrzKeyFields } from '../../domain/chip/mrz-key.js';
import type { SessionKeys } from '../../domain/chip/secure-messaging.js';
import { FileCard } from './chip-card.js';
import { CardSecureMessaging } from './chip-card-sm.js';

/**
 * A chip ID card that runs the card's half of BAC (ICAO 9303-11 §4.3) with real randomness
 * (GET CHALLENGE, EXTERNAL AUTHENTICATE checked against the MRZ keys, 6300 for a wrong one),
 * offers no PACE (EF.CardAccess absent), and then serves its files under 3DES secure
 * messaging (FileCard with CardSecureMessaging). For tests that read a whole card through
 * the reader driver (a FakeCard's responder), where a fixed transcript would not do.
 */
export class BacChipCard {
  /** Commands received, in order (plain or protected), for "what did the card see" checks. */
  readonly commands: Uint8Array[] = [];
  private rndIc: Uint8Array | undefined;
  private files: FileCard | undefined;
  private readonly plain: FileCard;
  /** Set to hold the next file command until the test lets it go (a card removed mid-read). */
  holdNextFileCommand: { readonly reached: () => void; readonly until: Promise<void> } | undefined;

  constructor(
    private readonly mrz: MrzKeyFields,
    private readonly contents: ReadonlyMap<number, Uint8Array>,
    private readonly crypto: ChipCrypto,
  ) {
    this.plain = new FileCard({ files: new Map(), masterFiles: new Map() });
  }

  readonly respond = async (command: Uint8Array): Promise<Uint8Array> => {
    this.commands.push(command);
    const [cla = 0, ins = 0] = command;
    if ((cla & 0x0c) === 0x0c) {
      const hold = this.holdNextFileCommand;
      if (hold !== undefined) {
        this.holdNextFileCommand = undefined;
        hold.reached();
        await hold.until;
      }
      return this.files === undefined ? Uint8Array.of(0x69, 0x82) : this.files.transmit(command);
    }
    if (ins === 0x84) return this.getChallenge();
    if (ins === 0x82) return this.externalAuthenticate(command);
    return this.plain.transmit(command);
  };

  private getChallenge(): Uint8Array {
    this.rndIc = new Uint8Array(randomBytes(8));
    this.files = undefined;
    return concatBytes(this.rndIc, Uint8Array.of(0x90, 0x00));
  }

  private externalAuthenticate(command: Uint8Array): Uint8Array {
    const refused = Uint8Array.of(0x63, 0x00);
    const data = command.subarray(5, 5 + (command[4] ?? 0));
    const rndIc = this.rndIc;
    this.rndIc = undefined;
    if (rndIc === undefined || data.length !== 40) return Uint8Array.of(0x69, 0x85);
    const keys = bacKeys(this.mrz, this.crypto);
    const eIfd = data.subarray(0, 32);
    if (!bytesEqual(retailMac(keys.kMac, eIfd, this.crypto), data.subarray(32))) return refused;
    const s = this.crypto.tripleDesCbc('decrypt', keys.kEnc, new Uint8Array(8), eIfd);
    if (!bytesEqual(s.subarray(8, 16), rndIc)) return refused;
    const rndIfd = s.subarray(0, 8);
    const kIc = new Uint8Array(randomBytes(16));
    const eIc = this.crypto.tripleDesCbc('encrypt', keys.kEnc, new Uint8Array(8), concatBytes(rndIc, rndIfd, kIc));
    const seed = xorBytes(s.subarray(16, 32), kIc);
    const session: SessionKeys = {
      cipher: '3DES',
      kEnc: deriveKey(seed, KDF_ENC, '3DES', this.crypto),
      kMac: deriveKey(seed, KDF_MAC, '3DES', this.crypto),
      ssc: concatBytes(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)),
    };
    this.files = new FileCard({ files: this.contents, secureMessaging: new CardSecureMessaging(session, this.crypto) });
    return concatBytes(eIc, retailMac(keys.kMac, eIc, this.crypto), Uint8Array.of(0x90, 0x00));
  }
}

/** The card's files: EF.COM listing the data groups given, each data group, and EF.SOD. */
export function chipFiles(dataGroups: ReadonlyMap<number, Uint8Array>, sod: Uint8Array): Map<number, Uint8Array> {
  const tags: Record<number, number> = { 1: 0x61, 2: 0x75, 13: 0x6d, 14: 0x6e, 15: 0x6f };
  const list = [...dataGroups.keys()].map((number) => tags[number] ?? 0);
  const body = concatBytes(
    Uint8Array.of(0x5f, 0x01, 0x04),
    new TextEncoder().encode('0107'),
    Uint8Array.of(0x5f, 0x36, 0x06),
    new TextEncoder().encode('040000'),
    Uint8Array.of(0x5c, list.length, ...list),
  );
  const files = new Map<number, Uint8Array>([[EF_COM, concatBytes(Uint8Array.of(0x60, body.length), body)]]);
  for (const [number, bytes] of dataGroups) files.set(dataGroupFid(number), bytes);
  files.set(EF_SOD, sod);
  return files;
}
