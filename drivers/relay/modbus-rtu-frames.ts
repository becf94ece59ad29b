/**
 * Modbus RTU frames for relay boards ("Modbus RTU relay" modules, usually behind RS-485).
 * Only function 05, Write Single Coil, is ever sent: a pulse is "coil on", wait, "coil off".
 *
 *   <unit id> 05 <coil address hi lo> <FF 00 on | 00 00 off> <CRC lo hi>
 *
 * Sources: MODBUS Application Protocol Specification V1.1b3, §6.5 "05 (0x05) Write Single
 * Coil" (value FF 00 requests ON, 00 00 OFF; the example writes coil 173 = address 00 AC ON);
 * MODBUS over Serial Line Specification and Implementation Guide V1.02, §2.5.1.2 and
 * Appendix B (CRC-16, polynomial 0xA001 reflected, initial 0xFFFF, low byte sent first).
 * Known frames the tests check: the spec's example as RTU frame for unit 0x11,
 * `11 05 00 AC FF 00 4E 8B` (Simply Modbus, "Function 05"), and the everyday
 * `01 05 00 00 FF 00 8C 3A` / `01 05 00 00 00 00 CD CA` of relay-board manuals; the
 * CRC-16/MODBUS check value of "123456789" is 0x4B37 (Greg Cook's CRC catalogue).
 *
 * Relay channel n is coil address n − 1 (boards number channels from 1, coils from 0).
 */
export const MODBUS_WRITE_SINGLE_COIL = 0x05;

/** CRC-16/MODBUS of `bytes`. */
export function modbusCrc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC, low byte first, as RTU sends it. */
export function withModbusCrc(pdu: Uint8Array): Uint8Array {
  const crc = modbusCrc16(pdu);
  const frame = new Uint8Array(pdu.length + 2);
  frame.set(pdu);
  frame[pdu.length] = crc & 0xff;
  frame[pdu.length + 1] = crc >>> 8;
  return frame;
}

export function modbusWriteCoilFrame(unitId: number, coilAddress: number, on: boolean): Uint8Array {
  // 0 is broadcast (no answer, every unit obeys): a gate must address its own board.
  if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) throw new RangeError(`Modbus unit id must be 1–247: ${unitId}`);
  if (!Number.isInteger(coilAddress) || coilAddress < 0 || coilAddress > 0xffff) throw new RangeError(`Modbus coil address must be 0–65535: ${coilAddress}`);
  return withModbusCrc(Uint8Array.of(unitId, MODBUS_WRITE_SINGLE_COIL, coilAddress >>> 8, coilAddress & 0xff, on ? 0xff : 0x00, 0x00));
}

/** The frame that switches relay `channel` (1-based) of unit `unitId`. */
export function modbusRelayFrame(unitId: number, channel: number, on: boolean): Uint8Array {
  if (!Number.isInteger(channel) || channel < 1) throw new RangeError(`relay channel must be 1 or more: ${channel}`);
  return modbusWriteCoilFrame(unitId, channel - 1, on);
}
