import { readTlv, readTlvs, requireTlv, type Tlv } from '../tlv.js';
import { LdsError, parsingFile } from './lds-error.js';

/**
 * DG2 (ICAO 9303-10 §4.7.2), only as far as finding the face image: 75 { 7F61 { 02 count,
 * 7F60 { A1 biometric header, 5F2E or 7F2E biometric data block }… } }, the data block being
 * an ISO/IEC 19794-5:2005 facial record (record header, facial information, feature points,
 * image information) followed by the image. The format is decided by the image's own magic
 * bytes, not by the record's claim. The photo is personal data: shown to staff, never stored.
 */
export type FaceImageFormat = 'jpeg' | 'jpeg2000';

export interface FaceImage {
  readonly format: FaceImageFormat;
  /** The image file's bytes, a view into the DG2 bytes given. */
  readonly image: Uint8Array;
  /** As the facial record states them (0 when it does not). */
  readonly width: number;
  readonly height: number;
}

const FACIAL_RECORD_HEADER = 14;
const FACIAL_INFORMATION = 20;
const FEATURE_POINT = 8;
const IMAGE_INFORMATION = 12;

/** The first face image of DG2. */
export function parseDg2FaceImage(bytes: Uint8Array): FaceImage {
  return parsingFile('DG2', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== 0x75) throw new LdsError('DG2', `starts with tag ${outer.tag.toString(16)}, not 75`);
    const group = requireTlv(outer.value, 0x7f61, 'DG2 biometric information group');
    const template = requireTlv(group.value, 0x7f60, 'DG2 biometric information template');
    const block = readTlvs(template.value).find((tlv: Tlv) => tlv.tag === 0x5f2e || tlv.tag === 0x7f2e);
    if (block === undefined) throw new LdsError('DG2', 'no biometric data block (5F2E or 7F2E)');
    return faceOf(block.value);
  });
}

function faceOf(record: Uint8Array): FaceImage {
  // Record header: "FAC\0", version "010\0", record length (4), number of faces (2).
  if (ascii(record, 0, 4) !== 'FAC\0') throw new LdsError('DG2', 'the biometric data block is not an ISO/IEC 19794-5 facial record');
  if (ascii(record, 4, 8) !== '010\0') throw new LdsError('DG2', 'a facial record version other than ISO/IEC 19794-5:2005');
  if (uint(record, 12, 2) < 1) throw new LdsError('DG2', 'the facial record holds no face');
  const face = FACIAL_RECORD_HEADER;
  const faceLength = uint(record, face, 4);
  const featurePoints = uint(record, face + 4, 2);
  const info = face + FACIAL_INFORMATION + featurePoints * FEATURE_POINT;
  const start = info + IMAGE_INFORMATION;
  const end = face + faceLength;
  if (end > record.length || start >= end) throw new LdsError('DG2', 'the facial record\u2019s lengths do not fit its bytes');
  const image = record.subarray(start, end);
  const format = formatOf(image);
  if (format === undefined) throw new LdsError('DG2', 'the face image is neither JPEG nor JPEG 2000');
  return { format, image, width: uint(record, info + 2, 2), height: uint(record, info + 4, 2) };
}

/** JPEG: FF D8 FF. JPEG 2000: the JP2 signature box, or a bare codestream (FF 4F FF 51). */
export function formatOf(image: Uint8Array): FaceImageFormat | undefined {
  if (startsWith(image, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(image, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return 'jpeg2000';
  if (startsWith(image, [0xff, 0x4f, 0xff, 0x51])) return 'jpeg2000';
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (end > bytes.length) throw new LdsError('DG2', 'the facial record is truncated');
  return String.fromCharCode(...bytes.subarray(start, end));
}

function uint(bytes: Uint8Array, at: number, size: number): number {
  if (at + size > bytes.length) throw new LdsError('DG2', 'the facial record is truncated');
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 0x100 + (bytes[at + i] as number);
  return value;
}
