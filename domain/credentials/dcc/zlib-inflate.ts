import { Inflate } from 'fflate';
import { deflateBlocksWellFormed } from './deflate-blocks.js';

/**
 * The zlib step of a DCC (RFC 1950 around DEFLATE, RFC 1951). fflate's one-shot
 * `unzlibSync` neither checks the Adler-32 trailer nor stops at an output limit (given a
 * buffer, it keeps decoding and drops what does not fit), so a zip bomb would cost its
 * whole expansion in time. We check the header ourselves, feed the raw DEFLATE stream in
 * small slices so no slice can expand by more than about 1032 × its size, stop as soon
 * as the output passes the limit, and verify the trailer and that nothing sits before it,
 * and the block structure fflate does not check (deflate-blocks.ts: stored blocks' NLEN).
 */
export type InflateResult =
  | { readonly kind: 'inflated'; readonly bytes: Uint8Array }
  /** The input has no zlib header: the DCC specification allows an uncompressed COSE. */
  | { readonly kind: 'not-zlib' }
  | { readonly kind: 'error'; readonly reason: 'corrupt' | 'too-large' };

const SLICE = 256;

/** Whether `bytes` starts with a zlib header: deflate, a window ≤ 32 KiB, a valid check, no preset dictionary. */
export function hasZlibHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const cmf = bytes[0] as number;
  const flg = bytes[1] as number;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

export function inflateZlib(bytes: Uint8Array, maxOutput: number): InflateResult {
  if (!hasZlibHeader(bytes)) return { kind: 'not-zlib' };
  const deflate = bytes.subarray(2, bytes.length - 4);
  const out = inflateRaw(deflate, maxOutput);
  if (!(out instanceof Uint8Array)) return { kind: 'error', reason: out };
  const trailer = bytes.subarray(bytes.length - 4);
  const expected = (((trailer[0] as number) << 24) | ((trailer[1] as number) << 16) | ((trailer[2] as number) << 8) | (trailer[3] as number)) >>> 0;
  if (adler32(out) !== expected) return { kind: 'error', reason: 'corrupt' };
  // fflate ignores bytes between the end of the DEFLATE stream and the trailer. The trailer
  // must follow the stream directly, so the stream must need its very last byte.
  if (inflateRaw(deflate.subarray(0, deflate.length - 1), maxOutput) instanceof Uint8Array) return { kind: 'error', reason: 'corrupt' };
  // fflate does not check a stored block's NLEN against its LEN (RFC 1951 §3.2.4).
  if (!deflateBlocksWellFormed(deflate)) return { kind: 'error', reason: 'corrupt' };
  return { kind: 'inflated', bytes: out };
}

/** A whole raw DEFLATE stream, fed in slices so the output limit stops a bomb early. */
function inflateRaw(deflate: Uint8Array, maxOutput: number): Uint8Array | 'corrupt' | 'too-large' {
  // The shortest DEFLATE stream is two bytes; fflate would call nothing at all a success.
  if (deflate.length === 0) return 'corrupt';
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const inflater = new Inflate((chunk) => {
      total += chunk.length;
      if (total <= maxOutput) chunks.push(chunk);
    });
    for (let at = 0; at < deflate.length && total <= maxOutput; at += SLICE) {
      const end = Math.min(at + SLICE, deflate.length);
      inflater.push(deflate.subarray(at, end), end === deflate.length);
    }
  } catch {
    return 'corrupt';
  }
  if (total > maxOutput) return 'too-large';
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the longest run before b can overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length;) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
