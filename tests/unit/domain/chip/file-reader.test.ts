import { describe, expect, it } from 'vitest';
import { nodeChipCrypto as crypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { ChipError, ChipProtocolError } from '../../../../domain/chip/apdu.js';
import { ChipReader, dataGroupFid, DEFAULT_MAX_CHUNK, EF_CARD_ACCESS, EF_COM } from '../../../../domain/chip/file-reader.js';
import type { ReadProgress } from '../../../../domain/chip/file-reader.js';
import { SecureMessaging, SecureMessagingError } from '../../../../domain/chip/secure-messaging.js';
import type { SessionKeys } from '../../../../domain/chip/secure-messaging.js';
import { encodeTlv } from '../../../../domain/chip/tlv.js';
import { FileCard, ScriptedCard } from '../../../support/chip-card.js';
import { CardSecureMessaging } from '../../../support/chip-card-sm.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

const ICAO_SESSION: SessionKeys = {
  cipher: '3DES',
  kEnc: hex('979EC13B1CBFE9DCD01AB0FED307EAE5'),
  kMac: hex('F1CB1F1FB5ADF208806B89DC579DC1F8'),
  ssc: hex('887022120C06C226'),
};
const AES_SESSION: SessionKeys = {
  cipher: 'AES-128',
  kEnc: hex('F5F0E35C0D7161EE6724EE513A0D9A7F'),
  kMac: hex('FE251C7858B356B24514B3BD5F4297D1'),
  ssc: new Uint8Array(16),
};

/** A DG2-like file: tag 75, a two-byte length (82 xx xx), patterned content, `size` (≥ 260) bytes in all. */
function bigFile(size: number): Uint8Array {
  const value = Uint8Array.from({ length: size - 4 }, (_, i) => (i * 7 + 3) & 0xff);
  const file = encodeTlv(0x75, value);
  expect(file.length).toBe(size);
  return file;
}

describe('reading EF.COM under secure messaging, byte for byte', () => {
  it('ICAO 9303-11 Appendix D.4 (3DES): SELECT, 4-byte header read, the remaining 18 bytes; progress reported', async () => {
    const card = new ScriptedCard([
      ['0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800', '990290008E08FA855A5D4C50A8ED9000'],
      ['0CB000000D9701048E08ED6705417E96BA5500', '8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000'],
      ['0CB000040D9701128E082EA28A70F3C7B53500', '871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000'],
    ]);
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    const reader = new ChipReader(card.transmit, { secureMessaging: sm });
    const progress: ReadProgress[] = [];
    const file = await reader.readFile(EF_COM, (step) => progress.push(step));
    expect(toHex(file)).toBe('60145F0104303130365F36063034303030305C026175');
    expect(card.finished).toBe(true);
    expect(toHex(sm.ssc)).toBe('887022120C06C22C');
    expect(progress).toEqual([
      { read: 4, total: 22 },
      { read: 22, total: 22 },
    ]);
  });

  it('AES-256 (gmrtd iso7816/nfc_session_test.go)', async () => {
    const card = new ScriptedCard([
      ['0CA4020C1D8711011D35E7EB510E21A0DD12380D9AD2B92D8E0828CB68B81D3FAFC000', '990290008E08E083EAA61ADABFCE9000'],
      ['0CB000000D9701048E084AFC933E0CDBE5F000', '871101D8059A9CF835105082CA2B1837E4AEC0990290008E08B36DB56761D706BB9000'],
      ['0CB000040D9701168E0811F7EFC907D1F27400', '87210142E919C115FAF69350B01813D77A9E8D91912A7F717AFD073F199070E61B79C6990290008E083382E3D983F441369000'],
    ]);
    const sm = new SecureMessaging(
      {
        cipher: 'AES-256',
        kEnc: hex('74B94F408BBB2CD92571FD5B6370A94CCE7A2FA42AE3EB4DA47B97CE6EAA24C6'),
        kMac: hex('9E28D5D9FF1D979BE752E8926BF0E1D35A440FC0AEFC4AA3BC5610055AC8B113'),
        ssc: hex('00000000000000000000000000000020'),
      },
      crypto,
    );
    const file = await new ChipReader(card.transmit, { secureMessaging: sm }).readFile(EF_COM);
    expect(toHex(file)).toBe('60185F0104303130385F36063034303030305C06617563766D6E');
    expect(toHex(sm.ssc)).toBe('00000000000000000000000000000026');
  });
});

describe('reading large files: B0 up to offset 32 767, B1 beyond, in bounded chunks', () => {
  const size = 40000;

  it.each([
    ['plain', undefined],
    ['3DES secure messaging', ICAO_SESSION],
    ['AES secure messaging', AES_SESSION],
  ] as const)('%s', async (_name, session) => {
    const file = bigFile(size);
    const card = new FileCard({
      files: new Map([[dataGroupFid(2), file]]),
      ...(session === undefined ? {} : { secureMessaging: new CardSecureMessaging(session, crypto) }),
    });
    const reader = new ChipReader(card.transmit, session === undefined ? {} : { secureMessaging: new SecureMessaging(session, crypto) });
    await reader.selectApplication();
    const progress: ReadProgress[] = [];
    const read = await reader.readFile(dataGroupFid(2), (step) => progress.push(step));
    expect(Buffer.compare(Buffer.from(read), Buffer.from(file))).toBe(0);

    const b0 = card.reads.filter((r) => r.ins === 0xb0);
    const b1 = card.reads.filter((r) => r.ins === 0xb1);
    expect(b0.every((r) => r.offset <= 0x7fff)).toBe(true);
    expect(b1.length).toBeGreaterThan(0);
    expect(b1.every((r) => r.offset > 0x7fff)).toBe(true);
    // The header read, then full chunks: 223 data bytes with B0, 220 with B1 (DO 53 takes 3).
    expect(b0[0]).toEqual({ ins: 0xb0, offset: 0, le: 4 });
    expect(b0.slice(1, -1).every((r) => r.le === DEFAULT_MAX_CHUNK)).toBe(true);
    expect(b1.slice(0, -1).every((r) => r.le === 0xdc + 3)).toBe(true);
    // Chunks are contiguous: each starts where the previous ended.
    const offsets = card.reads.map((r) => r.offset);
    expect(offsets[1]).toBe(4);
    expect(offsets.slice(2).every((offset, i) => offset > (offsets[i + 1] ?? 0))).toBe(true);

    expect(progress[0]).toEqual({ read: 4, total: size });
    expect(progress.at(-1)).toEqual({ read: size, total: size });
    expect(progress.every((step, i) => i === 0 || step.read > (progress[i - 1]?.read ?? 0))).toBe(true);
  });

  it('the chunk size is configurable, and larger than 0xDF only with extended length', async () => {
    const card = new FileCard({ files: new Map([[dataGroupFid(1), bigFile(300)]]) });
    const reader = new ChipReader(card.transmit, { maxChunk: 0x40 });
    await reader.selectApplication();
    expect((await reader.readFile(dataGroupFid(1))).length).toBe(300);
    expect(card.reads.map((r) => r.le)).toEqual([4, 0x40, 0x40, 0x40, 0x40, 296 - 4 * 0x40]);
    expect(() => new ChipReader(card.transmit, { maxChunk: 0xe0 })).toThrow(RangeError);
    // Past 32 767 a read loses DO 53's three bytes, so a full chunk there is refused before it is sent.
    await expect(reader.readBinary(0x8000, 0x40)).rejects.toThrow(RangeError);
    expect(card.reads.length).toBe(6);
    expect(() => new ChipReader(card.transmit, { maxChunk: 0x400, extendedLengthAllowed: true })).not.toThrow();
  });

  it('with extended length, large chunks under secure messaging, B1 included', async () => {
    const file = bigFile(40000);
    const card = new FileCard({ files: new Map([[dataGroupFid(2), file]]), secureMessaging: new CardSecureMessaging(AES_SESSION, crypto) });
    const reader = new ChipReader(card.transmit, { secureMessaging: new SecureMessaging(AES_SESSION, crypto), maxChunk: 1000, extendedLengthAllowed: true });
    await reader.selectApplication();
    expect(Buffer.compare(Buffer.from(await reader.readFile(dataGroupFid(2))), Buffer.from(file))).toBe(0);
    expect(
      card.reads
        .filter((r) => r.ins === 0xb0)
        .slice(1, -1)
        .every((r) => r.le === 1000),
    ).toBe(true);
    expect(
      card.reads
        .filter((r) => r.ins === 0xb1)
        .slice(0, -1)
        .every((r) => r.le === 1000),
    ).toBe(true);
  });
});

describe('reading files: the card says no, or its bytes lie', () => {
  async function readerFor(card: FileCard | ScriptedCard, session?: SessionKeys): Promise<ChipReader> {
    const reader = new ChipReader(card.transmit, session === undefined ? {} : { secureMessaging: new SecureMessaging(session, crypto) });
    if (card instanceof FileCard) await reader.selectApplication();
    return reader;
  }

  it('6982: a file the card will not give (DG3 without extended access control) is a ChipError with that SW', async () => {
    const card = new FileCard({ files: new Map([[dataGroupFid(3), bigFile(300)]]), deniedFids: new Set([dataGroupFid(3)]) });
    const error = await (await readerFor(card)).readFile(dataGroupFid(3)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChipError);
    expect(error).toMatchObject({ sw: 0x6982, operation: 'READ BINARY at 0' });
  });

  it('6A82: a file the card does not have', async () => {
    const card = new FileCard({ files: new Map() });
    await expect((await readerFor(card)).readFile(dataGroupFid(13))).rejects.toMatchObject({ name: 'ChipError', sw: 0x6a82, operation: 'SELECT EF 010D' });
  });

  it('a TLV length that promises more than the file holds is a protocol error, not a short file', async () => {
    const liar = Uint8Array.from([0x61, 0x81, 0xc8, ...new Uint8Array(47).fill(0x41)]);
    const card = new FileCard({ files: new Map([[dataGroupFid(1), liar]]) });
    await expect((await readerFor(card)).readFile(dataGroupFid(1))).rejects.toThrow(
      new ChipProtocolError('read EF 0101', 'file ends at 50 bytes, its TLV header declares 203'),
    );
  });

  it('a file above the cap is refused after its header, before it is read', async () => {
    const card = new FileCard({ files: new Map([[dataGroupFid(2), bigFile(40000)]]) });
    const reader = new ChipReader(card.transmit, { maxFileSize: 32 * 1024 });
    await reader.selectApplication();
    await expect(reader.readFile(dataGroupFid(2))).rejects.toThrow(/40000 bytes, above the 32768-byte cap/);
    expect(card.reads.length).toBe(1);
  });

  it('a file that does not start with a TLV header is a protocol error', async () => {
    const card = new FileCard({ files: new Map([[dataGroupFid(1), hex('00000000')]]) });
    await expect((await readerFor(card)).readFile(dataGroupFid(1))).rejects.toBeInstanceOf(ChipProtocolError);
  });

  it('more bytes than asked is a protocol error', async () => {
    const card = new ScriptedCard([
      ['00A4020C020101', '9000'],
      ['00B0000004', '6114AABBCC9000'],
    ]);
    await expect((await readerFor(card)).readFile(dataGroupFid(1))).rejects.toThrow(/returned 5 bytes, 4 asked/);
  });

  it('6Cxx: the card names the length it has, and the read is repeated with it', async () => {
    const card = new ScriptedCard([
      ['00A4020C020101', '9000'],
      ['00B0000004', '6C03'],
      ['00B0000003', '6101AA9000'],
    ]);
    expect(toHex(await (await readerFor(card)).readFile(dataGroupFid(1)))).toBe('6101AA');
    expect(card.finished).toBe(true);
  });

  it('a wrong MAC in the middle of a file ends the read with bad-mac, and the session with it', async () => {
    const card = new FileCard({ files: new Map([[dataGroupFid(2), bigFile(1000)]]), secureMessaging: new CardSecureMessaging(AES_SESSION, crypto) });
    const sm = new SecureMessaging(AES_SESSION, crypto);
    const reader = new ChipReader(card.transmit, { secureMessaging: sm });
    await reader.selectApplication();
    let steps = 0;
    const error = await reader
      .readFile(dataGroupFid(2), () => {
        steps++;
        if (steps === 2) card.spoilNextResponseMac();
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecureMessagingError);
    expect((error as SecureMessagingError).reason).toBe('bad-mac');
    expect(sm.usable).toBe(false);
    await expect(reader.readFile(EF_COM)).rejects.toMatchObject({ reason: 'closed' });
  });
});

describe('EF.CardAccess, in plain from the master file', () => {
  const cardAccess = hex('31143012060A04007F0007020204020202010202010D');

  it('reads it after selecting the MF', async () => {
    const card = new FileCard({ files: new Map(), masterFiles: new Map([[EF_CARD_ACCESS, cardAccess]]) });
    expect(toHex((await new ChipReader(card.transmit).readCardAccess()) ?? new Uint8Array())).toBe(toHex(cardAccess));
  });

  it('falls back to SELECT MF with 3F00 when the card refuses the implicit form', async () => {
    const card = new ScriptedCard([
      ['00A4000C', '6A86'],
      ['00A4000C023F00', '9000'],
      ['00A4020C02011C', '9000'],
      ['00B0000004', toHex(cardAccess.subarray(0, 4)) + '9000'],
      ['00B0000412', toHex(cardAccess.subarray(4)) + '9000'],
    ]);
    expect(toHex((await new ChipReader(card.transmit).readCardAccess()) ?? new Uint8Array())).toBe(toHex(cardAccess));
    expect(card.finished).toBe(true);
  });

  it('undefined when the card has none (a BAC-only chip)', async () => {
    const card = new FileCard({ files: new Map(), masterFiles: new Map() });
    expect(await new ChipReader(card.transmit).readCardAccess()).toBeUndefined();
  });
});
