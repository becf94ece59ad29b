import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useQrWasmFromPackage } from '../../../../cli/commands/decode-image.js';
import type { PassCredential } from '../../../../domain/credentials/credential.js';
import { STAFF_BADGE_ID12 } from '../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../domain/credentials/pass/parse-pass.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { cardGeometry, POINTS_PER_MM, sheetPage, singleCardPage } from '../../../../hub/passes/pass-card-layout.js';
import { passCardText, renderPassCardsPdf } from '../../../../hub/passes/pass-card-pdf.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { pdfPageSizes, rasterisePdf, readQrInBox } from '../../../support/pdf-raster.js';
import { systemPackageMissing } from '../../../support/system-package.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trust = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const FACTS = { doses: [{ dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [] };
const NAMES = ['Nguyễn Thị Phương Thảo', 'Trần Văn Ất', 'Lê Hoàng Bảo Ngọc Trâm Anh Quỳnh', 'Phạm Đức'];
const pass = (i: number) =>
  issuePass(hubKey, {
    id12: `0723060${String(10_000 + i)}`,
    facts: FACTS,
    now: NOW,
    validForHours: 30 * 24,
    holder: { name: NAMES[i % 4] as string, birthYear: 2006 + (i % 3) },
  });
const mmOf = (points: number) => Math.round((points / POINTS_PER_MM) * 10) / 10;
const DPI = 200;
const popplerMissing = systemPackageMissing('poppler-utils');

describe('what a pass card prints', () => {
  it('the signed name, birth year, last 4 ID digits, issuer and expiry (Vietnam time), read from the pass itself', () => {
    expect(passCardText(pass(0), 'Trường THCS Gò Dầu')).toEqual({
      title: 'THẺ THÔNG HÀNH · Status pass',
      name: 'Nguyễn Thị Phương Thảo',
      lines: ['Năm sinh / Born: 2006', 'CCCD / ID: ••••0000', 'Cấp bởi / Issuer: Trường THCS Gò Dầu', 'Hết hạn / Expires: 19/11/2021 08:00'],
    });
  });

  it('a staff badge prints its role and staff id, never a citizen ID', () => {
    const badge = issuePass(hubKey, { id12: STAFF_BADGE_ID12, staffId: 'lan', now: NOW, validForHours: 12, holder: { name: 'Nguyễn Thị Lan' } });
    expect(passCardText(badge, 'Bệnh viện Tây Ninh')).toEqual({
      title: 'THẺ NHÂN VIÊN · Staff badge',
      name: 'Nguyễn Thị Lan',
      lines: ['Mã nhân viên / Staff ID: lan', 'Cấp bởi / Issuer: Bệnh viện Tây Ninh', 'Hết hạn / Expires: 20/10/2021 20:00'],
    });
  });

  it('refuses text that is not a pass', () => {
    expect(() => passCardText('056089001234|225123456|Nguyễn Văn An|15031989|Nam|x|10072021', 'x')).toThrow(/not a Chốt status pass/);
  });

  it('on ID-1 the QR without its quiet zone is at least 25 mm even for the largest pass (version 10)', () => {
    const { qr } = cardGeometry('id1');
    expect(mmOf((qr.width * 57) / (57 + 8))).toBeGreaterThanOrEqual(25);
  });
});

describe.skipIf(popplerMissing !== undefined)(
  `pass cards as PDF${popplerMissing === undefined ? '' : ` (skipped: ${popplerMissing})`}`,
  { timeout: 60_000 },
  () => {
    beforeAll(() => useQrWasmFromPackage());

    it.each([
      ['id1', 85.6, 54],
      ['a6', 105, 148],
    ] as const)('a single %s card: a page of the card’s size whose QR reads back as the signed pass', async (size, widthMm, heightMm) => {
      const text = pass(1);
      const pdf = await renderPassCardsPdf([text], { size, layout: 'single', issuer: 'UBND xã Thanh Phước' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfPageSizes(pdf).map((p) => [mmOf(p.width), mmOf(p.height)])).toEqual([[widthMm, heightMm]]);
      const [page] = rasterisePdf(pdf, DPI);
      const read = await readQrInBox(page!, singleCardPage(size).slots[0]!, DPI);
      expect(read).toMatchObject({ ok: true, text });
    });

    it('a sheet of 13 ID-1 badges: two A4 pages, every QR read back by the decoder as a valid pass of the right person', async () => {
      const texts = Array.from({ length: 13 }, (_, i) => pass(i));
      const pdf = await renderPassCardsPdf(texts, { size: 'id1', layout: 'sheet', issuer: 'Trường THCS Gò Dầu' });
      expect(pdfPageSizes(pdf).map((p) => [mmOf(p.width), mmOf(p.height)])).toEqual([
        [210, 297],
        [210, 297],
      ]);
      const pages = rasterisePdf(pdf, DPI);
      const slots = sheetPage('id1').slots;
      const read: PassCredential[] = [];
      for (const [i] of texts.entries()) {
        const result = await readQrInBox(pages[Math.floor(i / slots.length)]!, slots[i % slots.length]!, DPI);
        if (!result.ok) throw new Error(`card ${i + 1}: no QR read`);
        read.push(parsePass(result.text, { now: NOW, hubKeys: trust }) as PassCredential);
      }
      expect(read.map((p) => [p.authenticity, p.identifiers.id12, p.subject.name])).toEqual(
        texts.map((_, i) => ['signed-valid', `0723060${String(10_000 + i)}`, NAMES[i % 4]]),
      );
      // The slots after the last card are blank: no stray QR.
      expect((await readQrInBox(pages[1]!, slots[3]!, DPI)).ok).toBe(false);
    });

    it('a sheet of A6 cards: four to an A4 page', async () => {
      const texts = Array.from({ length: 4 }, (_, i) => pass(i));
      const pdf = await renderPassCardsPdf(texts, { size: 'a6', layout: 'sheet', issuer: 'x' });
      expect(pdfPageSizes(pdf)).toHaveLength(1);
      const [page] = rasterisePdf(pdf, 100);
      const slots = sheetPage('a6').slots;
      const results = await Promise.all(slots.map((slot) => readQrInBox(page!, slot, 100)));
      expect(results.map((r) => (r.ok ? r.text : null))).toEqual(texts);
    });
  },
);
