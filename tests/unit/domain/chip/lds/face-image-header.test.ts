import { describe, expect, it } from 'vitest';
import { readJpeg2000Header, readJpegDimensions } from '../../../../../domain/chip/lds/face-image-header.js';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { testFace, testFacesUnavailable } from '../../../../support/face-images.js';

const unavailable = testFacesUnavailable();
const be = (value: number, size: number): number[] => Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** (size - 1 - i)) % 256);
const SIGNATURE_BOX = [0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const box = (type: string, content: readonly number[]): number[] => [...be(8 + content.length, 4), ...[...type].map((c) => c.charCodeAt(0)), ...content];

/** SOC and a SIZ marker segment (ISO/IEC 15444-1 A.5.1). */
function siz(options: { width?: number; height?: number; offset?: number; tile?: number; tileOffset?: number; components?: readonly number[] } = {}): number[] {
  const { width = 480, height = 640, offset = 0, tile = 256, tileOffset = 0, components = [7, 7, 7] } = options;
  return [
    0xff,
    0x4f,
    0xff,
    0x51,
    ...be(38 + 3 * components.length, 2),
    0,
    0,
    ...be(width + offset, 4),
    ...be(height + offset, 4),
    ...be(offset, 4),
    ...be(offset, 4),
    ...be(tile, 4),
    ...be(tile, 4),
    ...be(tileOffset, 4),
    ...be(tileOffset, 4),
    ...be(components.length, 2),
    ...components.flatMap((ssiz, i) => [ssiz, i === 0 ? 1 : 2, i === 0 ? 1 : 2]),
  ];
}

describe('JPEG 2000 header: the SIZ marker', () => {
  it('reads size, offset, components and the tile count of a bare codestream', () => {
    const header = readJpeg2000Header(Uint8Array.from(siz({ width: 480, height: 640, offset: 3, tile: 256, components: [7, 0x87, 3] })));
    expect(header).toEqual({
      container: 'j2k',
      width: 480,
      height: 640,
      offsetX: 3,
      offsetY: 3,
      components: [
        { depth: 8, signed: false, dx: 1, dy: 1 },
        { depth: 8, signed: true, dx: 2, dy: 2 },
        { depth: 4, signed: false, dx: 2, dy: 2 },
      ],
      // ceil(483 / 256) × ceil(643 / 256) tiles on the reference grid.
      tiles: 2 * 3,
    });
  });

  it('finds the codestream inside JP2 boxes, with an 8-byte box length or a last box running to the end', () => {
    const codestream = siz({ width: 100, height: 50, components: [7] });
    const plain = [...SIGNATURE_BOX, ...box('ftyp', [0x6a, 0x70, 0x32, 0x20, 0, 0, 0, 0]), ...box('jp2c', codestream)];
    const wide = [...SIGNATURE_BOX, 0, 0, 0, 1, 0x6a, 0x70, 0x32, 0x63, ...be(0, 4), ...be(16 + codestream.length, 4), ...codestream];
    const open = [...SIGNATURE_BOX, 0, 0, 0, 0, 0x6a, 0x70, 0x32, 0x63, ...codestream];
    for (const file of [plain, wide, open])
      expect(readJpeg2000Header(Uint8Array.from(file))).toMatchObject({ container: 'jp2', width: 100, height: 50, tiles: 1 });
  });

  it.each([
    ['neither JP2 nor a codestream', [0xff, 0xd8, 0xff, 0xe0]],
    ['a JP2 file without a codestream box', [...SIGNATURE_BOX, ...box('ftyp', [1, 2, 3, 4])]],
    ['a JP2 box longer than the file', [...SIGNATURE_BOX, ...be(4000, 4), 0x6a, 0x70, 0x32, 0x63, ...siz()]],
    ['a JP2 box of 4 GiB', [...SIGNATURE_BOX, 0, 0, 0, 1, 0x6a, 0x70, 0x32, 0x63, ...be(1, 4), ...be(0, 4), ...siz()]],
    ['a box length under its header', [...SIGNATURE_BOX, 0, 0, 0, 4, 0x6a, 0x70, 0x32, 0x63, ...siz()]],
    ['a SIZ marker cut short', siz().slice(0, 40)],
    ['a first marker other than SIZ', [0xff, 0x4f, 0xff, 0x52, ...siz().slice(4)]],
    ['a length that does not match the component count', siz().map((byte, i) => (i === 5 ? 44 : byte))],
    ['no components', [...siz({ components: [] })]],
    ['a tile size of zero', siz({ tile: 0 })],
    ['a first tile beside the image', siz({ offset: 300, tile: 100, tileOffset: 0 })],
    ['an empty image area', siz({ width: 0 })],
  ])('refuses %s', (_case, bytes) => {
    expect(() => readJpeg2000Header(Uint8Array.from(bytes))).toThrow(LdsError);
    expect(() => readJpeg2000Header(Uint8Array.from(bytes))).toThrow(/^DG2: JPEG 2000 face image: /);
  });

  it('reads a claimed 60 000 × 60 000 image without allocating for it (the caller refuses it)', () => {
    expect(readJpeg2000Header(Uint8Array.from(siz({ width: 60_000, height: 60_000, tile: 60_000 })))).toMatchObject({
      width: 60_000,
      height: 60_000,
      tiles: 1,
    });
  });
});

describe.skipIf(unavailable !== null)(`headers of files an independent encoder wrote${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('reads Pillow/OpenJPEG JP2 and J2K files, colour and greyscale', () => {
    expect(readJpeg2000Header(testFace({ width: 480, height: 640, channels: 3, format: 'jp2' }).encoded)).toEqual({
      container: 'jp2',
      width: 480,
      height: 640,
      offsetX: 0,
      offsetY: 0,
      components: Array.from({ length: 3 }, () => ({ depth: 8, signed: false, dx: 1, dy: 1 })),
      tiles: 1,
    });
    expect(readJpeg2000Header(testFace({ width: 33, height: 17, channels: 1, format: 'j2k' }).encoded)).toMatchObject({
      container: 'j2k',
      width: 33,
      height: 17,
      components: [{ depth: 8, signed: false, dx: 1, dy: 1 }],
    });
  });

  it('reads a JPEG\u2019s frame size', () => {
    expect(readJpegDimensions(testFace({ width: 301, height: 402, channels: 3, format: 'jpeg' }).encoded)).toEqual({ width: 301, height: 402 });
    expect(readJpegDimensions(testFace({ width: 64, height: 48, channels: 1, format: 'jpeg' }).encoded)).toEqual({ width: 64, height: 48 });
  });
});

describe('JPEG frame size (SOF)', () => {
  const sof = (marker: number, width: number, height: number): number[] => [0xff, marker, 0, 11, 8, ...be(height, 2), ...be(width, 2), 1, 1, 0x11, 0];

  it('skips other segments and fill bytes and reads any SOF, progressive included', () => {
    const app0 = [0xff, 0xe0, 0, 6, 0x4a, 0x46, 0x49, 0x46];
    const dht = [0xff, 0xc4, 0, 3, 0];
    expect(readJpegDimensions(Uint8Array.from([0xff, 0xd8, ...app0, 0xff, ...dht, ...sof(0xc2, 640, 480)]))).toEqual({ width: 640, height: 480 });
    expect(readJpegDimensions(Uint8Array.from([0xff, 0xd8, ...sof(0xc0, 1, 2)]))).toEqual({ width: 1, height: 2 });
  });

  it.each([
    ['no SOF before the scan', [0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]],
    ['a segment running past the end', [0xff, 0xd8, 0xff, 0xe0, 0x40, 0]],
    ['a SOF cut short', [0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 1]],
    ['a zero width', [0xff, 0xd8, ...sof(0xc0, 0, 10)]],
    ['not a JPEG', [0x89, 0x50, 0x4e, 0x47]],
  ])('gives no size for %s', (_case, bytes) => {
    expect(readJpegDimensions(Uint8Array.from(bytes))).toBeUndefined();
  });
});
