import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../../domain/credentials/credential.js';
import { parseScan } from '../../../domain/credentials/parse-scan.js';
import { assessParseError } from '../../../domain/verdict/assess-credential.js';
import { verifyLineForError } from '../../../cli/verify-output.js';
import { parseInstant } from '../../../cli/commands/verify.js';

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
