import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../../domain/credentials/credential.js';
import { parseScan } from '../../../domain/credentials/parse-scan.js';
import { assessParseError } from '../../../domain/verdict/assess-credential.js';
import { verifyLineForError } from '../../../cli/verify-output.js';
import { parseInstant } from '../../../cli/commands/verify.js';
import { buildDcc, createDccSigner, vaccinationHcert } from '../../support/dcc-fixtures.js';
import { runChot } from '../../support/run-chot.js';

describe('chot verify lines for payloads that cannot be read', () => {
  it.each([
    ['unrecognised text', 'not a card'],
    ['a CCCD with a bad ID', '05608900123X|225123456|Nguyễn Văn An|15031989|Nam|x|10072021'],
    ['a broken DCC', 'HC1:!!!'],
  ])('%s: carries factsFrom null, as docs/verify-json.md promises for every line', (_label, payload) => {
    const parsed = parseScan(payload, { now: Date.parse('2021-10-20T08:00:00+07:00') }) as ParseError;
    expect(parsed.kind).toBe('error');
    const line = JSON.parse(JSON.stringify(verifyLineForError(parsed, assessParseError(parsed)))) as Record<string, unknown>;
    expect(line).toHaveProperty('factsFrom', null);
    expect(line).toMatchObject({ ok: false, color: 'none', authenticity: 'invalid' });
  });
});

describe('chot verify --at (and every other instant option) is read strictly', () => {
  it('refuses an impossible date instead of rolling it over', () => {
    expect(() => parseInstant('2021-02-31')).toThrow(/--at must be an ISO 8601 instant; "2021-02-31" is not a real date: February 2021 has 28 days/);
    expect(() => parseInstant('2021-02-01T25:00', '--valid-from')).toThrow(/--valid-from .*not a real time of day/);
  });

  it('reads a zoneless time as UTC, as documented', () => {
    expect(new Date(parseInstant('2021-10-20T08:00')).toISOString()).toBe('2021-10-20T08:00:00.000Z');
    expect(new Date(parseInstant('2021-10-20')).toISOString()).toBe('2021-10-20T00:00:00.000Z');
  });
});

describe('chot verify (the built binary) prints nothing a terminal would obey', () => {
  it('a DCC whose decoded certificate holds C1 controls and bidi characters: escaped in the JSON, which parses back the same', () => {
    const name = 'Nguy\u009B31m\u202Eễn\u2028';
    const dcc = buildDcc({
      signer: createDccSigner({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z'), extendedKeyUsage: [] }),
      hcert: vaccinationHcert({ nam: { fn: name, fnt: 'NGUYEN', gn: 'An', gnt: 'AN' } }),
      issuedAt: Date.parse('2021-10-02T00:00:00Z') / 1000,
      expiresAt: Date.parse('2030-10-02T00:00:00Z') / 1000,
    });
    const run = runChot(['verify', '--at', '2021-10-20T00:00:00Z'], `${dcc}\n`);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/[\u007F-\u009F\u202E\u2028]/u);
    const line = JSON.parse(run.stdout) as { dcc: { hcert: { nam: { fn: string } } } };
    expect(line.dcc.hcert.nam.fn).toBe(name);
  });
});
