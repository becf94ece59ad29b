import { existsSync, realpathSync } from 'node:fs';
import { describe } from 'vitest';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';
import { NodeSerialTransport } from '../../../../drivers/serial/node-serial-transport.js';
import { DEFAULT_SERIAL_SCANNER_CONFIG, SerialScannerDriver } from '../../../../drivers/serial/serial-scanner-driver.js';
import { scannerConformance } from '../scanner-conformance.js';
import { CCCD_QR_TEXT } from '../hid-pos/report-fixtures.js';

/**
 * Serial scanner conformance: always against the fake transport; against a real scanner in
 * USB CDC (or RS-232) mode when CHOT_TEST_SERIAL_SCANNER names its port (see drivers/README.md,
 * "Serial scanners and relays"). The real run waits for a person to scan a QR whose content is
 * CHOT_TEST_SERIAL_SCANNER_TEXT (default: the CCCD fixture text, with Vietnamese names).
 */
const REAL_SCANNER = process.env['CHOT_TEST_SERIAL_SCANNER'];
/** The port list names /dev/ttyACM0, not the /dev/serial/by-id/… link a person may give. */
const REAL_PATH = REAL_SCANNER !== undefined && existsSync(REAL_SCANNER) ? realpathSync(REAL_SCANNER) : REAL_SCANNER;
const REAL_BAUD = Number(process.env['CHOT_TEST_SERIAL_SCANNER_BAUD'] ?? '9600');
const REAL_TEXT = process.env['CHOT_TEST_SERIAL_SCANNER_TEXT'] ?? CCCD_QR_TEXT;
const PATH = '/dev/ttyACM0';

describe('serial scanner conformance: fake transport (Honeywell in USB CDC mode)', () => {
  let transport = new FakeSerialTransport();
  scannerConformance(() => {
    transport = new FakeSerialTransport();
    transport.plug({ path: PATH, vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell' });
    return {
      driver: new SerialScannerDriver({ transport, configFor: (port) => (port.vendorId === '0c2e' ? DEFAULT_SERIAL_SCANNER_CONFIG : undefined) }),
      deviceId: PATH,
      kind: 'serial-scanner',
      sourceKind: 'serial',
      expectedText: CCCD_QR_TEXT,
      scan: () => {
        // As a scanner sends it: the code in a few USB packets, then CR LF.
        const bytes = new TextEncoder().encode(`${CCCD_QR_TEXT}\r\n`);
        for (let offset = 0; offset < bytes.length; offset += 64) transport.send(PATH, bytes.subarray(offset, offset + 64));
      },
      scanTimeoutMs: 1_000,
    };
  });
});

const realTitle =
  REAL_SCANNER === undefined
    ? 'serial scanner conformance: real device — skipped: set CHOT_TEST_SERIAL_SCANNER=/dev/ttyACM0 (and CHOT_TEST_SERIAL_SCANNER_BAUD, CHOT_TEST_SERIAL_SCANNER_TEXT) to run it'
    : `serial scanner conformance: real device ${REAL_SCANNER}`;

describe.skipIf(REAL_SCANNER === undefined)(realTitle, { timeout: 90_000 }, () => {
  const config = { ...DEFAULT_SERIAL_SCANNER_CONFIG, settings: { ...DEFAULT_SERIAL_SCANNER_CONFIG.settings, baudRate: REAL_BAUD } };
  const driver = new SerialScannerDriver({ transport: new NodeSerialTransport(), configFor: (port) => (port.path === REAL_PATH ? config : undefined) });
  scannerConformance(() => ({
    driver,
    deviceId: REAL_PATH ?? '',
    kind: 'serial-scanner',
    sourceKind: 'serial',
    expectedText: REAL_TEXT,
    scan: () => {
      process.stderr.write(`\n>>> Scan the test QR with the scanner at ${REAL_SCANNER} now (60 s).\n`);
    },
    scanTimeoutMs: 60_000,
  }));
});
