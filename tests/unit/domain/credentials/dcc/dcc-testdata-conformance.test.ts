import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DccCredential, ParseError } from '../../../../../domain/credentials/credential.js';
import { decodeBase45, encodeBase45 } from '../../../../../domain/encoding/base45.js';
import { decodeCbor, hex, type CborValue } from '../../../../../domain/credentials/dcc/cbor-decode.js';
import { encodeCbor } from '../../../../../domain/credentials/dcc/cbor-encode.js';
import { readCoseSign1 } from '../../../../../domain/credentials/dcc/cose-sign1.js';
import type { DccDiagnostics } from '../../../../../domain/credentials/dcc/dcc-diagnostics.js';
import { parseIsoInstant } from '../../../../../domain/time/iso-instant.js';
import { parseDcc } from '../../../../../domain/credentials/dcc/parse-dcc.js';
import { inflateZlib } from '../../../../../domain/credentials/dcc/zlib-inflate.js';
import type { DccTrustList } from '../../../../../domain/credentials/verification.js';
import { DirectoryDccSchemaValidator } from '../../../../../main/trust/dcc-schema-validator.js';
import { dccTrustListFromCertificates } from '../../../../../main/trust/dcc-trust-list.js';
import { cborToJson, jsonToCbor } from '../../../../support/dcc-fixtures.js';
import { decodeQrPng } from '../../../../support/qr-png.js';
import { repoRoot } from '../../../../support/kiosk-process.js';

/**
 * Conformance with the public DCC test data (dgc-testdata, ../shared/test-data): every
 * case through the whole pipeline, with its certificate as the only trusted signer, its
 * validation clock, and the shipped schemas; every EXPECTED* key it states is checked
 * against what our pipeline did. Written against the format, not the folders: the same
 * test runs unchanged on any country's cases.
 */

const root = repoRoot();
const sharedData = join(root, '..', 'shared', 'test-data');
const casesDir = join(sharedData, 'dcc-testdata');
const schemaDir = join(sharedData, 'dcc-schema');
const available = existsSync(casesDir) && existsSync(schemaDir);

if (!available) {
  process.stderr.write(`DCC conformance: skipped, ${casesDir} is absent (the shared test data is not checked out beside the project)\n`);
}

type Json = Record<string, unknown>;
interface TestCase {
  readonly path: string;
  readonly data: Json;
}

function listCases(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listCases(path) : name.endsWith('.json') ? [path] : [];
    });
}

const cases: TestCase[] = available
  ? listCases(casesDir).map((file) => ({ path: relative(casesDir, file).split(sep).join('/'), data: JSON.parse(readFileSync(file, 'utf8')) as Json }))
  : [];

/** `<case path> <EXPECTED key>  # reason` lines: the checks whose expectation contradicts the case's own data. */
const contradictions: ReadonlySet<string> = available
  ? new Set(
      readFileSync(join(casesDir, 'KNOWN-CONTRADICTIONS.txt'), 'utf8')
        .split('\n')
        .map((line) => line.replace(/#.*/, '').trim())
        .filter((line) => line !== '')
        .map((line) => line.split(/\s+/).slice(0, 2).join(' ')),
    )
  : new Set();

/** Keys that are not checks, or that the upstream suite itself ignores. */
const IGNORED_KEYS: Readonly<Record<string, string>> = {
  // A misspelling in a few files; the upstream suite never reads it.
  EXPTECTEDEXPIRED: 'misspelt key, ignored upstream',
};

/** Checks we do not make, with the reason (named in the test title). */
const NOT_CHECKED: Readonly<Record<string, string>> = {
  // From the upstream "code generation" table: whether the case's own JSON is valid against
  // TESTCTX.SCHEMA says nothing about a reader. KNOWN-CONTRADICTIONS.txt covers reader checks
  // only, and this key contradicts its own case's JSON in 170 cases (168 NL, BG 1 and 2).
  EXPECTEDVALIDOBJECT: 'producer-side check of the case JSON, not a reader step',
};

/**
 * EXPECTEDRESULTS, flattened: some files nest a second EXPECTEDRESULTS object inside,
 * or carry a stray boolean `EXPECTEDRESULTS` flag (no check of its own).
 */
function expectations(data: Json): Map<string, boolean> {
  const found = new Map<string, boolean>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (typeof value === 'object' && value !== null) visit(value);
      else if (typeof value === 'boolean' && key !== 'EXPECTEDRESULTS' && !(key in IGNORED_KEYS)) found.set(key, value);
    }
  };
  visit(data['EXPECTEDRESULTS']);
  return found;
}

