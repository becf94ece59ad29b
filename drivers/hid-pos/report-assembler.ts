import { MAX_SCAN_CHARS } from '../../domain/scan/scan-event.js';
import type { HidPosLayout } from './report-layouts.js';

/**
 * Reassembles a bar code from its Scanned Data Reports: a pure transform (reports and their
 * arrival times in, whole bar codes out), so it is tested with byte fixtures and no device.
 *
 * A QR on a chip ID card (CCCD) carries ~100 bytes, and a DCC ~500: two to ten 56-byte
 * slices, each with the "more data follows" flag set but the last. Fail-safe rules:
 * - a bar code is emitted only when its last slice has arrived: a half bar code is dropped,
 *   never decoded (a truncated address would still look like a card);
 * - a partial bar code whose next slice does not come within `gapMs` is dropped (the scanner
 *   sends slices back to back, milliseconds apart);
 * - the reports that still arrive for a dropped bar code (up to its last one, within
 *   `orphanWindowMs`) are dropped too: the tail of a bar code is never emitted as a bar code;
 * - a malformed report in the middle of a bar code drops the bar code.
 */
export interface AssembledBarcode {
  /** The decoded data exactly as the scanner sent it, minus any AIM prefix lifted off. */
  readonly bytes: Uint8Array;
  /** AIM symbology identifier (`]Q1`): recorded, never part of the text. */
  readonly aim?: string | undefined;
  /** Vendor code id (Honeywell / Newland), when the scanner sent one. */
  readonly codeId?: string | undefined;
  /** The bar code exceeded `maxBytes`: `bytes` holds its first `maxBytes` (cut on a UTF-8 boundary). */
  readonly overflow: boolean;
}

export type AssemblerResult =
  | { readonly kind: 'barcode'; readonly barcode: AssembledBarcode; readonly droppedPartial: boolean }
  | { readonly kind: 'partial'; readonly droppedPartial: boolean }
  | { readonly kind: 'ignored'; readonly detail: string; readonly droppedPartial: boolean }
  | { readonly kind: 'malformed'; readonly detail: string; readonly droppedPartial: boolean };

export interface AssemblerOptions {
  /** Longest bar code kept, in bytes. Default MAX_SCAN_CHARS (a QR holds at most 2 953 bytes). */
  readonly maxBytes?: number;
  /** Longest wait between two slices of one bar code. */
  readonly gapMs?: number;
  /** After a bar code is dropped, how long further slices count as its tail. */
  readonly orphanWindowMs?: number;
}

export const DEFAULT_REPORT_GAP_MS = 500;
export const DEFAULT_ORPHAN_WINDOW_MS = 2_000;

// ']' + symbology letter + modifier character (ISO/IEC 15424).
const AIM_PATTERN = /^\][A-Za-z][0-9A-Za-z]$/;

interface Partial {
  readonly chunks: Uint8Array[];
  size: number;
  overflow: boolean;
  readonly aim: string | undefined;
  readonly codeId: string | undefined;
  lastAtMs: number;
}

export class HidPosAssembler {
  readonly #layout: HidPosLayout;
  readonly #maxBytes: number;
  readonly #gapMs: number;
  readonly #orphanWindowMs: number;
  #partial: Partial | undefined;
  /** Set when a partial bar code is dropped: until then, slices are the rest of that bar code. */
  #orphanUntilMs: number | undefined;

  constructor(layout: HidPosLayout, options: AssemblerOptions = {}) {
    this.#layout = layout;
    this.#maxBytes = options.maxBytes ?? MAX_SCAN_CHARS;
    this.#gapMs = options.gapMs ?? DEFAULT_REPORT_GAP_MS;
    this.#orphanWindowMs = options.orphanWindowMs ?? DEFAULT_ORPHAN_WINDOW_MS;
  }

  get layout(): HidPosLayout {
    return this.#layout;
  }

  /** A bar code has started and not finished. */
  get pending(): boolean {
    return this.#partial !== undefined;
  }

