/**
 * Vendor layouts of the HID-POS "Scanned Data Report" (HID Point of Sale Usage Tables 1.02,
 * usage page 0x8C Bar Code Scanner, usage 0x12 Scanned Data Report). The usage tables name
 * the fields — decoded data, symbology identifiers, a "more data follows" flag — but the byte
 * positions come from each vendor's report descriptor, so they are written down per vendor.
 * Every layout here is a 64-byte input report with report id 0x02 in byte 0, as hidapi
 * delivers a numbered report on Linux, macOS and Windows.
 *
 * Honeywell (and Access-IS, which documents the same layout) — `honeywell`:
 *   byte 0       report id 0x02
 *   byte 1       number of decoded-data bytes in this report (0–56)
 *   bytes 2–4    AIM symbology identifier, e.g. `]Q1` (QR), `]d1` (Data Matrix), `]C0` (Code 128)
 *   bytes 5–60   decoded data, zero padded
 *   byte 61      Honeywell Code ID, e.g. `s` (QR), `w` (Data Matrix), `j` (Code 128); 0 if none
 *   byte 62      reserved
 *   byte 63      bit 0 set: more reports follow for the same bar code
 *   Sources: the REVINF reply of a Honeywell Voyager 1602g captured with hidapi
 *   (github.com/HenkVanAsselt/python_hon_usbhid, README: `[2, 56, 93, 88, 48, …, 63, 0, 1]`
 *   then `[2, 9, 93, 88, 48, …, 63, 0, 0]`); Access-IS ATR110/LSR116/LSR118 product manuals,
 *   appendix "HID reports" (same field table, 60-byte BCBP example split 56 + 4 with byte 63
 *   = 1 then 0, byte 61 = `s`); NielsLeenheer/WebHidBarcodeScanner src/main.js (Honeywell
 *   VID 0x0c2e: AIM at data 1–3, Code ID at data 60, continuation at data 62, i.e. offsets
 *   without the report id byte).
 *
 * Newland (NLS-FM420/FM430/EM2027/HR200 HID-POS) — `newland`:
 *   byte 0       report id 0x02
 *   byte 1       number of decoded-data bytes in this report (1–56)
 *   bytes 2–57   decoded data, zero padded
 *   bytes 58–61  reserved
 *   byte 62      Newland Code ID, or 0x00 when not transmitted
 *   byte 63      bit 0 set: decoded data continues in the next report
 *   There is no AIM field: with "AIM ID prefix" enabled the scanner puts the three AIM
 *   characters at the start of the decoded data, so the assembler lifts them off the
 *   reassembled payload (`aimInData`). Sources: Newland NLS-FM420 Integration Guide,
 *   "USB Interface → HID-POS → Getting Scanned Data"; Newland AIDC wiki 435 "How to send and
 *   acquire data in HID POS" (in report id 0x02, out report id 0x04, 64-byte reports).
 */

/** One parsed Scanned Data Report: a slice of a bar code's bytes. */
export interface HidPosReportSlice {
  readonly data: Uint8Array;
  /** AIM symbology identifier from the report's own field (`]Q1`), when it has one. */
  readonly aim?: string | undefined;
  /** The vendor's one-character code id (Honeywell / Newland Code ID), when transmitted. */
  readonly codeId?: string | undefined;
  /** More reports follow for the same bar code. */
  readonly more: boolean;
}

export type HidPosReportParse =
  | { readonly ok: true; readonly slice: HidPosReportSlice }
  /** Another input report of the same interface (not scanned data): ignored, not an error. */
  | { readonly ok: false; readonly reason: 'other-report'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'malformed'; readonly detail: string };

export type HidPosLayoutName = 'honeywell' | 'newland';

export interface HidPosLayout {
  readonly name: HidPosLayoutName;
  /** The AIM identifier, if any, is the first three bytes of the reassembled data. */
  readonly aimInData: boolean;
  parse(report: Uint8Array): HidPosReportParse;
}

const REPORT_ID_SCANNED_DATA = 0x02;
const REPORT_LENGTH = 64;
const DATA_CAPACITY = 56;
const AIM_FLAG = 0x5d; // ']'

function checkHeader(report: Uint8Array): HidPosReportParse | undefined {
  if (report.length === 0) return { ok: false, reason: 'malformed', detail: 'empty report' };
  if (report[0] !== REPORT_ID_SCANNED_DATA) return { ok: false, reason: 'other-report', detail: `report id 0x${hex2(report[0] ?? 0)}` };
  // Short reports would put the continuation flag somewhere else: refuse rather than guess.
  if (report.length !== REPORT_LENGTH) return { ok: false, reason: 'malformed', detail: `${report.length}-byte report, expected ${REPORT_LENGTH}` };
  const length = report[1] ?? 0;
  if (length > DATA_CAPACITY) return { ok: false, reason: 'malformed', detail: `data length ${length} exceeds ${DATA_CAPACITY}` };
  return undefined;
}

function codeIdAt(report: Uint8Array, index: number): string | undefined {
  const byte = report[index] ?? 0;
  return byte === 0 ? undefined : String.fromCharCode(byte);
}

export const HONEYWELL_LAYOUT: HidPosLayout = {
  name: 'honeywell',
  aimInData: false,
  parse(report) {
    const bad = checkHeader(report);
    if (bad !== undefined) return bad;
    const length = report[1] ?? 0;
    const aim = report[2] === AIM_FLAG ? String.fromCharCode(report[2], report[3] ?? 0, report[4] ?? 0) : undefined;
    return {
      ok: true,
      slice: { data: report.slice(5, 5 + length), aim, codeId: codeIdAt(report, 61), more: ((report[63] ?? 0) & 0x01) !== 0 },
    };
  },
};

export const NEWLAND_LAYOUT: HidPosLayout = {
  name: 'newland',
  aimInData: true,
  parse(report) {
    const bad = checkHeader(report);
    if (bad !== undefined) return bad;
    const length = report[1] ?? 0;
    return {
      ok: true,
      slice: { data: report.slice(2, 2 + length), codeId: codeIdAt(report, 62), more: ((report[63] ?? 0) & 0x01) !== 0 },
    };
  },
};

export const HID_POS_LAYOUTS: Readonly<Record<HidPosLayoutName, HidPosLayout>> = {
  honeywell: HONEYWELL_LAYOUT,
  newland: NEWLAND_LAYOUT,
};

/**
 * USB vendor ids whose HID-POS layout is known, each from the sources above: 0x0c2e is the id
 * WebHidBarcodeScanner opens Honeywell scanners by; 0x1eab is Newland's (its integration guide,
 * "VID and PID Table"). Other vendors are added here once a real device has passed the
 * conformance test (CHOT_TEST_HID_SCANNER).
 */
const LAYOUT_BY_VENDOR: ReadonlyMap<number, HidPosLayout> = new Map([
  [0x0c2e, HONEYWELL_LAYOUT], // Honeywell (Metrologic)
  [0x1eab, NEWLAND_LAYOUT], // Newland Auto-ID
]);

/**
 * The layout for a scanner's vendor. Unknown vendors get the Honeywell layout, the one most
 * HID-POS scanners share (Honeywell, Access-IS). A wrong layout shifts the data by three bytes
 * and can truncate it, so a scanner of another vendor must be given its layout explicitly
 * (`HidPosScannerOptions.layoutFor`) after checking it with the conformance test.
 */
export function layoutForVendor(vendorId: number | undefined): HidPosLayout {
  return (vendorId === undefined ? undefined : LAYOUT_BY_VENDOR.get(vendorId)) ?? HONEYWELL_LAYOUT;
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
