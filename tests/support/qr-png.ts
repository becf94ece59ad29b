import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with an ES-style default export: under NodeNext the function sits on `.default`.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

/** The text of the QR code in a PNG, or null (a reference decoder for tests). */
export function decodeQrPng(png: Uint8Array): string | null {
  try {
    const image = PNG.sync.read(Buffer.from(png));
    return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
  } catch {
    return null;
  }
}
