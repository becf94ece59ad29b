/**
 * The "LC Technology" / LCUS CH340 USB relay boards (1, 2, 4 and 8 channels): a CH340 USB
 * serial chip (1a86:7523) in front of a microcontroller, 9600 8N1, no answer to commands.
 * One 4-byte command per switch:
 *
 *   A0  <channel 1..n>  <state 00 off | 01 on>  <checksum = (A0 + channel + state) & 0xFF>
 *
 * e.g. channel 1 on `A0 01 01 A2`, channel 1 off `A0 01 00 A1`. Sources: the LCUS-1 "USB
 * relay module" product sheet by LC Technology (communication protocol section: start flag
 * 0xA0, switch address 0x01, operation 0x00 off / 0x01 on, check code = sum of the first
 * three bytes), and the same frames in the open tools that drive these boards (e.g. the
 * `lcus-1` / `usbrelay` scripts on GitHub, which send `A0 01 01 A2` and `A0 01 00 A1`).
 * The 2-, 4- and 8-channel LCUS boards use the same frame with channel 02, 03, …
 */
export const CH340_RELAY_START = 0xa0;
/** Channel numbers the frame can carry; a board has fewer (1, 2, 4 or 8). */
export const CH340_RELAY_MAX_CHANNELS = 8;

export function ch340RelayFrame(channel: number, on: boolean): Uint8Array {
  if (!Number.isInteger(channel) || channel < 1 || channel > CH340_RELAY_MAX_CHANNELS) {
    throw new RangeError(`CH340 relay channel must be 1–${CH340_RELAY_MAX_CHANNELS}: ${channel}`);
  }
  const state = on ? 0x01 : 0x00;
  return Uint8Array.of(CH340_RELAY_START, channel, state, (CH340_RELAY_START + channel + state) & 0xff);
}
