import { describe, expect, it } from 'vitest';
import {
  ENROLLMENT_QR_PREFIX,
  formatEnrollmentQr,
  isEnrollmentQr,
  MAX_ENROLLMENT_QR_LENGTH,
  parseEnrollmentQr,
} from '../../../../domain/enrollment/enrollment-qr.js';

const CODE = 'K7QM-4XZ2-9PHD';
const FINGERPRINT = 'a3'.repeat(32);
const qrOf = (code: string, fingerprint: string, url: string): string => `${ENROLLMENT_QR_PREFIX}${code}:${fingerprint}:${url}`;

describe('the enrolment QR', () => {
  it.each(['http://hub.example:8080', 'https://hub.example', 'http://192.168.1.20:8080/', 'https://hub.example/chot/', 'http://[fd00::1]:8080'])(
    'carries the code, the fingerprint and the hub URL %s',
    (url) => {
      const text = qrOf(CODE, FINGERPRINT, url);
      expect(parseEnrollmentQr(text)).toEqual({ ok: true, qr: { code: CODE, hubKeySha256: FINGERPRINT, hubUrl: url } });
      expect(formatEnrollmentQr({ code: CODE, hubKeySha256: FINGERPRINT, hubUrl: url })).toBe(text);
    },
  );

  it('is told apart from every other scan by its prefix alone', () => {
    expect(isEnrollmentQr(qrOf(CODE, FINGERPRINT, 'http://h'))).toBe(true);
    expect(isEnrollmentQr('HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH')).toBe(false);
    expect(isEnrollmentQr('chot-enroll1:x')).toBe(false);
  });

  it.each([
    ['a file scheme', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['ftp', 'ftp://hub.example'],
    ['a user and password', 'http://admin:pw@hub.example'],
    ['a query', 'http://hub.example/?next=evil'],
    ['a fragment', 'http://hub.example/#x'],
    ['no host', 'http://'],
    ['a port out of range', 'http://hub.example:70000'],
    ['port 0', 'http://hub.example:0'],
    ['an empty URL', ''],
    ['a backslash', 'http://hub.example\\evil'],
  ])('refuses a hub URL with %s', (_what, url) => {
    expect(parseEnrollmentQr(qrOf(CODE, FINGERPRINT, url))).toEqual({ ok: false, problem: 'bad-url' });
  });

  it('refuses a hub URL longer than its bound, and a QR longer than its own', () => {
    const longUrl = `http://${'h'.repeat(260)}.example`;
    expect(parseEnrollmentQr(qrOf(CODE, FINGERPRINT, longUrl))).toEqual({ ok: false, problem: 'bad-url' });
    expect(parseEnrollmentQr(qrOf(CODE, FINGERPRINT, `http://hub.example/${'a'.repeat(MAX_ENROLLMENT_QR_LENGTH)}`))).toEqual({
      ok: false,
      problem: 'too-long',
    });
    // Bounded before any other work: a megabyte of scan is refused by its length.
    expect(parseEnrollmentQr(ENROLLMENT_QR_PREFIX + ':'.repeat(1_000_000))).toEqual({ ok: false, problem: 'too-long' });
  });

  it.each([
    ['a new line', `${qrOf(CODE, FINGERPRINT, 'http://hub.example')}\nhttp://evil`],
    ['an escape sequence', qrOf(CODE, FINGERPRINT, 'http://hub\u001b[2J.example')],
    ['a NUL', qrOf(CODE, FINGERPRINT, 'http://hub.example\u0000')],
    ['a space', qrOf(CODE, FINGERPRINT, 'http://hub.example /x')],
    ['a bidi override', qrOf(CODE, FINGERPRINT, 'http://hub\u202e.example')],
    ['a non-ASCII letter', qrOf(CODE, FINGERPRINT, 'http://hüb.example')],
  ])('refuses %s anywhere in it', (_what, text) => {
    expect(parseEnrollmentQr(text)).toEqual({ ok: false, problem: 'bad-characters' });
  });

  it.each([
    ['lower case', 'k7qm-4xz2-9phd'],
    ['no dashes', 'K7QM4XZ29PHD'],
    ['a look-alike letter', 'K7QM-4XZ2-9PHI'],
    ['too short', 'K7QM-4XZ2-9PH'],
    ['empty', ''],
  ])('refuses a code in %s', (_what, code) => {
    expect(parseEnrollmentQr(qrOf(code, FINGERPRINT, 'http://hub.example'))).toEqual({ ok: false, problem: 'bad-code' });
  });

  it.each([
    ['upper case hex', 'A3'.repeat(32)],
    ['a 4-byte key id', 'a3a3a3a3'],
    ['base64', 'GX9rI+FshTLGq8g4+s1ep4m+DHaykgM0A5v6iz02jWE='],
  ])('refuses a fingerprint in %s', (_what, fingerprint) => {
    expect(parseEnrollmentQr(qrOf(CODE, fingerprint, 'http://hub.example'))).toEqual({ ok: false, problem: 'bad-fingerprint' });
  });

  it('refuses a QR with its fields missing, and anything without the prefix', () => {
    expect(parseEnrollmentQr(`${ENROLLMENT_QR_PREFIX}${CODE}`)).toEqual({ ok: false, problem: 'bad-fields' });
    expect(parseEnrollmentQr(`${ENROLLMENT_QR_PREFIX}${CODE}:${FINGERPRINT}`)).toEqual({ ok: false, problem: 'bad-fields' });
    expect(parseEnrollmentQr(`CHOT-ENROLL2:${CODE}:${FINGERPRINT}:http://hub.example`)).toEqual({ ok: false, problem: 'bad-fields' });
  });

  it('will not format fields it would refuse to read', () => {
    expect(() => formatEnrollmentQr({ code: CODE, hubKeySha256: FINGERPRINT, hubUrl: 'file:///x' })).toThrow(RangeError);
  });
});
