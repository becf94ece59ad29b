import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeQrImageFile, useQrWasm, warmUpQrDecoder } from '../../decoder/qr-decoder.js';
import { terminalJson } from '../../domain/text/terminal-text.js';

export const DECODE_IMAGE_HELP = `Usage: chot decode-image FILE...

Decodes the QR code in each image file with the decoder the kiosk's camera uses
(zxing-wasm, loaded from the installed package: no network), and prints one JSON
line per file:
  {"file":"card.png","ok":true,"text":"056089001234|…","ms":3.1}
  {"file":"photo.webp","ok":false,"error":"…","ms":0.2}
Reads PNG, JPEG, GIF and BMP. Exit code 0 when every file decoded, 1 otherwise.
`;

let wasmLoaded = false;

/** Gives the decoder the .wasm shipped in the zxing-wasm package, so it never fetches one from a CDN. */
export function useQrWasmFromPackage(): void {
  if (wasmLoaded) return;
  const file = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
  useQrWasm({ wasmBinary: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer });
  wasmLoaded = true;
}

/** The image formats zxing-wasm's image reader takes, by their first bytes; null when none fits. */
export function imageFormatOf(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'bmp' | null {
  const starts = (...prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x42, 0x4d) && bytes.length > 14) return 'bmp';
  return null;
}

function unsupported(bytes: Uint8Array): string {
  const riff = String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP';
  return riff ? 'WebP is not supported: convert the image to PNG or JPEG' : 'not a PNG, JPEG, GIF or BMP image';
}

export interface DecodeImageLine {
  readonly file: string;
  readonly ok: boolean;
  readonly text?: string;
  readonly error?: string;
  readonly ms: number;
}

export async function decodeImageFile(file: string): Promise<DecodeImageLine> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 100) / 100;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file, ok: false, error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read: ${String(error)}`, ms: ms() };
  }
  if (imageFormatOf(bytes) === null) return { file, ok: false, error: unsupported(bytes), ms: ms() };
  const result = await decodeQrImageFile(bytes);
  if (result.ok) return { file, ok: true, text: result.text, ms: ms() };
  return { file, ok: false, error: result.error ?? 'no QR code found in the image', ms: ms() };
}

export async function runDecodeImage(args: readonly string[]): Promise<number> {
  const files = args.filter((a) => a !== '--');
  if (files.length === 0) {
    process.stderr.write(`chot decode-image: name at least one image file\n\n${DECODE_IMAGE_HELP}`);
    return 2;
  }
  useQrWasmFromPackage();
  // Each line's ms is that file's decode, not the one-off compile of the .wasm.
  await warmUpQrDecoder();
  let failed = 0;
  for (const file of files) {
    const line = await decodeImageFile(file);
    if (!line.ok) failed += 1;
    // A QR's text is outside data: what JSON leaves raw is escaped for the terminal.
    process.stdout.write(`${terminalJson(line)}\n`);
  }
  return failed === 0 ? 0 : 1;
}