const schemas = available ? new DirectoryDccSchemaValidator(schemaDir) : undefined;

function trustFor(data: Json): DccTrustList {
  const certificate = (data['TESTCTX'] as Json | undefined)?.['CERTIFICATE'];
  if (typeof certificate !== 'string') return { byKid: () => [] };
  try {
    return dccTrustListFromCertificates([certificate]);
  } catch {
    return { byKid: () => [] }; // an unreadable certificate trusts nobody
  }
}

const text = (data: Json, key: string): string | undefined => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : undefined);
const decodeHex = (value: string): Uint8Array => Uint8Array.from(value.match(/../g) ?? [], (pair) => parseInt(pair, 16));

/**
 * The text to scan: PREFIX, or (the format lets a case carry only what its checks need)
 * the earliest stage it has, re-encoded: BASE45, COMPRESSED, or an uncompressed COSE.
 */
function inputOf(data: Json): string {
  const prefixed = text(data, 'PREFIX');
  if (prefixed !== undefined) return prefixed;
  const base45 = text(data, 'BASE45');
  if (base45 !== undefined) return `HC1:${base45}`;
  const bytes = text(data, 'COMPRESSED') ?? text(data, 'COSE');
  return bytes === undefined ? '' : `HC1:${encodeBase45(decodeHex(bytes))}`;
}

/** The case's QR picture (base64 PNG); a few files spell the key `_2DCODE`. */
function pictureOf(data: Json): Uint8Array | undefined {
  const encoded = text(data, '2DCODE') ?? text(data, '_2DCODE');
  return encoded === undefined ? undefined : new Uint8Array(Buffer.from(encoded, 'base64'));
}

/** A check whose input the case does not carry cannot be run (common/B1 expects a picture decode but has no picture). */
function hasNoInput(data: Json, key: string): boolean {
  return key === 'EXPECTEDPICTUREDECODE' && pictureOf(data) === undefined;
}

/** Each EXPECTED* key → whether our pipeline achieved that step (a step not reached did not). */
function outcomes(testCase: TestCase, result: DccCredential | ParseError): Record<string, () => boolean> {
  const { data } = testCase;
  const d: DccDiagnostics | undefined = result.dcc;
  const base45Text = inputOf(data).slice(4);
  const stages = d?.stages;
  return {
    EXPECTEDUNPREFIX: () => stages?.unprefix === true && (text(data, 'BASE45') === undefined || base45Text === text(data, 'BASE45')),
    EXPECTEDB45DECODE: () => {
      const compressed = text(data, 'COMPRESSED');
      const bytes = decodeBase45(base45Text);
      return stages?.base45 === true && bytes !== null && (compressed === undefined || hex(bytes) === compressed.toLowerCase());
    },
    EXPECTEDCOMPRESSION: () => {
      const cose = text(data, 'COSE');
      const bytes = decodeBase45(base45Text);
      const inflated = bytes === null ? null : inflateZlib(bytes, 1 << 20);
      return stages?.inflate === true && inflated?.kind === 'inflated' && (cose === undefined || hex(inflated.bytes) === cose.toLowerCase());
    },
    // The case's own QR picture decodes to its PREFIX (with the tests' reference decoder, so this
    // checks the test data; the camera decoder's recall on these pictures is
    // tests/unit/decoder/shared-dcc-recall.test.ts).
    EXPECTEDPICTUREDECODE: () => {
      const picture = pictureOf(data);
      const prefixed = text(data, 'PREFIX');
      return picture !== undefined && prefixed !== undefined && decodeQrPng(picture) === prefixed;
    },
    EXPECTEDVERIFY: () => d?.signature === 'valid',
    EXPECTEDDECODE: () => {
      const cbor = text(data, 'CBOR');
      if (stages?.cbor !== true) return false;
      if (cbor === undefined) return true;
      // Issuers put either the whole CWT payload or only the health certificate in CBOR.
      // Maps have no order, so decoded data is compared, not bytes (upstream note 2).
      const expected = decodeCbor(decodeHex(cbor));
      const payload = cosePayload(base45Text);
      if (!expected.ok || payload === null) return false;
      const expectedJson = cborToJson(expected.value);
      return isDeepEqual(cborToJson(payload), expectedJson) || isDeepEqual(d?.hcert, expectedJson);
    },
    EXPECTEDVALIDJSON: () => stages?.cbor === true && (data['JSON'] === undefined || isDeepEqual(d?.hcert, data['JSON'])),
    EXPECTEDSCHEMAVALIDATION: () => d?.schemaValid === true,
    EXPECTEDKEYUSAGE: () => d?.keyUsageOk === true,
    EXPECTEDEXPIRATIONCHECK: () => d?.expired === false,
    // From the upstream "code generation" table, and checked because it exercises our CBOR
    // encoder on real data: the case's JSON encodes to the data of its CBOR.
    EXPECTEDENCODE: () => {
      const cbor = text(data, 'CBOR');
      if (data['JSON'] === undefined || cbor === undefined) return false;
      const ours = decodeCbor(encodeCbor(jsonToCbor(data['JSON'])));
      const theirs = decodeCbor(decodeHex(cbor));
      if (!ours.ok || !theirs.ok) return false;
      const theirsJson = cborToJson(theirs.value) as Json;
      // Again either the health certificate itself or the whole CWT payload.
      const theirsHcert = (theirsJson['-260'] as Json | undefined)?.['1'] ?? theirsJson;
      return isDeepEqual(cborToJson(ours.value), theirsHcert);
    },
  };
}

