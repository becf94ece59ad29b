import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManualEntry } from '../../../../domain/credentials/manual-entry.js';
import type { ParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../../../domain/credentials/verification.js';
import { encodeHexUtf8 as hex } from '../../../../domain/text/hex-utf8.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { buildDcc, createDccSigner, vaccinationHcert } from '../../../support/dcc-fixtures.js';

/** No trust lists: routing does not depend on trust; signed kinds come back untrusted. */
const CONTEXT: VerificationContext = { now: Date.UTC(2021, 9, 15) };

const CCCD = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021';
const BHYT = [
  'GD4797931775688',
  hex('Nguyễn Văn An'),
  '15/03/1989',
  '1',
  hex('Số 1'),
  '79 - 033',
  '01/01/2021',
  '31/12/2021',
  '01/01/2021',
  '79079',
  '-',
  '4',
  '01/01/2025',
  '7f3a9c01b2',
  '$',
].join('|');
const PASS = issuePass(hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey), { id12: '056089001234', now: CONTEXT.now, validForHours: 1 });
const DCC = buildDcc({
  signer: createDccSigner({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z'), extendedKeyUsage: [] }),
  hcert: vaccinationHcert(),
  issuedAt: Date.parse('2021-10-02T00:00:00Z') / 1000,
  expiresAt: Date.parse('2030-10-02T00:00:00Z') / 1000,
});

const kindOf = (input: string | Uint8Array): string => {
  const result = parseScan(input, CONTEXT);
  return result.kind === 'error' ? `error ${(result as ParseError).code}` : result.kind;
};

describe('parseScan: one entry point that routes every format', () => {
  it.each([
    ['a chip ID card QR', CCCD, 'cccd-qr'],
    ['a health-insurance card QR', BHYT, 'bhyt-qr'],
    ['a status pass', PASS, 'pass'],
    ['an EU DCC', DCC, 'dcc'],
    ['a typed 12-digit ID', '056089001234', 'manual'],
    ['a typed 9-digit old ID', '225123456', 'manual'],
    ['a typed 12-digit ID in groups with spaces', '056 089 001 234', 'manual'],
    ['a typed 12-digit ID in groups of four', '0560 8900 1234', 'manual'],
    ['a typed 9-digit old ID in groups', '225 123 456', 'manual'],
    ['ten digits (neither ID)', '0560890012', 'error scan.unrecognised'],
    ['eleven digits in groups (neither ID)', '056 089 001 23', 'error scan.unrecognised'],
    ['a URL', 'https://example.com/x', 'error scan.unrecognised'],
  ])('%s → %s', (_label, input, expected) => {
    expect(kindOf(input)).toBe(expected);
  });

  it('recognises as typed every number the typed-ID parser accepts, and gives the same answer', () => {
    const digitsAndSpaces = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '6', '9', ' ', ' '), minLength: 1, maxLength: 24 });
    const known = fc
      .constantFrom('056089001234', '225123456', '079195004321')
      .chain((id) => fc.array(fc.nat(id.length), { maxLength: 4 }).map((cuts) => [...id].map((digit, i) => (cuts.includes(i) ? ` ${digit}` : digit)).join('')));
    fc.assert(
      fc.property(fc.oneof(digitsAndSpaces, known), (text) => {
        const typed = parseManualEntry(text.trim());
        const scanned = parseScan(text, CONTEXT);
        if (typed.kind === 'manual') expect(scanned).toEqual(typed);
        else if (scanned.kind === 'manual') throw new Error(`parseScan read ${JSON.stringify(text)} the parser refuses`);
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes UTF-8 bytes itself, never through a keyboard layout, and refuses invalid UTF-8', () => {
    expect(kindOf(new TextEncoder().encode(CCCD))).toBe('cccd-qr');
    expect(kindOf(Uint8Array.from([0x30, 0xff, 0xfe, 0x7c]))).toBe('error scan.not-utf8');
  });

  it('ignores the scanner suffix and surrounding blanks, and a byte-order mark', () => {
    expect(kindOf(`\uFEFF  ${CCCD}\r\n`)).toBe('cccd-qr');
  });

  it.each([
    ['', 'scan.empty'],
    ['   \r\n', 'scan.empty'],
    ['abc\u0007def', 'scan.control-characters'],
    ['x'.repeat(8193), 'scan.too-long'],
  ])('%j is refused with %s', (input, code) => {
    expect(kindOf(input)).toBe(`error ${code}`);
  });

  it('every error carries Vietnamese and English text', () => {
    const result = parseScan('nope', CONTEXT) as ParseError;
    expect(result.message.vi.length).toBeGreaterThan(0);
    expect(result.message.en.length).toBeGreaterThan(0);
  });

  it('refuses a 1 MB input before decoding it', () => {
    expect(kindOf(new Uint8Array(1024 * 1024).fill(0x41))).toBe('error scan.too-long');
    expect(kindOf('|'.repeat(1024 * 1024))).toBe('error scan.too-long');
  });
});
