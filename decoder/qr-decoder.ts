import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';

/**
 * The QR decoder shared by the camera (a Web Worker in the renderer) and `chot decode-image`
 * (Node): zxing-wasm, chosen by measurement (README, "Camera decoder: measured choice").
 * Pure decoding: the caller hands over the .wasm (its bytes, or a same-origin URL), so this
 * layer does no I/O and zxing-wasm's default loader, which fetches from a CDN, never runs.
 */

/** RGBA pixels, as ImageData or a decoded PNG carries them. */
export interface RgbaImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * `located`: asked for with `locate`, the decoder found a QR code's finder patterns and grid but
 * could not read its data (out of focus, moving, partly covered): the camera says "hold still".
 */
export type QrDecodeResult =
  { readonly ok: true; readonly text: string; readonly bytes: Uint8Array } | { readonly ok: false; readonly error?: string; readonly located?: true };

export interface QrDecodeOptions {
  /** Also tell a code located but unreadable from no code (one more pass, only on frames nothing was read from). */
  readonly locate?: boolean;
}

/** Where the reader's .wasm comes from: its bytes (Node) or a URL on our own origin (browser). */
export type QrWasmSource = { readonly wasmBinary: ArrayBuffer } | { readonly wasmUrl: string };

let wasmGiven = false;

/** Must run once before the first decode: without it zxing-wasm would fetch its .wasm from jsDelivr. */
export function useQrWasm(source: QrWasmSource): void {
  const overrides =
    'wasmBinary' in source
      ? // locateFile is still asked for a name when the bytes are given; it is never fetched.
        { wasmBinary: source.wasmBinary, locateFile: (name: string) => name }
      : { locateFile: () => source.wasmUrl };
  prepareZXingModule({ overrides, fireImmediately: false });
  wasmGiven = true;
}

/**
 * Measured on the DCC images, camera-like frames and real photos (tests/bench/camera-decode.bench.ts):
 * the local-average binarizer with try-harder finds the most; a second pass with the global
 * histogram recovers some low-contrast and blurred frames at the cost of a second pass on frames
 * without a code.
 */
const PRIMARY: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  binarizer: 'LocalAverage',
  maxNumberOfSymbols: 1,
  textMode: 'Plain',
};
const FALLBACK: ReaderOptions = { ...PRIMARY, binarizer: 'GlobalHistogram' };
/**
 * The locating pass: the primary pass returning what it found but could not read. Not folded
 * into PRIMARY: with one symbol asked for, an unreadable candidate would take its place and end
 * the search before a rotated or downscaled try that reads the code (the measured recall).
 */
const LOCATE: ReaderOptions = { ...PRIMARY, returnErrors: true };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a result. ID-card QRs carry UTF-8 without an ECI marker, and zxing guesses the
 * character set of such bytes; bytes that are valid UTF-8 are read as UTF-8 (a Latin-1 or
 * Shift-JIS text that happens to be valid UTF-8 is vanishingly rare), anything else as zxing read it.
 */
function textOf(result: ReadResult): string {
  try {
    return utf8.decode(result.bytes);
  } catch {
    return result.text;
  }
}

async function firstValid(input: RgbaImage | Uint8Array, options: ReaderOptions): Promise<ReadResult | undefined> {
  const results = await readBarcodes(input as Parameters<typeof readBarcodes>[0], options);
  return results.find((r) => r.isValid);
}

async function decode(input: RgbaImage | Uint8Array, options: QrDecodeOptions = {}): Promise<QrDecodeResult> {
  if (!wasmGiven) return { ok: false, error: 'decoder.no-wasm: useQrWasm() was not called (the .wasm must come from the package, not a CDN)' };
  try {
    const found = (await firstValid(input, PRIMARY)) ?? (await firstValid(input, FALLBACK));
    if (found !== undefined) return { ok: true, text: textOf(found), bytes: found.bytes };
    if (options.locate !== true) return { ok: false };
    const candidates = await readBarcodes(input as Parameters<typeof readBarcodes>[0], LOCATE);
    // The locating pass may read what the others did not: a read is a read.
    const read = candidates.find((r) => r.isValid);
    if (read !== undefined) return { ok: true, text: textOf(read), bytes: read.bytes };
    return candidates.some((r) => r.format === 'QRCode') ? { ok: false, located: true } : { ok: false };
  } catch (error) {
    return { ok: false, error: `decoder.failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Decodes the QR code in a frame of RGBA pixels (a camera frame, a decoded PNG). */
export function decodeQr(image: RgbaImage, options: QrDecodeOptions = {}): Promise<QrDecodeResult> {
  if (!(image.width > 0 && image.height > 0 && image.data.length >= image.width * image.height * 4)) {
    return Promise.resolve({
      ok: false,
      error: `decoder.bad-image: ${image.width}×${image.height} needs ${image.width * image.height * 4} RGBA bytes, got ${image.data.length}`,
    });
  }
  return decode(image, options);
}

/** Compiles the .wasm now (a blank 8×8 decode), so the first real frame is not also the slow one. */
export async function warmUpQrDecoder(): Promise<void> {
  await decode({ data: new Uint8ClampedArray(8 * 8 * 4).fill(255), width: 8, height: 8 });
}

/** Decodes the QR code in an encoded image file (PNG, JPEG, BMP, GIF: zxing-wasm's own image reader). */
export function decodeQrImageFile(bytes: Uint8Array): Promise<QrDecodeResult> {
  return decode(bytes);
}
