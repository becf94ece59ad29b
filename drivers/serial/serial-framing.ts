/**
 * Framing of a serial scanner's byte stream into scans: a pure transform, fed chunks with
 * the time they arrived, so that it is tested with byte fixtures and no timers. The driver
 * calls `expire(now)` once `deadline` has passed.
 *
 * Rules (drivers/README.md, "Serial scanners and relays"):
 * - `'cr'` and `'lf'`: any line ending (CR, LF or CRLF) ends a scan. Vendors differ in their
 *   factory suffix and staff reprogram scanners, so a kiosk configured for CR must not
 *   choke on CRLF; the LF of a CRLF (even in the next chunk) ends an empty frame, which is
 *   skipped. No credential Chốt reads contains a line break.
 * - `'crlf'`: only CR LF ends a scan (a lone CR or LF stays in the payload).
 * - `{ hex }`: that byte sequence (e.g. `03` ETX, `0d0a`) ends a scan.
 * - `'none'`: a scan ends after `interByteTimeoutMs` of silence.
 * - With a suffix, a half frame followed by `interByteTimeoutMs` of silence is DROPPED (an
 *   output of kind 'dropped', which the driver reports as a `protocol` fault), never decoded
 *   as a scan: a scanner sends a whole code in one burst, so a frame whose suffix never came
 *   is a cut cable, a scanner reset or a misconfigured suffix, and gluing it to the front of
 *   the next scan would spoil that one too.
 * - A frame longer than `maxFrameBytes` is cut there and emitted with `overflow: true`; the
 *   rest of it, up to the next suffix (or silence), is discarded. Memory stays bounded by
 *   `maxFrameBytes` whatever arrives, and an oversized frame is one event, not many.
 */
export type SerialSuffix = 'cr' | 'lf' | 'crlf' | 'none' | { readonly hex: string };

export interface SerialFraming {
  readonly suffix: SerialSuffix;
  readonly interByteTimeoutMs: number;
  readonly maxFrameBytes: number;
}

export type FramerOutput =
  /** A scan: its bytes without the suffix; `atMs` is when its last byte arrived. */
  | { readonly kind: 'frame'; readonly bytes: Uint8Array; readonly overflow: boolean; readonly atMs: number }
  /** A half frame whose suffix never came (suffix framing only): `length` bytes thrown away. */
  | { readonly kind: 'dropped'; readonly length: number; readonly atMs: number };

const CR = 0x0d;
const LF = 0x0a;

