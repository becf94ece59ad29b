/**
 * BER-TLV as ICAO 9303 and ISO/IEC 7816-4 use it: the data groups, EF.COM, EF.SOD's outer
 * layer, secure-messaging data objects (87, 8E, 99) and PACE's dynamic authentication data
 * (7C). Everything read from a chip is hostile until verified, so every length is checked
 * against the bytes actually present and against a cap, before anything is sliced.
 */
export class TlvError extends Error {
  override readonly name = 'TlvError';
}

export interface Tlv {
  /** The tag's bytes as one number, e.g. 0x61, 0x5F1F, 0x7F49. */
  readonly tag: number;
  readonly value: Uint8Array;
  /** Where the object starts (its tag) and ends (after its value), in the bytes it was read from. */
  readonly start: number;
  readonly end: number;
}

/** ICAO files are at most a few hundred KiB (DG2 photos); a length beyond this is corruption. */
export const MAX_TLV_LENGTH = 16 * 1024 * 1024;

/** A constructed object (bit 6 of the first tag byte) holds further TLVs in its value. */
export function isConstructed(tag: number): boolean {
  let first = tag;
  while (first > 0xff) first >>>= 8;
  return (first & 0x20) !== 0;
}

interface Header {
  readonly tag: number;
  readonly length: number;
  /** Bytes of tag and length together. */
  readonly size: number;
}

/** The tag and length at `offset`, or undefined when `bytes` ends inside them. */
function readHeader(bytes: Uint8Array, offset: number): Header | undefined {
  let at = offset;
  const first = bytes[at++];
  if (first === undefined) return undefined;
  if (first === 0x00 || first === 0xff) throw new TlvError(`invalid tag byte 0x${hex(first)} at ${offset}`);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes while bit 8 is set; ICAO tags are at most three bytes.
    for (let count = 1; ; count++) {
      const next = bytes[at++];
      if (next === undefined) return undefined;
      tag = tag * 0x100 + next;
      if ((next & 0x80) === 0) break;
      if (count >= 2) throw new TlvError(`tag longer than 3 bytes at ${offset}`);
    }
  }
  const lengthByte = bytes[at++];
  if (lengthByte === undefined) return undefined;
  let length = lengthByte;
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4) throw new TlvError(`length of ${count} bytes at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const next = bytes[at++];
      if (next === undefined) return undefined;
      length = length * 0x100 + next;
    }
  } else if (lengthByte === 0x80) {
    throw new TlvError(`indefinite length at ${offset}: not allowed in DER or ICAO files`);
  }
  if (length > MAX_TLV_LENGTH) throw new TlvError(`length ${length} at ${offset} exceeds ${MAX_TLV_LENGTH}`);
  return { tag, length, size: at - offset };
}

/**
 * The whole size (header and value) of the object a file starts with, from its first bytes:
 * how much of an EF to read. Undefined when `header` is too short to tell (read more first).
 */
export function tlvTotalLength(header: Uint8Array): number | undefined {
  const parsed = readHeader(header, 0);
  return parsed === undefined ? undefined : parsed.size + parsed.length;
}

/** The object at `offset`; throws TlvError when it is malformed or runs past the end. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  const header = readHeader(bytes, offset);
  if (header === undefined) throw new TlvError(`truncated tag or length at ${offset}`);
  const valueStart = offset + header.size;
  const end = valueStart + header.length;
  if (end > bytes.length) throw new TlvError(`value of tag ${hex(header.tag)} runs ${end - bytes.length} bytes past the end`);
  return { tag: header.tag, value: bytes.subarray(valueStart, end), start: offset, end };
}

/** All objects side by side in `bytes` (the value of a constructed object, say). */
export function readTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const tlv = readTlv(bytes, offset);
    out.push(tlv);
    offset = tlv.end;
  }
  return out;
}

/** The first object with `tag` among the objects side by side in `bytes`. */
export function findTlv(bytes: Uint8Array, tag: number): Tlv | undefined {
  return readTlvs(bytes).find((tlv) => tlv.tag === tag);
}

/** The object with `tag`, which must be there. */
export function requireTlv(bytes: Uint8Array, tag: number, what: string): Tlv {
  const tlv = findTlv(bytes, tag);
  if (tlv === undefined) throw new TlvError(`${what}: no tag ${hex(tag)}`);
  return tlv;
}

export function encodeLength(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError(`cannot encode length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 0x100)) bytes.unshift(rest % 0x100);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

function tagBytes(tag: number): number[] {
  if (!Number.isSafeInteger(tag) || tag <= 0 || tag > 0xffffff) throw new RangeError(`cannot encode tag ${tag}`);
  const bytes: number[] = [];
  for (let rest = tag; rest > 0; rest = Math.floor(rest / 0x100)) bytes.unshift(rest % 0x100);
  return bytes;
}

/** One object: tag, DER length, value. Values may be concatenated encodings (constructed). */
export function encodeTlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const valueLength = values.reduce((sum, value) => sum + value.length, 0);
  const tagPart = tagBytes(tag);
  const lengthPart = encodeLength(valueLength);
  const out = new Uint8Array(tagPart.length + lengthPart.length + valueLength);
  out.set(tagPart, 0);
  out.set(lengthPart, tagPart.length);
  let at = tagPart.length + lengthPart.length;
  for (const value of values) {
    out.set(value, at);
    at += value.length;
  }
  return out;
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
