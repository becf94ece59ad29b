import { SyncError } from './sync-error.js';

/**
 * Big-endian fixed-width integers and unsigned LEB128 varints, the two number shapes of
 * the sync format (docs/sync-format.md). Numbers stay JavaScript numbers: every value in
 * the format is at most 2^53 − 1, so no BigInt is needed on the hot path of a 10-million
 * person apply.
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  get size(): number {
    return this.length;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
  }

  /** Unsigned big-endian integer of `width` bytes (1–7), checked to fit. */
  uint(value: number, width: number): void {
    if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * width)) throw new RangeError(`${value} does not fit in ${width} bytes`);
    this.reserve(width);
    for (let i = width - 1; i >= 0; i--) {
      this.buffer[this.length + i] = value % 256;
      value = Math.floor(value / 256);
    }
    this.length += width;
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative safe integer`);
    this.reserve(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes written so far (a copy, so the writer can be reused). */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

/** How many bytes `ByteWriter.varint(value)` writes. */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length += 1;
  }
  return length;
}

/**
 * Strict reading: running past the end, a varint longer than its value allows or a value
 * above its stated maximum throws `sync.malformed`. Readers never allocate for numbers.
 */
export class ByteReader {
  at: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.at = start;
  }

  get remaining(): number {
    return this.end - this.at;
  }

  u8(): number {
    if (this.at >= this.end) throw malformed('truncated');
    return this.bytes[this.at++] as number;
  }

  uint(width: number): number {
    if (this.at + width > this.end) throw malformed('truncated');
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + (this.bytes[this.at++] as number);
    return value;
  }

  /** A varint no larger than `max` (at most 2^53 − 1), in its shortest encoding. */
  varint(max: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.end) throw malformed('truncated');
      const byte = this.bytes[this.at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        // A zero high byte after the first means a padded (non-canonical) encoding.
        if (byte === 0 && i > 0) throw malformed('non-canonical varint');
        if (value > max) throw malformed(`value ${value} above its maximum ${max}`);
        return value;
      }
      scale *= 0x80;
    }
    throw malformed('varint too long');
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.end) throw malformed('truncated');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  /** Throws unless everything up to `end` has been read. */
  finish(what: string): void {
    if (this.at !== this.end) throw malformed(`${this.end - this.at} trailing bytes after the ${what}`);
  }
}

export const malformed = (detail: string): SyncError => new SyncError('sync.malformed', `malformed sync chunk: ${detail}`);
