/**
 * HID-POS Scanned Data Report fixtures: 64-byte input reports with the report id in byte 0,
 * exactly as node-hid delivers them. Each says where its bytes come from. Layouts: see
 * drivers/hid-pos/report-layouts.ts.
 */

/**
 * RECORDED: a Honeywell Voyager 1602g answering the menu command REVINF. over USB HID-POS,
 * captured with hidapi and published in github.com/HenkVanAsselt/python_hon_usbhid (README,
 * "Data received: …"), copied verbatim in decimal. Six reports of one message: five full
 * slices (length 56, AIM `]X0`, Code ID `?` = 63 at byte 61, byte 63 = 1 "more follows"),
 * then a 9-byte last slice with byte 63 = 0.
 */
export const HONEYWELL_REVINF_REPORTS: readonly (readonly number[])[] = [
  [
    2, 56, 93, 88, 48, 80, 114, 111, 100, 117, 99, 116, 32, 78, 97, 109,
    101, 58, 32, 86, 111, 121, 97, 103, 101, 114, 32, 49, 54, 48, 50, 103,
    13, 10, 66, 111, 111, 116, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58,
    32, 58, 32, 56, 57, 57, 50, 13, 10, 83, 111, 102, 116, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 119, 97, 114, 101, 32, 80, 97, 114, 116, 32, 78,
    117, 109, 98, 101, 114, 58, 32, 67, 87, 48, 48, 48, 48, 56, 50, 66,
    66, 65, 13, 10, 83, 111, 102, 116, 119, 97, 114, 101, 32, 82, 101, 118,
    105, 115, 105, 111, 110, 58, 32, 36, 80, 114, 111, 106, 101, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 99, 116, 82, 101, 118, 105, 115, 105, 111, 110, 58,
    32, 49, 54, 51, 52, 53, 32, 13, 10, 83, 101, 114, 105, 97, 108, 32,
    78, 117, 109, 98, 101, 114, 58, 32, 49, 53, 50, 51, 50, 66, 49, 70,
    48, 67, 13, 10, 83, 117, 112, 112, 111, 114, 116, 101, 100, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 32, 73, 70, 58, 32, 66, 108, 117, 101, 116, 111,
    111, 116, 104, 13, 10, 80, 67, 66, 32, 65, 115, 115, 101, 109, 98, 108,
    121, 32, 73, 68, 58, 32, 48, 48, 48, 48, 48, 48, 13, 10, 69, 110,
    103, 105, 110, 101, 32, 70, 105, 114, 109, 119, 97, 114, 101, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 32, 84, 121, 112, 101, 58, 32, 78, 47, 65, 32,
    32, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 78, 47, 65, 32,
    32, 32, 83, 101, 114, 105, 97, 108, 32, 78, 117, 109, 98, 101, 114, 58,
    32, 78, 47, 65, 32, 32, 32, 67, 104, 101, 99, 107, 115, 63, 0, 1,
  ],
  [
    2, 9, 93, 88, 48, 117, 109, 58, 32, 78, 47, 65, 13, 10, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0,
  ],
];

export const HONEYWELL_REVINF_TEXT =
  'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\n' +
  'Software Revision: $ProjectRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported IF: Bluetooth\r\n' +
  'PCB Assembly ID: 000000\r\nEngine Firmware Type: N/A   Revision: N/A   Serial Number: N/A   Checksum: N/A\r\n';

/**
 * RECORDED (same capture): the single report that follows, a message of its own — AIM `]Z6`,
 * the command echoed and the status byte ACK (0x06): `REVINF\x06.`, Code ID `6` at byte 61.
 */
export const HONEYWELL_REVINF_ACK_REPORT: readonly number[] = [
  2, 8, 93, 90, 54, 82, 69, 86, 73, 78, 70, 6, 46, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0,
];

/**
 * DERIVED (not captured): a chip ID card (CCCD) QR as a Honeywell scanner sends it, built
 * from the layout above — UTF-8 bytes of CCCD_QR_TEXT cut in 56-byte slices, AIM `]Q1` (QR,
 * model 2) in bytes 2–4 of every report, Honeywell Code ID `s` (QR) in byte 61, byte 63 = 1
 * on all but the last. 140 bytes: 56 + 56 + 28. The first cut falls inside `ữ` (E1 | BB AF),
 * so a decoder that decodes per report instead of per bar code breaks the name.
 */
export const CCCD_QR_TEXT = '001190012345|012345678|Nguyễn Thị Đức|01011990|Nữ|Số 1 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội|15062021';

