import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../../domain/credentials/credential.js';
import { parseScan } from '../../../domain/credentials/parse-scan.js';
import { assessParseError } from '../../../domain/verdict/assess-credential.js';
import { verifyLineForError } from '../../../cli/verify-output.js';

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
