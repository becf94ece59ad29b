import { LdsError } from './lds-error.js';

/**
 * The headers of the two face image formats DG2 carries, read before any decoder is given
 * the bytes: a decoder allocates from what the header claims, so a claim of 60 000 × 60 000
 * pixels, ten thousand components or a million tiles must be refused here, by a reader
 * that only walks a few dozen bytes. Nothing here decodes pixels.
 */

/** One image component (colour channel) as the JPEG 2000 SIZ marker describes it. */
export interface Jpeg2000Component {
  /** Bits per sample, 1–38. */
  readonly depth: number;
  readonly signed: boolean;
  /** Subsampling: 1 for a full-resolution component. */
  readonly dx: number;
  readonly dy: number;
}

/** What the codestream's SIZ marker (ISO/IEC 15444-1 A.5.1) says about the image. */
export interface Jpeg2000Header {
  /** A JP2 file (boxes around the codestream) or a bare codestream (J2K). */
  readonly container: 'jp2' | 'j2k';
  /** The image area: Xsiz − XOsiz by Ysiz − YOsiz. */
  readonly width: number;
  readonly height: number;
  /** The image area's offset on the reference grid (XOsiz, YOsiz). */
  readonly offsetX: number;
  readonly offsetY: number;
  readonly components: readonly Jpeg2000Component[];
  readonly tiles: number;
}

const SOC = 0xff4f;
const SIZ = 0xff51;
const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
/** "jp2c": the contiguous codestream box. */
const CODESTREAM_BOX = 0x6a703263;

/** The JPEG 2000 header of a JP2 file or a bare codestream; LdsError('DG2', …) when it is malformed. */
export function readJpeg2000Header(image: Uint8Array): Jpeg2000Header {
  if (uint(image, 0, 2) === SOC) return { container: 'j2k', ...readSiz(image) };
  if (!JP2_SIGNATURE.every((byte, i) => image[i] === byte)) throw headerError('neither a JP2 signature nor a JPEG 2000 codestream');
  return { container: 'jp2', ...readSiz(codestreamOfJp2(image)) };
}

/** The content of the first top-level "jp2c" box (ISO/IEC 15444-1 I.4: box length, type, content). */
function codestreamOfJp2(file: Uint8Array): Uint8Array {
  let at = 0;
  while (at < file.length) {
    const length = uint(file, at, 4);
    const type = uint(file, at + 4, 4);
    let header = 8;
    let end: number;
    if (length === 0) {
      end = file.length; // the last box runs to the end of the file
    } else if (length === 1) {
      // An 8-byte length: a face image is far below 4 GiB, so the high half must be zero.
      if (uint(file, at + 8, 4) !== 0) throw headerError('a JP2 box of 4 GiB or more');
      header = 16;
      end = at + uint(file, at + 12, 4);
    } else {
      end = at + length;
    }
    if (end < at + header || end > file.length) throw headerError('a JP2 box runs past the end of the file');
    if (type === CODESTREAM_BOX) return file.subarray(at + header, end);
    at = end;
  }
  throw headerError('a JP2 file without a codestream box (jp2c)');
}

function readSiz(codestream: Uint8Array): Omit<Jpeg2000Header, 'container'> {
  if (uint(codestream, 0, 2) !== SOC) throw headerError('the codestream does not start with SOC');
  if (uint(codestream, 2, 2) !== SIZ) throw headerError('the codestream\u2019s first marker is not SIZ');
  const length = uint(codestream, 4, 2);
  const [xSize, ySize, xOffset, yOffset, xTile, yTile, xTileOffset, yTileOffset] = [8, 12, 16, 20, 24, 28, 32, 36].map((at) => uint(codestream, at, 4)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const count = uint(codestream, 40, 2);
  if (count < 1 || length !== 38 + 3 * count) throw headerError('the SIZ marker\u2019s length does not match its component count');
  // The constraints of ISO/IEC 15444-1 A.5.1 that keep the image and tile grids meaningful.
  if (xSize <= xOffset || ySize <= yOffset) throw headerError('an empty image area');
  if (xTile === 0 || yTile === 0) throw headerError('a tile size of zero');
  if (xTileOffset > xOffset || yTileOffset > yOffset || xTileOffset + xTile <= xOffset || yTileOffset + yTile <= yOffset)
    throw headerError('the first tile does not overlap the image area');
  const components: Jpeg2000Component[] = [];
  for (let i = 0; i < count; i++) {
    const at = 42 + 3 * i;
    const size = uint(codestream, at, 1);
    const dx = uint(codestream, at + 1, 1);
    const dy = uint(codestream, at + 2, 1);
    if (dx === 0 || dy === 0) throw headerError('a component subsampling of zero');
    components.push({ depth: (size & 0x7f) + 1, signed: (size & 0x80) !== 0, dx, dy });
  }
  const tiles = Math.ceil((xSize - xTileOffset) / xTile) * Math.ceil((ySize - yTileOffset) / yTile);
  return { width: xSize - xOffset, height: ySize - yOffset, offsetX: xOffset, offsetY: yOffset, components, tiles };
}

/** A JPEG's frame size from its SOF marker (ITU-T T.81 B.2.2), or undefined when there is none before the scan. */
export function readJpegDimensions(image: Uint8Array): { readonly width: number; readonly height: number } | undefined {
  if (image[0] !== 0xff || image[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= image.length) {
    if (image[at] !== 0xff) return undefined;
    const marker = image[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn (not expected before a frame, but legal).
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // start of scan or end of image: no frame header came
    const length = (image[at + 2] as number) * 0x100 + (image[at + 3] as number);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): P, Y, X after the length.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > image.length) return undefined;
      const height = (image[at + 5] as number) * 0x100 + (image[at + 6] as number);
      const width = (image[at + 7] as number) * 0x100 + (image[at + 8] as number);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

function headerError(what: string): LdsError {
  return new LdsError('DG2', `JPEG 2000 face image: ${what}`);
}

/** Big-endian unsigned integer of 1, 2 or 4 bytes; a read past the end is a truncated header. */
function uint(bytes: Uint8Array, at: number, size: 1 | 2 | 4): number {
  if (at + size > bytes.length) throw headerError('the header is truncated');
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 0x100 + (bytes[at + i] as number);
  return value;
}
