import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes, type ReadInputBarcodeFormat } from 'zxing-wasm/reader';

/**
 * zxing-wasm as a reference decoder for tests, loaded offline from the package's .wasm (its
 * default loader would fetch it from a CDN).
 */
let prepared: Promise<unknown> | undefined;
function prepare(): Promise<unknown> {
  if (prepared !== undefined) return prepared;
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  prepared = prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
    fireImmediately: true,
  });
  return prepared;
}

export async function decodePixels(
  data: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  format: ReadInputBarcodeFormat,
): Promise<string | null> {
  await prepare();
  const [first] = await readBarcodes({ data, width, height, colorSpace: 'srgb' }, { formats: [format], tryHarder: true });
  return first?.isValid === true ? first.text : null;
}

export async function decodePng(png: Uint8Array, format: ReadInputBarcodeFormat): Promise<string | null> {
  const image = PNG.sync.read(Buffer.from(png));
  return decodePixels(Uint8ClampedArray.from(image.data), image.width, image.height, format);
}

/** Rasterizes code128.ts's SVG (one path of `M x 0 h w v H h -w z` bars) at `scale` pixels a module. */
export function rasterizeBars(svg: string, scale = 3): { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
  const width = Number(w) * scale;
  const height = Number(h) * scale;
  const dark = new Uint8Array(Number(w));
  const bars = /<path fill="#000000" d="([^"]*)"/.exec(svg)?.[1] ?? '';
  for (const [, x, modules] of bars.matchAll(/M(\d+) 0h(\d+)v/g)) dark.fill(1, Number(x), Number(x) + Number(modules));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let px = 0; px < width; px++) {
      const value = dark[Math.floor(px / scale)] === 1 ? 0 : 255;
      data.set([value, value, value, 255], (y * width + px) * 4);
    }
  }
  return { data, width, height };
}
