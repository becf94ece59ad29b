import { describe, expect } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import { FakeHidBinding } from '../../../../drivers/hid/fake-hid-binding.js';
import { NodeHidBinding } from '../../../../drivers/hid/node-hid-binding.js';
import { HidPosScannerDriver, type HidPosScanEvent } from '../../../../drivers/hid-pos/hid-pos-scanner.js';
import { scannerConformance } from '../scanner-conformance.js';
import { CCCD_QR_TEXT, HONEYWELL_CCCD_REPORTS } from './report-fixtures.js';

/**
 * HID-POS scanner conformance: always against the fake binding; against a real scanner when
 * CHOT_TEST_HID_SCANNER names its hidraw path (see drivers/README.md, "Testing with real
 * devices"). The real run waits for a person to scan a QR whose content is
 * CHOT_TEST_HID_SCANNER_TEXT (default: the CCCD fixture text, with Vietnamese names).
 */
const REAL_SCANNER = process.env['CHOT_TEST_HID_SCANNER'];
const REAL_TEXT = process.env['CHOT_TEST_HID_SCANNER_TEXT'] ?? CCCD_QR_TEXT;

const checkSymbology = (scan: ScanEvent): void => {
  expect((scan as HidPosScanEvent).symbology?.aim ?? ']Q1').toMatch(/^\][A-Za-z][0-9A-Za-z]$/);
  // The AIM identifier is captured, never left in the text.
  expect(scan.text.startsWith(']Q')).toBe(false);
};

describe('HID-POS scanner conformance: fake binding (Honeywell layout)', () => {
  let binding = new FakeHidBinding();
  scannerConformance(() => {
    binding = new FakeHidBinding();
    binding.plug({ path: '/dev/hidraw3', vendorId: 0x0c2e, productId: 0x0b8f, usagePage: 0x8c, usage: 0x02, product: '1400g' });
    return {
      driver: new HidPosScannerDriver(binding),
      deviceId: '/dev/hidraw3',
      kind: 'hid-pos-scanner',
      sourceKind: 'hid-pos',
      expectedText: CCCD_QR_TEXT,
      scan: () => {
        for (const report of HONEYWELL_CCCD_REPORTS) binding.device('/dev/hidraw3')?.sendInputReport(report);
      },
      scanTimeoutMs: 1_000,
      checkEvent: checkSymbology,
    };
  });
});

const realTitle =
  REAL_SCANNER === undefined
    ? 'HID-POS scanner conformance: real device — skipped: set CHOT_TEST_HID_SCANNER=/dev/hidrawN (and CHOT_TEST_HID_SCANNER_TEXT) to run it'
    : `HID-POS scanner conformance: real device ${REAL_SCANNER}`;

describe.skipIf(REAL_SCANNER === undefined)(realTitle, { timeout: 90_000 }, () => {
  const driver = new HidPosScannerDriver(new NodeHidBinding());
  scannerConformance(() => ({
    driver,
    deviceId: REAL_SCANNER ?? '',
    kind: 'hid-pos-scanner',
    sourceKind: 'hid-pos',
    expectedText: REAL_TEXT,
    scan: () => {
      process.stderr.write(`\n>>> Scan the test QR with the scanner at ${REAL_SCANNER} now (60 s).\n`);
    },
    scanTimeoutMs: 60_000,
    checkEvent: checkSymbology,
  }));
});
