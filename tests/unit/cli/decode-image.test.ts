import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { imageFormatOf } from '../../../cli/commands/decode-image.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import { qrPng } from '../../support/camera-frames.js';
import { QR_IMAGES } from '../../support/qr-test-images.js';

const CCCD = '079195004321||Trần Thị Bình|02091995|Nữ|12 Lê Lợi, Bến Nghé, Quận 1, TP. Hồ Chí Minh|01012022';

/** Runs `chot …` in process; its output lines parsed as JSON. */
async function chot(...argv: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const { code, stdout, stderr } = await chotInProcess(...argv);
  return {
    code,
    lines: stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr,
  };
}

let dir: string;
let goodPng: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chot-decode-image-'));
  goodPng = join(dir, 'cccd.png');
  writeFileSync(goodPng, await qrPng(CCCD));
});
afterEach(() => vi.restoreAllMocks());

describe('chot decode-image', () => {
  it('prints the text of a QR PNG, with its decode time, and exits 0', async () => {
    const { code, lines } = await chot('decode-image', goodPng);
    expect(code).toBe(0);
    expect(lines).toEqual([{ file: goodPng, ok: true, text: CCCD, ms: expect.any(Number) }]);
    expect(lines[0]?.ms).toBeGreaterThanOrEqual(0);
  });

  it('one line per file, in order; a missing file, a text file and a WebP are failures with a reason, not crashes; exit 1', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, not an image');
    const webp = join(dir, 'photo.webp');
    writeFileSync(webp, Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]));
    const missing = join(dir, 'missing.png');
    const { code, lines } = await chot('decode-image', missing, text, goodPng, webp, dir);
    expect(code).toBe(1);
    expect(lines.map((l) => [l.file, l.ok, l.error])).toEqual([
      [missing, false, 'no such file'],
      [text, false, 'not a PNG, JPEG, GIF or BMP image'],
      [goodPng, true, undefined],
      [webp, false, 'WebP is not supported: convert the image to PNG or JPEG'],
      [dir, false, 'is a directory'],
    ]);
  });

  it('a PNG with no QR code in it fails with "no QR code found"', async () => {
    const { PNG } = await import('pngjs');
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    const file = join(dir, 'blank.png');
    writeFileSync(file, PNG.sync.write(blank));
    const { code, lines } = await chot('decode-image', file);
    expect(code).toBe(1);
    expect(lines).toEqual([{ file, ok: false, error: 'no QR code found in the image', ms: expect.any(Number) }]);
  });

  it('a damaged PNG (right signature, garbage after) is a failure, not a crash', async () => {
    const file = join(dir, 'broken.png');
    writeFileSync(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage'.repeat(20))]));
    const { code, lines } = await chot('decode-image', file);
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ file, ok: false });
  });

  it('without a file it says so and exits 2', async () => {
    const { code, stderr } = await chot('decode-image');
    expect(code).toBe(2);
    expect(stderr).toContain('name at least one image file');
  });

  it('is listed in chot --help', async () => {
    const { stdout } = await chotInProcess('--help');
    expect(stdout).toMatch(/^\s+decode-image\s+decode the QR code in image files/m);
  });

  it('recognises image formats by their first bytes', () => {
    expect(imageFormatOf(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(imageFormatOf(new TextEncoder().encode('GIF89a'))).toBe('gif');
    expect(imageFormatOf(new TextEncoder().encode('hello'))).toBeNull();
  });

  const jpeg = join(QR_IMAGES, 'qrcode-2', '#199b.jpg');
  it.skipIf(!existsSync(jpeg))(
    `decodes a JPEG photo (${existsSync(jpeg) ? 'shared qr-images' : 'skipped: ../shared/test-data/qr-images is absent'})`,
    async () => {
      const { code, lines } = await chot('decode-image', jpeg);
      expect(code).toBe(0);
      expect(lines[0]).toMatchObject({ file: jpeg, ok: true, text: readFileSync(jpeg.replace(/\.jpg$/, '.txt'), 'utf8') });
    },
  );
});