/** The suffix bytes, or a readable error for a bad `{ hex }`. */
export function suffixBytes(suffix: SerialSuffix): Uint8Array {
  if (suffix === 'cr') return Uint8Array.of(CR);
  if (suffix === 'lf') return Uint8Array.of(LF);
  if (suffix === 'crlf') return Uint8Array.of(CR, LF);
  if (suffix === 'none') return new Uint8Array(0);
  const hex = suffix.hex.replace(/[\s:]/g, '');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length > 16) {
    throw new RangeError(`serial suffix must be 1–8 bytes of hex digits, e.g. "0d" or "0d0a": "${suffix.hex}"`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function checkFraming(framing: SerialFraming): void {
  suffixBytes(framing.suffix);
  if (!Number.isInteger(framing.maxFrameBytes) || framing.maxFrameBytes < 1)
    throw new RangeError(`maxFrameBytes must be a positive integer: ${framing.maxFrameBytes}`);
  if (!Number.isFinite(framing.interByteTimeoutMs) || framing.interByteTimeoutMs <= 0) {
    throw new RangeError(`interByteTimeoutMs must be a positive number: ${framing.interByteTimeoutMs}`);
  }
}

export class SerialFramer {
  readonly framing: SerialFraming;
  /** Any line ending ends a frame ('cr', 'lf'); otherwise `#suffix` must match exactly. */
  readonly #anyLineEnd: boolean;
  readonly #suffix: Uint8Array;
  /** The frame being built; never longer than maxFrameBytes. */
  readonly #buffer: Uint8Array;
  #length = 0;
  /** After an overflow: bytes are thrown away until the next suffix or silence. */
  #discarding = false;
  #lastByteAtMs = 0;

  constructor(framing: SerialFraming) {
    checkFraming(framing);
    this.framing = framing;
    this.#anyLineEnd = framing.suffix === 'cr' || framing.suffix === 'lf';
    this.#suffix = suffixBytes(framing.suffix);
    this.#buffer = new Uint8Array(framing.maxFrameBytes + this.#suffix.length);
  }

  /** Bytes of an unfinished frame (0 when idle). */
  get pending(): number {
    return this.#discarding ? 0 : this.#length;
  }

  /** When `expire()` should next be called, or undefined when nothing waits for silence. */
  get deadline(): number | undefined {
    return this.#length > 0 || this.#discarding ? this.#lastByteAtMs + this.framing.interByteTimeoutMs : undefined;
  }

  push(chunk: Uint8Array, nowMs: number): FramerOutput[] {
    const out: FramerOutput[] = [];
    // Silence before this chunk ends whatever was pending, as if the timer had fired on time.
    if (this.deadline !== undefined && nowMs >= this.deadline) out.push(...this.expire(nowMs));
    if (chunk.length === 0) return out;
    this.#lastByteAtMs = nowMs;
    if (this.framing.suffix === 'none') this.#append(chunk, 0, chunk.length, nowMs, out);
    else if (this.#anyLineEnd) this.#pushLines(chunk, nowMs, out);
    else this.#pushSequence(chunk, nowMs, out);
    return out;
  }

  /** Silence since the last byte: ends a timeout frame, drops a half frame, ends a discard. */
  expire(nowMs: number): FramerOutput[] {
    const deadline = this.deadline;
    if (deadline === undefined || nowMs < deadline) return [];
    const out: FramerOutput[] = [];
    if (this.#length > 0 && !this.#discarding) {
      if (this.framing.suffix === 'none') out.push(this.#take());
      else out.push({ kind: 'dropped', length: this.#length, atMs: this.#lastByteAtMs });
    }
    this.#length = 0;
    this.#discarding = false;
    return out;
  }

  /** Forget everything pending (the port was lost: a half frame can never be completed). */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
  }

  #pushLines(chunk: Uint8Array, nowMs: number, out: FramerOutput[]): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== CR && byte !== LF) continue;
      this.#append(chunk, start, i, nowMs, out);
      if (this.#discarding) this.#discarding = false;
      // An empty frame is the LF of a CRLF (or a blank line): nothing to report.
      else if (this.#length > 0) out.push(this.#take());
      start = i + 1;
    }
    this.#append(chunk, start, chunk.length, nowMs, out);
  }

  #pushSequence(chunk: Uint8Array, nowMs: number, out: FramerOutput[]): void {
    const suffix = this.#suffix;
    const keep = suffix.length - 1;
    const last = suffix[keep];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      this.#buffer[this.#length] = byte;
      this.#length += 1;
      if (byte === last && this.#endsWithSuffix()) {
        const length = this.#length - suffix.length;
        if (!this.#discarding && length > 0) out.push(this.#take(length));
        this.#length = 0;
        this.#discarding = false;
      } else if (this.#discarding) {
        // Only the suffix matters now: keep just enough bytes to see one split across chunks.
        if (this.#length > keep) {
          this.#buffer.copyWithin(0, this.#length - keep, this.#length);
          this.#length = keep;
        }
      } else if (this.#length - keep > this.framing.maxFrameBytes) {
        // More payload than allowed, even if the last bytes turn out to start the suffix.
        out.push({ kind: 'frame', bytes: this.#buffer.slice(0, this.framing.maxFrameBytes), overflow: true, atMs: nowMs });
        this.#buffer.copyWithin(0, this.#length - keep, this.#length);
        this.#length = keep;
        this.#discarding = true;
      }
    }
  }

  /** Appends chunk[from, to) to the frame; the byte past maxFrameBytes cuts it (overflow). */
  #append(chunk: Uint8Array, from: number, to: number, nowMs: number, out: FramerOutput[]): void {
    if (this.#discarding || from >= to) return;
    const max = this.framing.maxFrameBytes;
    const room = max - this.#length;
    if (to - from <= room) {
      this.#buffer.set(chunk.subarray(from, to), this.#length);
      this.#length += to - from;
      return;
    }
    this.#buffer.set(chunk.subarray(from, from + room), this.#length);
    out.push({ kind: 'frame', bytes: this.#buffer.slice(0, max), overflow: true, atMs: nowMs });
    this.#length = 0;
    this.#discarding = true;
  }

  #endsWithSuffix(): boolean {
    const suffix = this.#suffix;
    if (this.#length < suffix.length) return false;
    const offset = this.#length - suffix.length;
    for (let i = 0; i < suffix.length; i++) if (this.#buffer[offset + i] !== suffix[i]) return false;
    return true;
  }

  /** The first `length` bytes of the buffer as a complete frame; the buffer is emptied. */
  #take(length = this.#length): FramerOutput {
    const bytes = this.#buffer.slice(0, length);
    this.#length = 0;
    return { kind: 'frame', bytes, overflow: false, atMs: this.#lastByteAtMs };
  }
}
