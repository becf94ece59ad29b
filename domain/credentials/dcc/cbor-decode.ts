/**
 * A small, strict CBOR decoder (RFC 8949) for what a DCC carries: COSE_Sign1, CWT claims
 * and the health certificate. Written here rather than taken from a library because the
 * input is hostile (anyone can print a QR code) and the decoder must be bounded in depth,
 * size and time, must never throw out of its public API, and must stay free of I/O so it
 * runs in the pure domain.
 *
 * Data model: unsigned and negative integers become `number` when they are safe
 * integers and `bigint` otherwise; byte strings `Uint8Array`; text strings `string`
 * (UTF-8 checked); arrays `CborValue[]`; maps `Map` (duplicate keys rejected); tags
 * `CborTag`; floats `number`; false/true/null/undefined as themselves; other simple
 * values `CborSimple`.
 */

export type CborValue = number | bigint | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap | CborTag | CborSimple;
export type CborMap = Map<CborValue, CborValue>;

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** A simple value other than false, true, null and undefined (RFC 8949 §3.3). */
export class CborSimple {
  constructor(readonly value: number) {}
}

export interface CborDecodeOptions {
  /** Nesting limit (arrays, maps, tags). A DCC needs about 8. */
  readonly maxDepth?: number;
  /** Accept bytes after the first data item (reported as `length`). */
  readonly allowTrailing?: boolean;
}

export type CborResult =
  { readonly ok: true; readonly value: CborValue; readonly length: number } | { readonly ok: false; readonly error: string; readonly offset: number };

const DEFAULT_MAX_DEPTH = 32;
const BREAK = Symbol('break');

