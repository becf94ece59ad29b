import { describe, expect, it } from 'vitest';
import {
  ChipError,
  ChipProtocolError,
  decodeCommand,
  describeStatus,
  encodeCommand,
  isWrongLe,
  parseResponse,
  requireOk,
  SW,
  type CommandApdu,
} from '../../../../domain/chip/apdu.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

describe('command APDUs', () => {
  it('case 1: header only', () => {
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c }))).toBe('00A4000C');
  });

  it('case 2: Le, with 256 as 00 (ICAO 9303-11 D.3 GET CHALLENGE is 00 84 00 00 08)', () => {
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 }))).toBe('0084000008');
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 256 }))).toBe('00B0000000');
  });

  it('case 3: Lc and data (SELECT EF.COM)', () => {
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: hex('011E') }))).toBe('00A4020C02011E');
  });

  it('case 4: Lc, data and Le', () => {
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: hex('0102'), le: 40 }))).toBe('00820000020102' + '28');
  });

  it('extended length only when needed and allowed', () => {
    const long = new Uint8Array(300).fill(0xaa);
    expect(() => encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 1000 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0x00, ins: 0xd6, p1: 0, p2: 0, data: long })).toThrow(RangeError);
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 1000 }, { extendedLengthAllowed: true }))).toBe('00B00000' + '0003E8');
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 65536 }, { extendedLengthAllowed: true }))).toBe('00B00000' + '000000');
    const case3e = encodeCommand({ cla: 0x00, ins: 0xd6, p1: 0, p2: 0, data: long }, { extendedLengthAllowed: true });
    expect(toHex(case3e.subarray(0, 7))).toBe('00D60000' + '00012C');
    expect(case3e.length).toBe(7 + 300);
    const case4e = encodeCommand({ cla: 0x00, ins: 0x86, p1: 0, p2: 0, data: long, le: 65536 }, { extendedLengthAllowed: true });
    expect(toHex(case4e.subarray(case4e.length - 2))).toBe('0000');
    expect(case4e.length).toBe(7 + 300 + 2);
    // Short lengths stay short even when extended is allowed.
    expect(toHex(encodeCommand({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, le: 8 }, { extendedLengthAllowed: true }))).toBe('0084000008');
  });

  it('refuses values that are not bytes and Le out of range', () => {
    expect(() => encodeCommand({ cla: 0x100, ins: 0, p1: 0, p2: 0 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 65537 }, { extendedLengthAllowed: true })).toThrow(RangeError);
  });
});

describe('response APDUs and status words', () => {
  it('splits data and SW1 SW2', () => {
    const response = parseResponse(hex('4608F919887022129000'), 'GET CHALLENGE');
    expect(toHex(response.data)).toBe('4608F91988702212');
    expect(response.sw).toBe(SW.OK);
    expect(parseResponse(hex('6A82'), 'SELECT').sw).toBe(SW.FILE_NOT_FOUND);
  });

  it('a response without a status word is a protocol error naming the operation', () => {
    expect(() => parseResponse(hex('90'), 'SELECT EF 011E')).toThrow(ChipProtocolError);
    expect(() => parseResponse(hex('90'), 'SELECT EF 011E')).toThrow(/SELECT EF 011E/);
  });

  it('requireOk: data on 9000, a ChipError with the SW and the operation otherwise', () => {
    expect(toHex(requireOk({ data: hex('01'), sw: SW.OK }, 'x'))).toBe('01');
    let caught: unknown;
    try {
      requireOk({ data: new Uint8Array(), sw: SW.SECURITY_STATUS_NOT_SATISFIED }, 'READ BINARY at 0');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ChipError);
    expect((caught as ChipError).sw).toBe(0x6982);
    expect((caught as ChipError).operation).toBe('READ BINARY at 0');
    expect((caught as ChipError).message).toBe('READ BINARY at 0: 6982 security status not satisfied');
  });

  it('names every status word the protocols meet, and 6Cxx with its count', () => {
    const named: number[] = [SW.OK, SW.END_OF_FILE_BEFORE_LE, SW.VERIFICATION_FAILED, SW.WRONG_LENGTH, SW.SECURITY_STATUS_NOT_SATISFIED];
    named.push(SW.CONDITIONS_NOT_SATISFIED, SW.SM_DATA_OBJECTS_INCORRECT, SW.INCORRECT_DATA, SW.FILE_NOT_FOUND, SW.INCORRECT_P1_P2);
    named.push(SW.REFERENCED_DATA_NOT_FOUND, SW.WRONG_P1_P2, SW.INS_NOT_SUPPORTED, SW.CLA_NOT_SUPPORTED);
    expect(named.map((sw) => sw.toString(16).toUpperCase())).toEqual([
      '9000',
      '6282',
      '6300',
      '6700',
      '6982',
      '6985',
      '6988',
      '6A80',
      '6A82',
      '6A86',
      '6A88',
      '6B00',
      '6D00',
      '6E00',
    ]);
    expect(describeStatus(0x6a82)).toBe('6A82 file or application not found');
    expect(isWrongLe(0x6c10)).toBe(true);
    expect(isWrongLe(0x6b00)).toBe(false);
    expect(describeStatus(0x6c10)).toBe('6C10 wrong Le, 16 bytes available');
    expect(describeStatus(0x6f00)).toBe('6F00 unexpected status');
  });
});

describe('decodeCommand: the inverse of encodeCommand', () => {
  const commands: CommandApdu[] = [
    { cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c },
    { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 },
    { cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 256 },
    { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(0x01, 0x1e) },
    { cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), le: 256 },
    { cla: 0x0c, ins: 0xb0, p1: 0x00, p2: 0x00, le: 1000 },
    { cla: 0x0c, ins: 0xd6, p1: 0x00, p2: 0x00, data: new Uint8Array(300).fill(7) },
    { cla: 0x0c, ins: 0xb1, p1: 0x00, p2: 0x00, data: new Uint8Array(300).fill(9), le: 65536 },
  ];
  it.each(commands.map((command) => [Buffer.from(encodeCommand(command, { extendedLengthAllowed: true })).toString('hex'), command] as const))(
    '%s',
    (_hex, command) => {
      const decoded = decodeCommand(encodeCommand(command, { extendedLengthAllowed: true }));
      expect({ ...decoded, data: decoded.data === undefined ? undefined : [...decoded.data] }).toEqual({
        ...command,
        data: command.data === undefined ? undefined : [...command.data],
      });
    },
  );

  it('refuses bytes that are not one command', () => {
    expect(() => decodeCommand(Uint8Array.of(0, 0xa4, 0))).toThrow(RangeError);
    expect(() => decodeCommand(Uint8Array.of(0, 0xa4, 0, 0, 2, 1, 2, 3, 4))).toThrow(RangeError);
    expect(() => decodeCommand(Uint8Array.of(0, 0xa4, 0, 0, 0, 0, 2, 1, 2, 3))).toThrow(RangeError);
  });
});
