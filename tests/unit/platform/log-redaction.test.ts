import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../../platform/logging/logger.js';
import { CARD_TEXT_WITHHELD, MAX_MESSAGE_CHARS, redactFields, redactText, WITHHELD } from '../../../platform/logging/log-redaction.js';

describe('redaction of texts', () => {
  it.each([
    ['a CCCD number', 'person 056089001234 not found', 'person ••••1234 not found'],
    ['an old 9-digit CMND number', 'old id 225123456', 'old id ••••3456'],
    ['a 10-digit BHXH number', 'bhxh=7912345678;', 'bhxh=••••5678;'],
    ['a BHYT card number with its letters', 'card DN4797912345678 expired', 'card ••••5678 expired'],
    ['an ID typed in groups', 'typed 056 089 001 234.', 'typed ••••1234.'],
    ['a phone number', 'call 0905123456', 'call ••••3456'],
    ['an ID followed by a word that only starts like a unit', '056089001234 msg', '••••1234 msg'],
    [
      'a CCCD QR text with name and address',
      'refused 056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021 at lane 1',
      `refused ${CARD_TEXT_WITHHELD} at lane 1`,
    ],
    ['a DCC payload', 'cannot read HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH here', 'cannot read HC1:[withheld] here'],
    ['a status pass', 'CHOT1:abcdef123', 'CHOT1:[withheld]'],
  ])('%s', (_what, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    ['a device id (hex)', 'k-3a0123456789bcde'],
    ['a hash', 'hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['a date, a time, an address with a port', '2026-12-06T06:30:04.123Z 192.168.100.200:8080'],
    ['small counts and sequences', 'sync ok at sequence 12345678, 25000 people'],
    ['a size or a duration with its unit', 'snapshot at sequence 9 ready: 10000000 people, 400 chunks, 523456789 bytes, built in 1234567890 ms'],
  ])('keeps %s', (_what, text) => {
    expect(redactText(text)).toBe(text);
  });

  it('cuts long texts after masking, so a cut never leaves an ID bare', () => {
    const text = `${'x'.repeat(MAX_MESSAGE_CHARS - 4)} 056089001234`;
    const redacted = redactText(text);
    expect(redacted).not.toMatch(/\d{5}/);
    expect(redactText('y'.repeat(MAX_MESSAGE_CHARS + 50))).toMatch(/… \(50 more characters\)$/);
  });
});

describe('redaction of fields', () => {
  it.each(['name', 'fullName', 'full_name', 'staffName', 'address', 'birthDate', 'dateOfBirth', 'dob', 'photo', 'photoPng', 'phone', 'email'])(
    'withholds a field named %s',
    (name) => {
      expect(redactFields({ [name]: 'Nguyễn Văn An' })).toEqual({ [name]: WITHHELD });
    },
  );

  it('masks IDs in values and big numbers, keeps codes, counts and flags, leaves undefined out', () => {
    expect(
      redactFields({
        id: '056089001234',
        code: 'scan.unknown-format',
        status: 409,
        pending: 2000,
        ok: false,
        none: null,
        idAsNumber: 79195004321,
        absent: undefined,
      }),
    ).toEqual({
      id: '••••1234',
      code: 'scan.unknown-format',
      status: 409,
      pending: 2000,
      ok: false,
      none: null,
      idAsNumber: '••••4321',
    });
  });

  it('the logger runs it on every record, child fields included, before any sink', () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sinks: [{ write: (record) => void records.push(record) }] });
    logger.child({ fullName: 'Trần Thị Bình' }).warn('scan 079195004321 refused', { address: 'Số 1 Trần Phú' });
    expect(records[0]).toMatchObject({ message: 'scan ••••4321 refused', fields: { fullName: WITHHELD, address: WITHHELD } });
  });
});
