import { describe, expect, it } from 'vitest';
import { ch340RelayFrame } from '../../../../drivers/relay/ch340-relay-frames.js';
import { modbusCrc16, modbusRelayFrame, modbusWriteCoilFrame } from '../../../../drivers/relay/modbus-rtu-frames.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('CH340 "A0" relay frames', () => {
  it.each([
    [1, true, 'a00101a2'],
    [1, false, 'a00100a1'],
    [2, true, 'a00201a3'],
    [2, false, 'a00200a2'],
    [4, true, 'a00401a5'],
    [8, false, 'a00800a8'],
  ])('channel %i on=%s → %s', (channel, on, expected) => {
    expect(hex(ch340RelayFrame(channel, on))).toBe(expected);
  });

  it('refuses channels the frame cannot carry', () => {
    for (const channel of [0, 9, 1.5, Number.NaN]) expect(() => ch340RelayFrame(channel, true)).toThrow(RangeError);
  });
});

describe('Modbus RTU write single coil (function 05)', () => {
  it('CRC-16/MODBUS check value: "123456789" → 0x4B37', () => {
    expect(modbusCrc16(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });

  it.each([
    // The specification's example (coil 173 = 0x00AC on) framed for unit 0x11 (Simply Modbus).
    [0x11, 0x00ac, true, '110500acff004e8b'],
    // Relay-board manuals: unit 1, coil 0 on / off.
    [0x01, 0x0000, true, '01050000ff008c3a'],
    [0x01, 0x0000, false, '010500000000cdca'],
  ])('unit %i coil %i on=%s → %s', (unit, coil, on, expected) => {
    expect(hex(modbusWriteCoilFrame(unit, coil, on))).toBe(expected);
  });

  it('relay channel n is coil n − 1', () => {
    expect(hex(modbusRelayFrame(1, 1, true))).toBe('01050000ff008c3a');
    expect(modbusRelayFrame(3, 4, false).subarray(0, 6)).toEqual(Uint8Array.of(3, 5, 0, 3, 0, 0));
  });

  it('refuses broadcast and out-of-range ids', () => {
    expect(() => modbusWriteCoilFrame(0, 0, true)).toThrow(/1–247/);
    expect(() => modbusWriteCoilFrame(248, 0, true)).toThrow(RangeError);
    expect(() => modbusWriteCoilFrame(1, 0x10000, true)).toThrow(RangeError);
    expect(() => modbusRelayFrame(1, 0, true)).toThrow(RangeError);
  });
});