export const HONEYWELL_CCCD_REPORTS: readonly (readonly number[])[] = [
  [
    0x02, 0x38, 0x5d, 0x51, 0x31, 0x30, 0x30, 0x31, 0x31, 0x39, 0x30, 0x30, 0x31, 0x32, 0x33, 0x34,
    0x35, 0x7c, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x7c, 0x4e, 0x67, 0x75, 0x79,
    0xe1, 0xbb, 0x85, 0x6e, 0x20, 0x54, 0x68, 0xe1, 0xbb, 0x8b, 0x20, 0xc4, 0x90, 0xe1, 0xbb, 0xa9,
    0x63, 0x7c, 0x30, 0x31, 0x30, 0x31, 0x31, 0x39, 0x39, 0x30, 0x7c, 0x4e, 0xe1, 0x73, 0x00, 0x01,
  ],
  [
    0x02, 0x38, 0x5d, 0x51, 0x31, 0xbb, 0xaf, 0x7c, 0x53, 0xe1, 0xbb, 0x91, 0x20, 0x31, 0x20, 0x50,
    0x68, 0xe1, 0xbb, 0x91, 0x20, 0x48, 0x75, 0xe1, 0xba, 0xbf, 0x2c, 0x20, 0x50, 0x68, 0xc6, 0xb0,
    0xe1, 0xbb, 0x9d, 0x6e, 0x67, 0x20, 0x48, 0xc3, 0xa0, 0x6e, 0x67, 0x20, 0x42, 0xc3, 0xa0, 0x69,
    0x2c, 0x20, 0x51, 0x75, 0xe1, 0xba, 0xad, 0x6e, 0x20, 0x48, 0x6f, 0xc3, 0xa0, 0x73, 0x00, 0x01,
  ],
  [
    0x02, 0x1c, 0x5d, 0x51, 0x31, 0x6e, 0x20, 0x4b, 0x69, 0xe1, 0xba, 0xbf, 0x6d, 0x2c, 0x20, 0x48,
    0xc3, 0xa0, 0x20, 0x4e, 0xe1, 0xbb, 0x99, 0x69, 0x7c, 0x31, 0x35, 0x30, 0x36, 0x32, 0x30, 0x32,
    0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x73, 0x00, 0x00,
  ],
];

/**
 * DERIVED (not captured): a CCCD QR as a Newland scanner sends it with "AIM ID prefix" on,
 * built from the Newland NLS-FM420 integration guide's table — `]Q1` + UTF-8 of
 * NEWLAND_CCCD_TEXT (146 bytes) in the decoded-data field (bytes 2–57), 56 + 56 + 34, Newland
 * Code ID `Q` in byte 62, byte 63 = 1 on all but the last. The second cut falls inside `ồ`.
 */
export const NEWLAND_CCCD_TEXT = '079190000123|023456789|Phạm Thị Hương|20111990|Nữ|Ấp Mỹ Hòa, Xã Tân Phước, Huyện Tân Hồng, Tỉnh Đồng Tháp|01072021';

export const NEWLAND_CCCD_REPORTS: readonly (readonly number[])[] = [
  [
    0x02, 0x38, 0x5d, 0x51, 0x31, 0x30, 0x37, 0x39, 0x31, 0x39, 0x30, 0x30, 0x30, 0x30, 0x31, 0x32,
    0x33, 0x7c, 0x30, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x7c, 0x50, 0x68, 0xe1, 0xba,
    0xa1, 0x6d, 0x20, 0x54, 0x68, 0xe1, 0xbb, 0x8b, 0x20, 0x48, 0xc6, 0xb0, 0xc6, 0xa1, 0x6e, 0x67,
    0x7c, 0x32, 0x30, 0x31, 0x31, 0x31, 0x39, 0x39, 0x30, 0x7c, 0x00, 0x00, 0x00, 0x00, 0x51, 0x01,
  ],
  [
    0x02, 0x38, 0x4e, 0xe1, 0xbb, 0xaf, 0x7c, 0xe1, 0xba, 0xa4, 0x70, 0x20, 0x4d, 0xe1, 0xbb, 0xb9,
    0x20, 0x48, 0xc3, 0xb2, 0x61, 0x2c, 0x20, 0x58, 0xc3, 0xa3, 0x20, 0x54, 0xc3, 0xa2, 0x6e, 0x20,
    0x50, 0x68, 0xc6, 0xb0, 0xe1, 0xbb, 0x9b, 0x63, 0x2c, 0x20, 0x48, 0x75, 0x79, 0xe1, 0xbb, 0x87,
    0x6e, 0x20, 0x54, 0xc3, 0xa2, 0x6e, 0x20, 0x48, 0xe1, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x51, 0x01,
  ],
  [
    0x02, 0x22, 0x93, 0x6e, 0x67, 0x2c, 0x20, 0x54, 0xe1, 0xbb, 0x89, 0x6e, 0x68, 0x20, 0xc4, 0x90,
    0xe1, 0xbb, 0x93, 0x6e, 0x67, 0x20, 0x54, 0x68, 0xc3, 0xa1, 0x70, 0x7c, 0x30, 0x31, 0x30, 0x37,
    0x32, 0x30, 0x32, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x51, 0x00,
  ],
];

/**
 * RECORDED (first 16 bytes), padded: a Newland FM30's answer on input report 0x02 to a
 * "read serial number" command, from Newland AIDC wiki 435 "How to send and acquire data in
 * HID POS": `02 0E 02 00 00 08 45 4C 30 33 30 30 39 35 25 51` then zeros to 64 bytes — length
 * 0x0E at byte 1, 14 data bytes from byte 2 (serial `EL030095` inside), no continuation.
 */
export const NEWLAND_SERIAL_REPLY_REPORT: readonly number[] = [
  0x02, 0x0e, 0x02, 0x00, 0x00, 0x08, 0x45, 0x4c, 0x30, 0x33, 0x30, 0x30, 0x39, 0x35, 0x25, 0x51,
  ...new Array<number>(48).fill(0),
];

/** Builds a Honeywell-layout report (for edge cases the fixtures above do not cover). */
export function honeywellReport(data: readonly number[], more: boolean, aim = ']Q1'): number[] {
  const report = new Array<number>(64).fill(0);
  report[0] = 0x02;
  report[1] = data.length;
  for (let index = 0; index < 3; index += 1) report[2 + index] = aim.charCodeAt(index);
  data.forEach((byte, index) => (report[5 + index] = byte));
  report[61] = 0x73;
  report[63] = more ? 1 : 0;
  return report;
}
