import { concatBytes } from '../domain/chip/bytes.js';
import { crc32, deflateSync } from 'node:zlib';

/**
 * A PNG encoder (ISO/IEC 15948, W3C PNG 2nd edition) for 8-bit greyscale and RGB pixels:
 * signature, IHDR, one IDAT, IEND, each chunk with its CRC-32; node:zlib does the deflate
 * and the CRC. Enough to hand the screen a decoded photo: no palette, alpha, interlacing or
 * ancillary chunks. The only PNG encoder shipped with the kiosk (pngjs is a test tool here).
 */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** 1: greyscale, 3: RGB. */
  readonly channels: 1 | 3;
  /** Row by row, channel by channel, one byte a sample: width × height × channels bytes. */
  readonly pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** IHDR colour types (PNG 11.2.2). */
const COLOUR_TYPE = { 1: 0, 3: 2 } as const;
/** PNG's own limit on width and height (2^31 − 1). */
const MAX_DIMENSION = 0x7fffffff;

export function encodePng(image: RawImage): Uint8Array {
  const { width, height, channels, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION)
    throw new RangeError(`not a PNG image size: ${width} × ${height}`);
  if (pixels.length !== width * height * channels) throw new RangeError(`${pixels.length} bytes are not ${width} × ${height} × ${channels} samples`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE[channels];
  // compression 0 (deflate), filter method 0 (adaptive), interlace 0 (none): zero already.
  // Level 6 (zlib's default): on a 480 × 640 photo levels 1–3 save a few ms and cost a third more bytes on the wire to the screen.
  const data = deflateSync(filterRows(image), { level: 6 });
  return concatBytes(SIGNATURE, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0)));
}

/**
 * Each row prefixed with filter type 2, Up (PNG 9.2: each byte minus the one above it). On
 * decoded JPEG 2000 faces, measured: Up 116 KiB, Paeth 125, the per-row adaptive choice PNG
 * 12.8 suggests 125, Sub 138, none 158 (480 × 640 RGB) — and Up is one subtraction a byte,
 * which matters in a worker whose code runs once, before the JIT has warmed up.
 */
function filterRows({ width, height, channels, pixels }: RawImage): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    const row = y * stride;
    out[at] = 2;
    if (y === 0) {
      out.set(pixels.subarray(0, stride), at + 1); // Up against the zero row above the image
      continue;
    }
    for (let x = 0; x < stride; x++) out[at + 1 + x] = ((pixels[row + x] as number) - (pixels[row - stride + x] as number)) & 0xff;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  // The CRC covers the type and the data, not the length (PNG 5.3).
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
