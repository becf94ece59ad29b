import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeQr, type QrDecodeResult } from '../../decoder/qr-decoder.js';
import type { Box } from '../../hub/passes/pass-card-layout.js';
import { decodePng, type DecodedPng } from './png-decode.js';

/**
 * Reading a printed PDF back as a scanner would see it: poppler's pdftoppm rasterises each page
 * (a renderer independent of the writer), and the kiosk's own QR decoder reads each card's code
 * from its place on the page. Needs the poppler-utils system package (systemPackageMissing).
 */
export function rasterisePdf(pdf: Uint8Array, dpi: number): DecodedPng[] {
  const dir = mkdtempSync(join(tmpdir(), 'chot-pdf-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', join(dir, 'in.pdf'), join(dir, 'page')]);
    // pdftoppm numbers pages with as many digits as the last needs: sort by the number.
    const pages = readdirSync(dir)
      .filter((name) => /^page-\d+\.png$/.test(name))
      .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
    return pages.map((name) => decodePng(readFileSync(join(dir, name))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each page's MediaBox (width, height in points), in order. */
export function pdfPageSizes(pdf: Uint8Array): { width: number; height: number }[] {
  const text = Buffer.from(pdf).toString('latin1');
  return [...text.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
}

/** Decodes the QR inside `box` (PDF points, from the top-left) of a rasterised greyscale page. */
export function readQrInBox(page: DecodedPng, box: Box, dpi: number): Promise<QrDecodeResult> {
  const scale = dpi / 72;
  const x0 = Math.max(0, Math.floor(box.x * scale));
  const y0 = Math.max(0, Math.floor(box.y * scale));
  const width = Math.min(page.width, Math.ceil((box.x + box.width) * scale)) - x0;
  const height = Math.min(page.height, Math.ceil((box.y + box.height) * scale)) - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const source = ((y0 + y) * page.width + x0 + x) * page.channels;
      const grey = page.pixels[source] as number;
      data.set([grey, grey, grey, 255], (y * width + x) * 4);
    }
  }
  return decodeQr({ data, width, height });
}
