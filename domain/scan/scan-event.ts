/** Every kind of reader: the one list the type, the RPC check and the hub's upload check share. */
export const SCAN_SOURCE_KINDS = ['wedge', 'serial', 'hid-pos', 'camera', 'chip', 'manual'] as const;
/** Where a scan came from. The core trusts none of it; it is recorded in the entry log. */
export type ScanSourceKind = (typeof SCAN_SOURCE_KINDS)[number];

export interface ScanSource {
  readonly kind: ScanSourceKind;
  /** Stable name of the device (e.g. "wedge", "/dev/ttyACM0", "demo"). */
  readonly deviceId: string;
}

/**
 * One framed read from a device. `text` is the UTF-8 decoding of `bytes`, done by us
 * and never by a keyboard layout (a keyboard wedge has no bytes: it delivers text).
 */
export interface ScanEvent {
  readonly source: ScanSource;
  readonly text: string;
  readonly bytes?: Uint8Array;
  /** The framer cut the input because it exceeded its limit: the text is truncated. */
  readonly overflow?: boolean;
  /** The framer cut the code in two (the scanner paused mid-code): this many characters before `text` were lost. */
  readonly startLost?: number;
  /** When the last byte or keystroke arrived (ISO 8601). */
  readonly at: string;
}

/** Longest scan the core will look at. A QR code (version 40) holds at most 7 089 characters. */
export const MAX_SCAN_CHARS = 8192;
