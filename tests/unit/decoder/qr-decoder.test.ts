import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useQrWasmFromPackage } from '../../../cli/commands/decode-image.js';
import { decodeQr, decodeQrImageFile } from '../../../decoder/qr-decoder.js';
import { cameraFrame, coveredCode, pngToRgba, qrPng, seededRandom } from '../../support/camera-frames.js';
import { buildDcc, createDccSigner, vaccinationHcert } from '../../support/dcc-fixtures.js';

const CCCD = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Lộc Thọ, Nha Trang, Khánh Hòa|01012021';

beforeAll(() => useQrWasmFromPackage());

describe('the QR decoder (zxing-wasm, the .wasm from the package)', () => {
  it('decodes a CCCD QR with Vietnamese diacritics to the exact UTF-8 text and bytes', async () => {
    const result = await decodeQr(pngToRgba(await qrPng(CCCD)));
    expect(result).toEqual({ ok: true, text: CCCD, bytes: new Uint8Array(Buffer.from(CCCD, 'utf8')) });
  });

  it('decodes a DCC (HC1:, base45 alphanumeric) as generated', async () => {
    const signer = createDccSigner({ notBefore: new Date('2021-01-01'), notAfter: new Date('2031-01-01') });
    const dcc = buildDcc({ signer, hcert: vaccinationHcert(), issuedAt: 1_700_000_000, expiresAt: 1_800_000_000 });
    const result = await decodeQr(pngToRgba(await qrPng(dcc, 3)));
    expect(result.ok && result.text).toBe(dcc);
  });

  it('decodes a card held tilted, dim and noisy in a 640×480 camera frame', async () => {
    const random = seededRandom(7);
    const frame = cameraFrame(pngToRgba(await qrPng(CCCD)), { size: 330, angleDeg: 17, perspective: 0.05, blur: 1, noise: 6, dark: 60, light: 190 }, random);
    expect(frame.width * frame.height).toBe(640 * 480);
    const result = await decodeQr(frame);
    expect(result.ok && result.text).toBe(CCCD);
  });

  it('finds nothing, without an error, in a frame with no code', async () => {
    const random = seededRandom(2);
    const data = new Uint8ClampedArray(640 * 480 * 4).map((_, i) => (i % 4 === 3 ? 255 : 100 + random() * 40));
    expect(await decodeQr({ data, width: 640, height: 480 })).toEqual({ ok: false });
  });

  it('with locate, tells a code it found but cannot read (half covered) from no code at all', async () => {
    const style = { size: 300, angleDeg: 12, perspective: 0.04, blur: 1, noise: 4, dark: 50, light: 200 };
    const covered = cameraFrame(coveredCode(pngToRgba(await qrPng(CCCD))), style, seededRandom(8));
    expect(await decodeQr(covered, { locate: true })).toEqual({ ok: false, located: true });
    // Without locate, the passes the camera's recall was measured with, and no more.
    expect(await decodeQr(covered)).toEqual({ ok: false });
    const random = seededRandom(2);
    const empty = new Uint8ClampedArray(640 * 480 * 4).map((_, i) => (i % 4 === 3 ? 255 : 100 + random() * 40));
    expect(await decodeQr({ data: empty, width: 640, height: 480 }, { locate: true })).toEqual({ ok: false });
    // A code that reads is read, located or not.
    const clear = cameraFrame(pngToRgba(await qrPng(CCCD)), style, seededRandom(8));
    expect(await decodeQr(clear, { locate: true })).toMatchObject({ ok: true, text: CCCD });
  });

  it('refuses pixels that do not fit the size given, with a specific error', async () => {
    const result = await decodeQr({ data: new Uint8ClampedArray(10), width: 640, height: 480 });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^decoder\.bad-image: 640×480 needs 1228800 RGBA bytes, got 10$/) });
  });

  it('decodes an encoded PNG file the same way (the decode-image path)', async () => {
    const result = await decodeQrImageFile(await qrPng(CCCD));
    expect(result.ok && result.text).toBe(CCCD);
  });

  it('reports an undecodable file as a failure, not a crash', async () => {
    const result = await decodeQrImageFile(new Uint8Array(Buffer.from('not an image at all')));
    expect(result.ok).toBe(false);
  });
});

describe('the decoder without its .wasm', () => {
  it('refuses to decode rather than let zxing-wasm fetch the .wasm from a CDN', async () => {
    vi.resetModules();
    const fresh = await import('../../../decoder/qr-decoder.js');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const result = await fresh.decodeQr({ data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('decoder.no-wasm') });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
