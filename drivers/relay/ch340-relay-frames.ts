/**
 * The "LC Technology" / LCUS CH340 USB relay boards (1, 2, 4 and 8 channels): a CH340 USB
 * serial chip (1a86:7523) in front of a microcontroller, 9600 8N1, no answer to commands.
 * One 4-byte command per switch:
 *
 *   A0  <channel 1..n>  <state 00 off | 01 on>  <checksum = (A0 + channel + state) & 0xFF>
 *
 * e.g. channel 1 on `A0 01 01 A2`, channel 1 off `A0 01 00 A1`. Sources: LC Technology's
 * LCUS-1 product description ("LC USB switch communication protocol": start identifier 0xA0,
 * switch address 0x01 = first switch, operation 0x00 OFF / 0x01 ON, check code; default
 * 9600 bps; examples `A0 01 01 A2` / `A0 01 00 A1`; chinalctech.com, repeated in resellers'
 * listings), and the Diustou wiki pages "USB Relay" / "USB Relay PRO" (checksum = data 1 +
 * data 2 + data 3; LCUS-2/4/8: `A0 02 01 A3` … `A0 08 00 A8` for channels 2–8).
 * Some boards also take channel 0x0F for "all", and answer a status query (`FF` or
 * `A0 0F 02 B1`); not every clone does, so neither is used: all off is one off per channel,
 * and the board is never read.
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
