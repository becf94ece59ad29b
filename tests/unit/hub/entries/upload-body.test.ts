import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_INFLATED_BYTES, MAX_UPLOAD_JSON_DEPTH } from '../../../../domain/entries/entry-upload.js';
import { BadBatch, decodeUpload, decodeUploadBody, jsonDepthBeyond } from '../../../../hub/entries/upload-body.js';
import { kioskChain } from '../../../support/entry-fixtures.js';

const KIOSK = 'k-0123456789abcdef';
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('decoding an upload body (hub/entries/upload-body.ts)', () => {
  it('decodes a kiosk batch, gzip or plain', () => {
    const body = JSON.stringify({ entries: kioskChain(KIOSK, 3) });
    expect(decodeUploadBody(gzipSync(body), 'gzip').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(decodeUploadBody(bytes(body), 'identity')).toHaveLength(3);
  });

  it('measures nesting without parsing, skipping brackets inside strings and escaped quotes', () => {
    expect(jsonDepthBeyond(bytes('{"entries":[{"reasonCodes":["a"]}]}'), 4)).toBeUndefined();
    expect(jsonDepthBeyond(bytes('{"entries":[{"reasonCodes":[["a"]]}]}'), 4)).toBe(28);
    expect(jsonDepthBeyond(bytes('{"a":"[[[[[[\\"[[[[[["}'), 1)).toBeUndefined();
    expect(jsonDepthBeyond(bytes('[[["ồ[",[[]]]]'), 3)).toBe(10);
  });

  it('refuses a body nested deeper than the format before JSON.parse sees it', () => {
    const deep = gzipSync(`{"entries":${'['.repeat(4_000_000)}`);
    const refused = decodeUpload(deep, 'gzip');
    expect(refused).toEqual({
      kind: 'refused',
      code: 'bad-batch',
      status: 400,
      message: expect.stringContaining(`nests deeper than ${MAX_UPLOAD_JSON_DEPTH} levels`) as unknown,
    });
  });

  it('refuses a body that inflates past the cap, and a plain one as large', () => {
    const huge = gzipSync(Buffer.alloc(MAX_UPLOAD_INFLATED_BYTES + 1, 0x20));
    expect(() => decodeUploadBody(huge, 'gzip')).toThrow(/inflates to more than 8388608 bytes/);
    expect(() => decodeUploadBody(Buffer.alloc(MAX_UPLOAD_INFLATED_BYTES + 1, 0x20), 'identity')).toThrow(/more than 8388608 bytes/);
  });

  it('takes a kiosk batch of 2 000 chip entries with location, device id, override and document signer at their limits, in Vietnamese', () => {
    const long = (chars: number): string => 'Đường Trần Phú '.repeat(chars).slice(0, chars);
    const entries = kioskChain(KIOSK, 2_000, () => ({
      at: '2021-10-20T08:00:00.000+07:00',
      location: long(200),
      sourceDeviceId: long(200),
      override: { by: long(60), reason: long(120) },
      reasonCodes: ['override', 'overrides:123456'],
      sourceKind: 'chip',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      documentSigner: `${long(336)}#${'ab'.repeat(31)}c`,
    }));
    expect([...(entries[0]!.format === 4 ? (entries[0]!.documentSigner ?? '') : '')]).toHaveLength(400);
    const body = Buffer.from(JSON.stringify({ entries }));
    expect(body.length).toBeLessThan(MAX_UPLOAD_INFLATED_BYTES);
    expect(decodeUploadBody(gzipSync(body), 'gzip')).toHaveLength(2_000);
  });

  it('refuses an unknown encoding with 415, bad gzip and bad JSON with 400', () => {
    expect(decodeUpload(bytes('{}'), 'br')).toMatchObject({ kind: 'refused', code: 'unsupported-encoding', status: 415 });
    expect(decodeUpload(bytes('not gzip'), 'gzip')).toMatchObject({ kind: 'refused', status: 400, message: 'the batch is not valid gzip' });
    expect(decodeUpload(bytes('{"entries": ['), 'identity')).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/^the batch is not JSON/) as unknown,
    });
  });

  it('names the entry and the field that breaks a limit', () => {
    const entries = kioskChain(KIOSK, 3, (seq) => (seq === 2 ? { personId: '=1+2' } : {}));
    expect(() => decodeUploadBody(bytes(JSON.stringify({ entries })), 'identity')).toThrow(
      new BadBatch('entry 2 (#1): personId must be null or an identifier of 12, 10 or 9 digits'),
    );
    // A time the kiosk's clock got wrong is well formed: ingest stores and flags it (clock-skew).
    const future = kioskChain(KIOSK, 1, () => ({ at: '2099-10-21T08:00:00.000+07:00' }));
    expect(decodeUploadBody(bytes(JSON.stringify({ entries: future })), 'identity')).toHaveLength(1);
  });

  it('reads a document signer from formats 3 and 4, and drops one a format-2 entry carries', () => {
    const chip = { sourceKind: 'chip', credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: 'C=VN, CN=DS 07#0a1b' };
    const [v4] = decodeUploadBody(bytes(JSON.stringify({ entries: kioskChain(KIOSK, 1, () => chip) })), 'identity');
    expect(v4).toMatchObject({ format: 4, credentialKind: 'chip', documentSigner: 'C=VN, CN=DS 07#0a1b', enteredBy: null });
    const v3 = kioskChain(KIOSK, 1, () => chip).map((e) => ({ ...e, format: 3 }));
    expect(decodeUploadBody(bytes(JSON.stringify({ entries: v3 })), 'identity')[0]).toMatchObject({ format: 3, documentSigner: 'C=VN, CN=DS 07#0a1b' });
    const v2 = kioskChain(KIOSK, 1, () => chip).map((e) => ({ ...e, format: 2 }));
    expect(decodeUploadBody(bytes(JSON.stringify({ entries: v2 })), 'identity')[0]).not.toHaveProperty('documentSigner');
    // Formats 3 and 4 always name it, null when there is none.
    const { documentSigner: _none, ...bare } = kioskChain(KIOSK, 1)[0] as Record<string, unknown>;
    expect(() => decodeUploadBody(bytes(JSON.stringify({ entries: [bare] })), 'identity')).toThrow(
      new BadBatch('entry 1: documentSigner must be a string or null'),
    );
  });

  it('reads format 4 with who typed a typed ID, and drops one a format-3 entry carries', () => {
    const typed = { sourceKind: 'manual', sourceDeviceId: 'staff-keypad', credentialKind: 'manual', authenticity: 'manual', enteredBy: 'Nguyễn Thị Lan' };
    const [v4] = decodeUploadBody(bytes(JSON.stringify({ entries: kioskChain(KIOSK, 1, () => typed) })), 'identity');
    expect(v4).toMatchObject({ format: 4, sourceKind: 'manual', enteredBy: 'Nguyễn Thị Lan' });
    const v3 = kioskChain(KIOSK, 1, () => typed).map((e) => ({ ...e, format: 3 }));
    expect(decodeUploadBody(bytes(JSON.stringify({ entries: v3 })), 'identity')[0]).not.toHaveProperty('enteredBy');
    // Format 4 always names it, null when nobody typed the ID.
    const { enteredBy: _none, ...bare } = kioskChain(KIOSK, 1)[0] as Record<string, unknown>;
    expect(() => decodeUploadBody(bytes(JSON.stringify({ entries: [bare] })), 'identity')).toThrow(new BadBatch('entry 1: enteredBy must be a string or null'));
  });

  it.each([
    ['on an entry no staff typed', { enteredBy: 'Lan' }, /enteredBy must be null unless the ID was typed by staff/],
    ['that is empty', { sourceKind: 'manual', enteredBy: '' }, /enteredBy must be 1–60 characters/],
    ['with a bidi override', { sourceKind: 'manual', enteredBy: 'La\u202en' }, /enteredBy must hold no control or invisible/],
  ])('refuses a batch whose entry names who typed it %s, naming the entry', (_label, fields, message) => {
    const entries = kioskChain(KIOSK, 3, (seq) => (seq === 3 ? (fields as object) : {}));
    const refused = decodeUpload(bytes(JSON.stringify({ entries })), 'identity');
    expect(refused).toMatchObject({ kind: 'refused', code: 'bad-batch', status: 400 });
    expect(refused.kind === 'refused' ? refused.message : '').toMatch(/^entry 3\b/);
    expect(refused.kind === 'refused' ? refused.message : '').toMatch(message);
  });

  it.each([
    ['on an entry that is no chip', { documentSigner: 'C=VN, CN=DS 07#0a1b' }, /documentSigner must be null unless the credential is a chip ID card/],
    ['over 400 characters', { credentialKind: 'chip', documentSigner: `${'Ư'.repeat(398)}#0a` }, /documentSigner must be at most 400 characters/],
    ['with a control character', { credentialKind: 'chip', documentSigner: 'C=VN\u0007, CN=DS#0a' }, /documentSigner must hold no control, bidi/],
    ['with a bidi override', { credentialKind: 'chip', documentSigner: 'C=VN, CN=\u202eSD#0a' }, /documentSigner must hold no control, bidi/],
    ['without its serial', { credentialKind: 'chip', documentSigner: 'C=VN, CN=DS' }, /documentSigner must be the signer's issuer, '#' and its serial/],
    ['that is not text', { credentialKind: 'chip', documentSigner: 12 }, /documentSigner must be a string or null/],
  ])('refuses a batch whose entry names a document signer %s, naming the entry', (_label, fields, message) => {
    const entries = kioskChain(KIOSK, 3, (seq) => (seq === 3 ? (fields as object) : {}));
    const refused = decodeUpload(bytes(JSON.stringify({ entries })), 'identity');
    expect(refused).toMatchObject({ kind: 'refused', code: 'bad-batch', status: 400 });
    expect(refused.kind === 'refused' ? refused.message : '').toMatch(/^entry 3\b/);
    expect(refused.kind === 'refused' ? refused.message : '').toMatch(message);
  });

  it('fuzz: any body, JSON or not, nested or not, is decoded or refused with a reason, never thrown', () => {
    const good = kioskChain(KIOSK, 2, () => ({ at: '2021-10-20T08:00:00.000+07:00' }));
    const bodies = fc.oneof(
      fc.json({ maxDepth: 8 }).map((text) => `{"entries":[${text}]}`),
      fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify({ entries: [{ ...good[0], sourceDeviceId: value }] })),
      fc
        .record({
          field: fc.constantFrom('seq', 'at', 'personId', 'location', 'reasonCodes', 'override', 'format', 'hash'),
          value: fc.jsonValue({ maxDepth: 3 }),
        })
        .map(({ field, value }) => JSON.stringify({ entries: [{ ...good[0], [field]: value }, good[1]] })),
      fc.nat({ max: 200 }).map((depth) => `{"entries":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(bodies, fc.boolean(), (text, zipped) => {
        const decoded = decodeUpload(zipped ? gzipSync(text) : bytes(text), zipped ? 'gzip' : 'identity');
        return decoded.kind === 'entries' ? decoded.entries.length > 0 : decoded.status === 400 && decoded.message.length > 0;
      }),
      { numRuns: 1500 },
    );
  });
});
