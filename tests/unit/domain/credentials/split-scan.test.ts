import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { describeStartMissing, detectStartMissing } from '../../../../domain/credentials/split-scan.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';

const NOW = Date.UTC(2021, 9, 15);
const CCCD = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021';
const PASS = issuePass(hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey), { id12: '056089001234', now: NOW, validForHours: 1 });

describe('a scan whose start was lost', () => {
  it('a CCCD QR without its first 8 characters is "scan again", not a verdict on the tail', () => {
    const parsed = parseScan(CCCD.slice(8), { now: NOW }) as ParseError;
    expect(parsed.kind).toBe('error');
    expect(parsed.code).toBe('scan.start-missing');
    expect(parsed.credentialKind).toBe('cccd-qr');
    expect(parsed.message.vi).toMatch(/^Quét lại/);
    expect(parsed.message.en).toMatch(/^Scan again/);
    expect(detectStartMissing(CCCD.slice(8))).toEqual({ format: 'cccd-qr', lostChars: 8 });
  });

  it('counts every cut of the ID field, and the whole ID with its separator', () => {
    for (let cut = 1; cut < 12; cut += 1) expect(detectStartMissing(CCCD.slice(cut))).toEqual({ format: 'cccd-qr', lostChars: cut });
    expect(detectStartMissing(CCCD.slice(13))).toEqual({ format: 'cccd-qr', lostChars: 13 });
    expect((parseScan(CCCD.slice(13), { now: NOW }) as ParseError).code).toBe('scan.start-missing');
  });

  it('a Chốt pass that lost part of its CHOT1: prefix', () => {
    for (let cut = 1; cut <= 3; cut += 1) {
      expect(detectStartMissing(PASS.slice(cut))).toEqual({ format: 'pass', lostChars: cut });
      expect((parseScan(PASS.slice(cut), { now: NOW }) as ParseError).code).toBe('scan.start-missing');
    }
  });

  it('leaves whole codes and unrelated text alone', () => {
    expect(detectStartMissing(CCCD)).toBeNull();
    expect(detectStartMissing(PASS)).toBeNull();
    expect(detectStartMissing('056089001234')).toBeNull();
    expect(detectStartMissing('hello|world')).toBeNull();
    expect(detectStartMissing('GD4797931775688|x|$')).toBeNull();
    expect(parseScan(CCCD, { now: NOW }).kind).toBe('cccd-qr');
  });

  it('says what was lost in both languages', () => {
    const text = describeStartMissing({ format: 'cccd-qr', lostChars: 8 });
    expect(text.vi).toContain('thiếu phần đầu: 8 ký tự');
    expect(text.en).toContain('start missing: 8 characters');
  });
});