  /** Forget everything (the device went away and was reopened: no tail can follow). */
  reset(): boolean {
    const had = this.#partial !== undefined;
    this.#partial = undefined;
    this.#orphanUntilMs = undefined;
    return had;
  }

  /** Drops the partial bar code if its next slice is overdue at `nowMs`; true if one was dropped. */
  expire(nowMs: number): boolean {
    const partial = this.#partial;
    if (partial === undefined || nowMs - partial.lastAtMs <= this.#gapMs) return false;
    this.#drop(partial.lastAtMs);
    return true;
  }

  #drop(lastAtMs: number): boolean {
    if (this.#partial === undefined) return false;
    this.#partial = undefined;
    this.#orphanUntilMs = lastAtMs + this.#orphanWindowMs;
    return true;
  }

  push(report: Uint8Array, atMs: number): AssemblerResult {
    const droppedPartial = this.expire(atMs);
    const parsed = this.#layout.parse(report);
    if (!parsed.ok) {
      // Another report of the interface leaves a bar code in progress alone; a broken one does not.
      if (parsed.reason === 'other-report') return { kind: 'ignored', detail: parsed.detail, droppedPartial };
      return { kind: 'malformed', detail: parsed.detail, droppedPartial: this.#drop(atMs) || droppedPartial };
    }
    const { slice } = parsed;
    if (this.#orphanUntilMs !== undefined) {
      if (atMs <= this.#orphanUntilMs) {
        if (!slice.more) this.#orphanUntilMs = undefined;
        return { kind: 'malformed', detail: 'the rest of a bar code already dropped', droppedPartial };
      }
      this.#orphanUntilMs = undefined;
    }
    // A new symbology in the middle of a bar code: the scanner gave up on the first one.
    let restarted = false;
    if (this.#partial?.aim !== undefined && slice.aim !== undefined && slice.aim !== this.#partial.aim) {
      this.#partial = undefined;
      restarted = true;
    }
    const partial: Partial = this.#partial ?? { chunks: [], size: 0, overflow: false, aim: slice.aim, codeId: slice.codeId, lastAtMs: atMs };
    this.#partial = partial;
    partial.lastAtMs = atMs;
    this.#append(partial, slice.data);
    if (slice.more) return { kind: 'partial', droppedPartial: droppedPartial || restarted };
    this.#partial = undefined;
    return { kind: 'barcode', barcode: this.#finish(partial), droppedPartial: droppedPartial || restarted };
  }

  #append(partial: Partial, data: Uint8Array): void {
    if (partial.overflow) return;
    const room = this.#maxBytes - partial.size;
    if (data.length > room) {
      partial.chunks.push(data.slice(0, room));
      partial.size += room;
      partial.overflow = true;
      return;
    }
    partial.chunks.push(data);
    partial.size += data.length;
  }

  #finish(partial: Partial): AssembledBarcode {
    let bytes = concat(partial.chunks, partial.size);
    if (partial.overflow) bytes = trimIncompleteUtf8(bytes);
    let aim = partial.aim;
    if (this.#layout.aimInData && bytes.length >= 3) {
      const prefix = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0);
      if (AIM_PATTERN.test(prefix)) {
        aim = prefix;
        bytes = bytes.slice(3);
      }
    }
    return { bytes, aim, codeId: partial.codeId, overflow: partial.overflow };
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Drops an incomplete UTF-8 sequence at the end (a bar code cut at `maxBytes` may split a
 * Vietnamese letter), so that the part kept still decodes. Invalid data is left alone: the
 * strict decoder of the credential parser refuses it.
 */
export function trimIncompleteUtf8(bytes: Uint8Array): Uint8Array {
  let start = bytes.length - 1;
  while (start >= 0 && bytes.length - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start -= 1;
  if (start < 0) return bytes;
  const lead = bytes[start] ?? 0;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start >= needed ? bytes : bytes.slice(0, start);
}
