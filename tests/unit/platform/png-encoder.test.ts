import fc from 'fast-check';
import { PNG } from 'pngjs';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../platform/png-encoder.js';
import { decodePng } from '../../support/png-decode.js';

/** pngjs (an independent decoder, CRCs checked) reads what the encoder wrote back to the same samples. */
function pngjsSamples(png: Uint8Array, channels: 1 | 3): { width: number; height: number; samples: number[] } {
  const image = PNG.sync.read(Buffer.from(png), { checkCRC: true });
  const samples: number[] = [];
  for (let i = 0; i < image.width * image.height; i++) for (let c = 0; c < channels; c++) samples.push(image.data[i * 4 + c] as number);
  return { width: image.width, height: image.height, samples };
}

describe('PNG encoder', () => {
  it('writes 8-bit greyscale and RGB that an independent decoder reads back sample for sample', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<1 | 3>(1, 3),
        fc.integer(),
        (width, height, channels, seed) => {
          // Ramps, edges and noise: the Up filter's differences wrap around both ways.
          const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => ((i * 7 + (seed & 0xff)) ^ (i % 13 === 0 ? seed >>> 8 : 0)) & 0xff);
          const png = encodePng({ width, height, channels, pixels });
          expect(pngjsSamples(png, channels)).toEqual({ width, height, samples: Array.from(pixels) });
          expect(Array.from(decodePng(png).pixels)).toEqual(Array.from(pixels));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lays out signature, IHDR (size, depth 8, colour type), one IDAT and IEND', () => {
    const png = encodePng({ width: 3, height: 2, channels: 3, pixels: new Uint8Array(18).fill(200) });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(Array.from(png.subarray(8, 16))).toEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(Array.from(png.subarray(16, 29))).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    expect(decodePng(png)).toMatchObject({ width: 3, height: 2, channels: 3, chunkTypes: ['IHDR', 'IDAT', 'IEND'] });
    expect(decodePng(encodePng({ width: 1, height: 1, channels: 1, pixels: Uint8Array.of(9) }))).toMatchObject({ channels: 1, pixels: Uint8Array.of(9) });
  });

  it('filters rows (Up): an image whose rows repeat with a shift in value compresses far below the same samples unfiltered', () => {
    const width = 256;
    const height = 64;
    // Columns of pseudo-random values, each row the row above plus one: nothing for deflate to match
    // unfiltered, while Up (each byte minus the one above) leaves the first row and then runs of 1s.
    const random = createHash('sha256');
    const firstRow = Uint8Array.from({ length: width * 3 }, (_, x) => random.copy().update(String(x)).digest()[0] as number);
    const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (firstRow[i % (width * 3)] as number) + Math.floor(i / (3 * width)));
    const png = encodePng({ width, height, channels: 3, pixels });
    const rows = Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.of(0), pixels.subarray(y * width * 3, (y + 1) * width * 3)]));
    expect(png.length).toBeLessThan(deflateSync(Buffer.concat(rows)).length / 10);
    expect(Array.from(decodePng(png).pixels)).toEqual(Array.from(pixels));
  });

  it.each([
    ['a zero width', { width: 0, height: 1, channels: 1 as const, pixels: new Uint8Array(0) }],
    ['a fractional height', { width: 1, height: 1.5, channels: 1 as const, pixels: new Uint8Array(1) }],
    ['too few samples', { width: 2, height: 2, channels: 3 as const, pixels: new Uint8Array(11) }],
  ])('refuses %s', (_case, image) => {
    expect(() => encodePng(image)).toThrow(RangeError);
  });
});
