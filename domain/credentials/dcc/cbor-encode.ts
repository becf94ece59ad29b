import { CborSimple, CborTag, type CborValue } from './cbor-decode.js';

/**
 * A tiny CBOR encoder: enough to build the COSE Sig_structure that a signature covers
 * (RFC 9052 §4.4), and for tests and tools to build certificates. Always the shortest
 * head (preferred serialisation); definite lengths; maps in insertion order; integral
 * numbers as integers, others as float64.
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const out = new ByteWriter();
  write(out, value);
  return out.bytes();
}

const utf8 = new TextEncoder();

class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private room(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }

  push(...values: number[]): void {
    this.room(values.length);
    for (const value of values) this.buffer[this.length++] = value;
  }

  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function head(out: ByteWriter, major: number, value: number | bigint): void {
  const m = major << 5;
  // A bigint that fits a safe integer takes the same shortest form as a number.
  const argument = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof argument === 'bigint' || argument > 0xffffffff) {
    const big = BigInt(argument);
    out.push(m | 27);
    for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((big >> shift) & 0xffn));
  } else if (argument < 24) {
    out.push(m | argument);
  } else if (argument <= 0xff) {
    out.push(m | 24, argument);
  } else if (argument <= 0xffff) {
    out.push(m | 25, argument >> 8, argument & 0xff);
  } else {
    out.push(m | 26, (argument >>> 24) & 0xff, (argument >> 16) & 0xff, (argument >> 8) & 0xff, argument & 0xff);
  }
}

function write(out: ByteWriter, value: CborValue): void {
  if (value === false) out.push(0xf4);
  else if (value === true) out.push(0xf5);
  else if (value === null) out.push(0xf6);
  else if (value === undefined) out.push(0xf7);
  else if (typeof value === 'number') writeNumber(out, value);
  else if (typeof value === 'bigint') {
    if (value >= 0n) head(out, 0, value);
    else head(out, 1, -1n - value);
  } else if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    head(out, 3, bytes.length);
    out.append(bytes);
  } else if (value instanceof Uint8Array) {
    head(out, 2, value.length);
    out.append(value);
  } else if (Array.isArray(value)) {
    head(out, 4, value.length);
    for (const item of value) write(out, item);
  } else if (value instanceof Map) {
    head(out, 5, value.size);
    for (const [key, item] of value) {
      write(out, key);
      write(out, item);
    }
  } else if (value instanceof CborTag) {
    head(out, 6, value.tag);
    write(out, value.value);
  } else if (value instanceof CborSimple) {
    if (value.value < 24) out.push(0xe0 | value.value);
    else out.push(0xf8, value.value);
  }
}

function writeNumber(out: ByteWriter, value: number): void {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    if (value >= 0) head(out, 0, value);
    else head(out, 1, -1 - value);
    return;
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  out.push(0xfb);
  out.append(bytes);
}