class CborError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes one data item. Never throws: malformed input is `{ok: false}` with a reason and an offset. */
export function decodeCbor(bytes: Uint8Array, options: CborDecodeOptions = {}): CborResult {
  const reader = new Reader(bytes, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    const value = reader.item(0);
    if (value === BREAK) throw new CborError('unexpected break', reader.pos - 1);
    if (!options.allowTrailing && reader.pos !== bytes.length) throw new CborError('trailing bytes', reader.pos);
    return { ok: true, value, length: reader.pos };
  } catch (error) {
    if (error instanceof CborError) return { ok: false, error: error.message, offset: error.offset };
    // Anything else (a RangeError from a pathological input) is still a decoding failure, never a crash.
    return { ok: false, error: 'malformed', offset: reader.pos };
  }
}

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): void {
    if (count > this.bytes.length - this.pos) throw new CborError('unexpected end of input', this.pos);
  }

  private byte(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  /** The argument of a head: a count, length, integer or tag number. `null` means indefinite. */
  private argument(info: number, start: number): number | bigint | null {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.byte();
      case 25:
        this.need(2);
        this.pos += 2;
        return this.view.getUint16(this.pos - 2);
      case 26:
        this.need(4);
        this.pos += 4;
        return this.view.getUint32(this.pos - 4);
      case 27: {
        this.need(8);
        this.pos += 8;
        const big = this.view.getBigUint64(this.pos - 8);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 31:
        return null;
      default:
        throw new CborError('reserved additional information', start);
    }
  }

  /** A length or count: bounded by what is left, so a forged header cannot make us allocate. */
  private length(arg: number | bigint, perItem: number, start: number): number {
    if (typeof arg === 'bigint' || arg * perItem > this.bytes.length - this.pos) throw new CborError('length exceeds input', start);
    return arg;
  }

  item(depth: number): CborValue | typeof BREAK {
    if (depth > this.maxDepth) throw new CborError('nesting too deep', this.pos);
    const start = this.pos;
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    if (major === 7) return this.simpleOrFloat(info, start);
    const arg = this.argument(info, start);
    switch (major) {
      case 0:
        if (arg === null) throw new CborError('indefinite integer', start);
        return arg;
      case 1:
        if (arg === null) throw new CborError('indefinite integer', start);
        return typeof arg === 'bigint' ? -1n - arg : arg === Number.MAX_SAFE_INTEGER ? -1n - BigInt(arg) : -1 - arg;
      case 2:
      case 3:
        return this.string(major, arg, start);
      case 4:
        return this.array(arg, depth, start);
      case 5:
        return this.map(arg, depth, start);
      default:
        return this.tag(arg, depth, start);
    }
  }

  private string(major: number, arg: number | bigint | null, start: number): Uint8Array | string {
    let raw: Uint8Array;
    if (arg === null) {
      // Indefinite length: definite chunks of the same major type up to a break.
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const chunkStart = this.pos;
        const head = this.byte();
        if (head === 0xff) break;
        if (head >> 5 !== major) throw new CborError('bad chunk in indefinite string', chunkStart);
        const chunkArg = this.argument(head & 0x1f, chunkStart);
        if (chunkArg === null) throw new CborError('nested indefinite string', chunkStart);
        const chunk = this.slice(this.length(chunkArg, 1, chunkStart));
        chunks.push(chunk);
        total += chunk.length;
      }
      raw = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        raw.set(chunk, at);
        at += chunk.length;
      }
    } else {
      raw = this.slice(this.length(arg, 1, start));
    }
    if (major === 2) return raw;
    try {
      return utf8.decode(raw);
    } catch {
      throw new CborError('text string is not UTF-8', start);
    }
  }

  private slice(count: number): Uint8Array {
    this.need(count);
    this.pos += count;
    return this.bytes.slice(this.pos - count, this.pos);
  }

  private array(arg: number | bigint | null, depth: number, start: number): CborValue[] {
    const items: CborValue[] = [];
    if (arg === null) {
      for (;;) {
        const value = this.item(depth + 1);
        if (value === BREAK) return items;
        items.push(value);
      }
    }
    const count = this.length(arg, 1, start);
    for (let i = 0; i < count; i++) items.push(this.value(depth + 1));
    return items;
  }

  private map(arg: number | bigint | null, depth: number, start: number): CborMap {
    const map: CborMap = new Map();
    const seen = new Set<string>();
    const add = (key: CborValue, keyStart: number): void => {
      const id = keyIdentity(key);
      if (id !== null) {
        if (seen.has(id)) throw new CborError('duplicate map key', keyStart);
        seen.add(id);
      }
      map.set(key, this.value(depth + 1));
    };
    if (arg === null) {
      for (;;) {
        const keyStart = this.pos;
        const key = this.item(depth + 1);
        if (key === BREAK) return map;
        add(key, keyStart);
      }
    }
    const count = this.length(arg, 2, start);
    for (let i = 0; i < count; i++) {
      const keyStart = this.pos;
      add(this.value(depth + 1), keyStart);
    }
    return map;
  }

  /** An item where a break is not allowed. */
  private value(depth: number): CborValue {
    const at = this.pos;
    const value = this.item(depth);
    if (value === BREAK) throw new CborError('unexpected break', at);
    return value;
  }

  private tag(arg: number | bigint | null, depth: number, start: number): CborTag {
    if (arg === null || typeof arg === 'bigint') throw new CborError('invalid tag number', start);
    const content = this.value(depth + 1);
    // The two standard date/time tags have a fixed content type (RFC 8949 §3.4.1, §3.4.2).
    if (arg === 0 && typeof content !== 'string') throw new CborError('tag 0 needs a text string', start);
    if (arg === 1 && typeof content !== 'number' && typeof content !== 'bigint') throw new CborError('tag 1 needs a number', start);
    return new CborTag(arg, content);
  }

  private simpleOrFloat(info: number, start: number): CborValue | typeof BREAK {
    if (info < 20) return new CborSimple(info);
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 24: {
        const value = this.byte();
        // Simple values below 32 must use the one-byte form (RFC 8949 §3.3).
        if (value < 32) throw new CborError('badly encoded simple value', start);
        return new CborSimple(value);
      }
      case 25:
        this.need(2);
        this.pos += 2;
        return halfToNumber(this.view.getUint16(this.pos - 2));
      case 26:
        this.need(4);
        this.pos += 4;
        return this.view.getFloat32(this.pos - 4);
      case 27:
        this.need(8);
        this.pos += 8;
        return this.view.getFloat64(this.pos - 8);
      case 31:
        return BREAK;
      default:
        throw new CborError('reserved additional information', start);
    }
  }
}

/** IEEE 754 binary16 (RFC 8949 Appendix D). */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A string that is equal for equal keys, for the duplicate check; null for keys not compared (arrays, maps, tags). */
function keyIdentity(key: CborValue): string | null {
  if (key instanceof Uint8Array) return `b:${hex(key)}`;
  if (typeof key === 'object' && key !== null) return null;
  return `${typeof key}:${String(key)}`;
}

export function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}
