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
  return concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

/**
 * Each row prefixed with the filter (PNG 9.2: None, Sub, Up, Paeth) whose output has the
 * smallest sum of absolute values as signed bytes — the heuristic PNG 12.8 recommends, which
 * shrinks a photo by a third against no filtering.
 */
function filterRows({ width, height, channels, pixels }: RawImage): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = [0, 1, 2, 4].map(() => new Uint8Array(stride));
  const zeroRow = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y === 0 ? zeroRow : pixels.subarray((y - 1) * stride, y * stride);
    const [none, sub, up, paeth] = candidates as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    let sumNone = 0;
    let sumSub = 0;
    let sumUp = 0;
    let sumPaeth = 0;
    for (let x = 0; x < stride; x++) {
      const value = row[x] as number;
      const left = x >= channels ? (row[x - channels] as number) : 0;
      const top = above[x] as number;
      const corner = x >= channels ? (above[x - channels] as number) : 0;
      none[x] = value;
      sub[x] = (value - left) & 0xff;
      up[x] = (value - top) & 0xff;
      paeth[x] = (value - paethPredictor(left, top, corner)) & 0xff;
      sumNone += signedMagnitude(none[x] as number);
      sumSub += signedMagnitude(sub[x] as number);
      sumUp += signedMagnitude(up[x] as number);
      sumPaeth += signedMagnitude(paeth[x] as number);
    }
    const sums = [sumNone, sumSub, sumUp, sumPaeth];
    let best = 0;
    for (let i = 1; i < 4; i++) if ((sums[i] as number) < (sums[best] as number)) best = i;
    const at = y * (stride + 1);
    out[at] = [0, 1, 2, 4][best] as number;
    out.set(candidates[best] as Uint8Array, at + 1);
  }
  return out;
}

function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function signedMagnitude(byte: number): number {
  return byte < 128 ? byte : 256 - byte;
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

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