/** The COSE payload (CWT claims) of a base45 text, decoded the way the pipeline does it, or null. */
function cosePayload(base45Text: string): CborValue | null {
  const bytes = decodeBase45(base45Text);
  if (bytes === null) return null;
  const inflated = inflateZlib(bytes, 1 << 20);
  const cose = readCoseSign1(inflated.kind === 'inflated' ? inflated.bytes : bytes);
  if (!cose.ok) return null;
  const payload = decodeCbor(cose.cose.payload);
  return payload.ok ? payload.value : null;
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}

function titleOf(testCase: TestCase): string {
  const keys = [...expectations(testCase.data).keys()];
  const skipped = keys.filter((key) => key in NOT_CHECKED).map((key) => `${key} not checked: ${NOT_CHECKED[key]}`);
  const known = keys.filter((key) => contradictions.has(`${testCase.path} ${key}`)).map((key) => `${key} skipped: known contradiction`);
  const noInput = keys.filter((key) => hasNoInput(testCase.data, key)).map((key) => `${key} not run: the case has no picture`);
  return [testCase.path, ...skipped, ...known, ...noInput].join(' — ');
}

describe.skipIf(!available)('DCC test data conformance (../shared/test-data/dcc-testdata)', () => {
  it('finds the cases and the known contradictions', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(contradictions.size).toBeGreaterThan(0);
    // Every listed contradiction names a case and a key that exist: a stale list must not skip silently.
    for (const entry of contradictions) {
      const [path, key] = entry.split(' ') as [string, string];
      const testCase = cases.find((c) => c.path === path);
      expect(testCase, entry).toBeDefined();
      expect(expectations(testCase?.data ?? {}).has(key), entry).toBe(true);
    }
  });

  it.each(cases.map((testCase) => [titleOf(testCase), testCase] as const))('%s', (_title, testCase) => {
    const { data } = testCase;
    const context = (data['TESTCTX'] ?? {}) as Json;
    // Some files spell it validationClockInstant. A case that needs no clock may leave it out.
    const clockText = context['VALIDATIONCLOCK'] ?? context['validationClockInstant'];
    const clock = clockText === undefined ? Date.now() : parseIsoInstant(String(clockText));
    expect(clock, 'VALIDATIONCLOCK must be an ISO 8601 date-time').not.toBeNull();
    const result = parseDcc(inputOf(data), { now: clock as number, dccTrust: trustFor(data), ...(schemas === undefined ? {} : { dccSchemas: schemas }) });
    const checks = outcomes(testCase, result);
    const mismatches: string[] = [];
    for (const [key, expected] of expectations(data)) {
      if (key in NOT_CHECKED || contradictions.has(`${testCase.path} ${key}`) || hasNoInput(data, key)) continue;
      const check = checks[key];
      if (check === undefined) {
        mismatches.push(`${key}: no check for this key`);
        continue;
      }
      const actual = check();
      if (actual !== expected) mismatches.push(`${key}: expected ${expected}, got ${actual}`);
    }
    const summary = result.kind === 'error' ? `error ${result.code}` : `${result.authenticity} [${result.problems.map((p) => p.code).join(', ')}]`;
    expect(mismatches.join('; '), `${summary}; diagnostics ${JSON.stringify({ ...result.dcc, hcert: undefined })}`).toBe('');
  });
});
