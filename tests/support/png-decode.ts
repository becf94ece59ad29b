import { crc32, inflateSync } from 'node:zlib';

/**
 * A PNG reader for tests, on node:zlib alone: checks the signature and every chunk's CRC,
 * inflates the IDAT stream and undoes the five row filters (PNG 9.2), for 8-bit greyscale
 * and RGB non-interlaced images — what the kiosk's encoder writes. Written apart from the
 * encoder so that a test reads its output the way a browser would, not with its own code.
 */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
  readonly chunkTypes: readonly string[];
}

export function decodePng(png: Uint8Array): DecodedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, i) => png[i] === byte)) throw new Error('not a PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | undefined;
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (view.getUint32(at + 8 + length) !== crc32(png.subarray(at + 4, at + 8 + length))) throw new Error(`${type}: CRC mismatch`);
    chunkTypes.push(type);
    if (type === 'IHDR') {
      const ihdr = new DataView(data.buffer, data.byteOffset, data.byteLength);
      header = { width: ihdr.getUint32(0), height: ihdr.getUint32(4), depth: data[8] as number, colour: data[9] as number, interlace: data[12] as number };
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (header === undefined) throw new Error('no IHDR');
  if (header.depth !== 8 || (header.colour !== 0 && header.colour !== 2) || header.interlace !== 0) throw new Error('not 8-bit grey or RGB, non-interlaced');
  const channels = header.colour === 0 ? 1 : 3;
  const stride = header.width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== header.height * (stride + 1)) throw new Error(`${raw.length} inflated bytes for ${header.height} rows of ${stride}`);
  const pixels = new Uint8Array(header.height * stride);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y === 0 ? new Uint8Array(stride) : pixels.subarray((y - 1) * stride, y * stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (out[x - channels] as number) : 0;
      const b = above[x] as number;
      const c = x >= channels ? (above[x - channels] as number) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`row ${y}: filter type ${filter}`);
      out[x] = ((line[x] as number) + predictor) & 0xff;
    }
  }
  return { width: header.width, height: header.height, channels, pixels, chunkTypes };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
