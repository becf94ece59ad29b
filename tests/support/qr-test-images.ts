import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { pngToRgba, type Rgba } from './camera-frames.js';
import { repoRoot } from './kiosk-process.js';

/** The external test data (../shared): absent on some machines, so its tests skip with a message. */
export const SHARED_TEST_DATA = join(repoRoot(), '..', 'shared', 'test-data');
export const DCC_TESTDATA = join(SHARED_TEST_DATA, 'dcc-testdata');
export const QR_IMAGES = join(SHARED_TEST_DATA, 'qr-images');

export interface LabelledImage {
  readonly name: string;
  readonly image: Rgba;
  readonly expected: string;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

/** The QR pictures of the DCC test cases (`2DCODE`, some files say `_2DCODE`), with the text each holds (`PREFIX`). */
export function dccQrImages(): LabelledImage[] {
  if (!existsSync(DCC_TESTDATA)) return [];
  return jsonFiles(DCC_TESTDATA)
    .sort()
    .flatMap((file) => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return [];
      }
      const png = data['2DCODE'] ?? data['_2DCODE'];
      const prefix = data.PREFIX;
      if (typeof png !== 'string' || png === '' || typeof prefix !== 'string' || prefix === '') return [];
      try {
        return [{ name: relative(DCC_TESTDATA, file), image: pngToRgba(Buffer.from(png, 'base64')), expected: prefix }];
      } catch {
        return [];
      }
    });
}

const PHOTO_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp']);

/** The real photos of ../shared/test-data/qr-images: each image beside a .txt (or .bin) with its exact content. */
export function qrPhotoFiles(): { name: string; path: string; expected: string }[] {
  if (!existsSync(QR_IMAGES)) return [];
  return readdirSync(QR_IMAGES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(QR_IMAGES, dir.name))
        .filter((name) => PHOTO_EXTENSIONS.has(extname(name).toLowerCase()))
        .sort()
        .flatMap((name) => {
          const base = join(QR_IMAGES, dir.name, name.slice(0, -extname(name).length));
          const expectedFile = [`${base}.txt`, `${base}.bin`].find((f) => existsSync(f));
          if (expectedFile === undefined) return [];
          return [{ name: `${dir.name}/${name}`, path: join(QR_IMAGES, dir.name, name), expected: readFileSync(expectedFile, 'utf8') }];
        }),
    );
}

/**
 * Decodes image files to RGBA in Chromium (WebP has no decoder in node_modules; Chromium is
 * already the e2e browser), the same pixels a camera frame drawn on a canvas would give.
 */
export async function decodeImagesInChromium(browser: Browser, paths: readonly string[]): Promise<(Rgba | null)[]> {
  const page = await browser.newPage();
  try {
    const out: (Rgba | null)[] = [];
    for (const path of paths) {
      const result = await page.evaluate(async (base64: string) => {
        // This runs in the page; tests/support compiles without DOM types, so the two browser APIs are named here.
        interface Bitmap {
          readonly width: number;
          readonly height: number;
        }
        interface Context2d {
          drawImage(image: Bitmap, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        }
        const page = globalThis as unknown as {
          createImageBitmap(blob: Blob): Promise<Bitmap>;
          OffscreenCanvas: new (width: number, height: number) => { getContext(kind: '2d'): Context2d | null };
        };
        try {
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const bitmap = await page.createImageBitmap(new Blob([bytes]));
          const canvas = new page.OffscreenCanvas(bitmap.width, bitmap.height);
          const context = canvas.getContext('2d');
          if (context === null) return null;
          context.drawImage(bitmap, 0, 0);
          const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
          let binary = '';
          for (let i = 0; i < pixels.length; i += 0x8000) binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
          return { width: bitmap.width, height: bitmap.height, rgba: btoa(binary) };
        } catch {
          return null;
        }
      }, readFileSync(path).toString('base64'));
      out.push(result === null ? null : { width: result.width, height: result.height, data: new Uint8ClampedArray(Buffer.from(result.rgba, 'base64')) });
    }
    return out;
  } finally {
    await page.close();
  }
}
