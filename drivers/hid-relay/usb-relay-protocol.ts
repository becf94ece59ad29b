/**
 * The feature-report protocol of the common "USBRelayN" HID relay boards (www.dcttech.com
 * firmware on V-USB; sold as 1/2/4/8-channel boards): VID 0x16c0 (voti.nl) / PID 0x05df
 * (obdev's shared HID PID), product string `USBRelay<N>` with N the channel count. Because
 * 16c0:05df is shared by many V-USB hobby devices, the product string is what identifies a board.
 *
 * Commands are 8-byte feature reports without a report id, so hidapi is given 9 bytes with
 * report id 0 in front:
 *   [0x00, 0xFF, ch, 0, 0, 0, 0, 0, 0]  channel ch (1-based) on
 *   [0x00, 0xFD, ch, 0, 0, 0, 0, 0, 0]  channel ch off
 *   [0x00, 0xFE, 0, …]                   all on  (never sent by Chốt: pulses only)
 *   [0x00, 0xFC, 0, …]                   all off
 * State: GET_REPORT (feature, report id 0) answers 8 bytes — bytes 0–4 the board's own
 * 5-character id (settable with command 0xFA), byte 7 a bit mask of the channels that are on
 * (bit 0 = channel 1). hidapi returns them after the report-id byte, so 9 bytes.
 *
 * Sources: darrylb123/usbrelay libusbrelay.c (commands, `USBRelay` product prefix, channel
 * count from the product string, serial in bytes 0–4 and state in byte 7); lyimmi/usbrelay
 * device.go (0xFF/0xFD/0xFE/0xFC sent with SendFeatureReport, 9-byte buffers with report id 0,
 * state bits read with GetFeatureReport); the V-USB "control USBRelay2" tool (CMD_ON 0xff,
 * CMD_ALL_ON 0xfe, CMD_OFF 0xfd, CMD_ALL_OFF 0xfc, usbhidSetReport, state at READ_OFFSET 7 after
 * the report-id byte); darrylb123/usbrelay 50-usbrelay.rules (udev match on 16c0:05df).
 */
export const USB_RELAY_VENDOR_ID = 0x16c0;
export const USB_RELAY_PRODUCT_ID = 0x05df;

const COMMAND_ON = 0xff;
const COMMAND_OFF = 0xfd;
const COMMAND_ALL_OFF = 0xfc;
/** Report id 0 plus the board's 8 bytes. */
export const RELAY_FEATURE_REPORT_LENGTH = 9;
const MAX_CHANNELS = 8; // one state byte

/** `USBRelay2` → 2. Anything else (another V-USB device on the shared PID) → undefined. */
export function relayChannelCount(product: string | undefined): number | undefined {
  const match = /^USBRelay([1-8])$/.exec(product ?? '');
  return match === null ? undefined : Number(match[1]);
}

function command(code: number, channel = 0): Uint8Array {
  const report = new Uint8Array(RELAY_FEATURE_REPORT_LENGTH);
  report[1] = code;
  report[2] = channel;
  return report;
}

export function relayOnReport(channel: number): Uint8Array {
  checkChannel(channel, MAX_CHANNELS);
  return command(COMMAND_ON, channel);
}

export function relayOffReport(channel: number): Uint8Array {
  checkChannel(channel, MAX_CHANNELS);
  return command(COMMAND_OFF, channel);
}

export function relayAllOffReport(): Uint8Array {
  return command(COMMAND_ALL_OFF);
}

export interface RelayBoardState {
  /** The board's 5-character id (from the feature report, not the USB descriptor). */
  readonly boardId: string;
  /** on[0] is channel 1. */
  readonly on: readonly boolean[];
}

/**
 * Parses a GET_REPORT answer: 9 bytes with the report id first (hidapi), or the bare 8 bytes.
 * Undefined when it is neither: the caller treats that as a protocol fault.
 */
export function parseRelayState(report: Uint8Array, channels: number): RelayBoardState | undefined {
  let data: Uint8Array;
  if (report.length === RELAY_FEATURE_REPORT_LENGTH && report[0] === 0) data = report.subarray(1);
  else if (report.length === RELAY_FEATURE_REPORT_LENGTH - 1) data = report;
  else return undefined;
  let boardId = '';
  for (const byte of data.subarray(0, 5)) {
    if (byte === 0) break;
    // The id is printable ASCII by convention; anything else is shown escaped, never trusted as text.
    boardId += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  const mask = data[7] ?? 0;
  const on: boolean[] = [];
  for (let bit = 0; bit < channels; bit += 1) on.push((mask & (1 << bit)) !== 0);
  return { boardId, on };
}

export function checkChannel(channel: number, channels: number): void {
  if (!Number.isInteger(channel) || channel < 1 || channel > channels) {
    throw new RangeError(`relay channel ${channel} is not one of 1–${channels}`);
  }
}
