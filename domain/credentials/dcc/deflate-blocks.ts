/**
 * A walk over the blocks of a raw DEFLATE stream (RFC 1951) that checks what fflate does
 * not: that each stored block's NLEN is the one's complement of its LEN (§3.2.4). A stream
 * that breaks it is corrupt, whatever bytes it inflates to, and a reader that accepts it
 * accepts two readings of the same bytes. Stored blocks sit at bit positions only known by
 * decoding the Huffman blocks before them, so the walk decodes every symbol (without
 * producing output: no copy, no window). It follows zlib's reference decoder, puff.c:
 * over-subscribed codes are refused, an incomplete code only as a single one-bit code.
 * Each symbol consumes at least one bit, so the walk is linear in the input.
 */

const MAX_BITS = 15;
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class Corrupt extends Error {}

class BitReader {
  private at = 0;
  private bitBuffer = 0;
  private bitCount = 0;

  constructor(private readonly bytes: Uint8Array) {}

  bits(count: number): number {
    let value = this.bitBuffer;
    while (this.bitCount < count) {
      if (this.at >= this.bytes.length) throw new Corrupt('out of input');
      value |= (this.bytes[this.at++] as number) << this.bitCount;
      this.bitCount += 8;
    }
    this.bitBuffer = value >>> count;
    this.bitCount -= count;
    return value & ((1 << count) - 1);
  }

  /** A stored block: drop the bits left in the current byte, then read LEN and NLEN and skip LEN bytes. */
  storedBlock(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
    if (this.at + 4 > this.bytes.length) throw new Corrupt('stored block header cut');
    const byte = (i: number): number => this.bytes[this.at + i] as number;
    const len = byte(0) | (byte(1) << 8);
    const nlen = byte(2) | (byte(3) << 8);
    if (nlen !== (~len & 0xffff)) throw new Corrupt('stored block NLEN is not the complement of LEN');
    this.at += 4 + len;
    if (this.at > this.bytes.length) throw new Corrupt('stored block cut');
  }
}

interface Huffman {
  readonly count: Uint16Array;
  readonly symbol: Uint16Array;
}

/** Canonical Huffman code from code lengths; returns the code and how incomplete it is (puff's construct). */
function construct(lengths: ArrayLike<number>): { code: Huffman; left: number } {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < lengths.length; i++) count[lengths[i] as number]! += 1;
  const code = { count, symbol: new Uint16Array(lengths.length) };
  if (count[0] === lengths.length) return { code, left: 0 };
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left <<= 1;
    left -= count[len] as number;
    if (left < 0) throw new Corrupt('over-subscribed code');
  }
  const offsets = new Uint16Array(MAX_BITS + 1);
  for (let len = 1; len < MAX_BITS; len++) offsets[len + 1] = (offsets[len] as number) + (count[len] as number);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i] as number;
    if (len !== 0) code.symbol[offsets[len]!++] = i;
  }
  return { code, left };
}

function decode(reader: BitReader, { count, symbol }: Huffman): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    code |= reader.bits(1);
    const n = count[len] as number;
    if (code - n < first) return symbol[index + (code - first)] as number;
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  throw new Corrupt('no such code');
}

/** Walks the symbols of one Huffman block up to its end-of-block. */
function walkCodes(reader: BitReader, lengthCode: Huffman, distanceCode: Huffman): void {
  for (;;) {
    const symbol = decode(reader, lengthCode);
    if (symbol < 256) continue;
    if (symbol === 256) return;
    const lengthIndex = symbol - 257;
    if (lengthIndex >= 29) throw new Corrupt('invalid length symbol');
    reader.bits(LENGTH_EXTRA[lengthIndex] as number);
    const distance = decode(reader, distanceCode);
    if (distance >= 30) throw new Corrupt('invalid distance symbol');
    reader.bits(DISTANCE_EXTRA[distance] as number);
  }
}

let fixed: { length: Huffman; distance: Huffman } | undefined;
function fixedCodes(): { length: Huffman; distance: Huffman } {
  if (fixed === undefined) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixed = { length: construct(lengths).code, distance: construct(new Uint8Array(30).fill(5)).code };
  }
  return fixed;
}

function dynamicCodes(reader: BitReader): { length: Huffman; distance: Huffman } {
  const nlen = reader.bits(5) + 257;
  const ndist = reader.bits(5) + 1;
  const ncode = reader.bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw new Corrupt('bad code counts');
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i] as number] = reader.bits(3);
  const lencode = construct(codeLengths);
  if (lencode.left !== 0) throw new Corrupt('incomplete code-length code');
  const lengths = new Uint8Array(nlen + ndist);
  for (let index = 0; index < nlen + ndist;) {
    const symbol = decode(reader, lencode.code);
    if (symbol < 16) {
      lengths[index++] = symbol;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (symbol === 16) {
      if (index === 0) throw new Corrupt('repeat with no previous length');
      value = lengths[index - 1] as number;
      repeat = 3 + reader.bits(2);
    } else repeat = symbol === 17 ? 3 + reader.bits(3) : 11 + reader.bits(7);
    if (index + repeat > nlen + ndist) throw new Corrupt('too many lengths');
    lengths.fill(value, index, index + repeat);
    index += repeat;
  }
  if (lengths[256] === 0) throw new Corrupt('no end-of-block code');
  const length = construct(lengths.subarray(0, nlen));
  if (length.left !== 0 && nlen - (length.code.count[0] as number) !== 1) throw new Corrupt('incomplete literal/length code');
  const distance = construct(lengths.subarray(nlen));
  if (distance.left !== 0 && ndist - (distance.code.count[0] as number) !== 1) throw new Corrupt('incomplete distance code');
  return { length: length.code, distance: distance.code };
}

/** Whether every block of the raw DEFLATE stream is well formed, stored blocks' NLEN included. */
export function deflateBlocksWellFormed(deflate: Uint8Array): boolean {
  const reader = new BitReader(deflate);
  try {
    for (let last = 0; last === 0;) {
      last = reader.bits(1);
      const type = reader.bits(2);
      if (type === 0) reader.storedBlock();
      else if (type === 1) walkCodes(reader, fixedCodes().length, fixedCodes().distance);
      else if (type === 2) {
        const codes = dynamicCodes(reader);
        walkCodes(reader, codes.length, codes.distance);
      } else throw new Corrupt('reserved block type');
    }
    return true;
  } catch (error) {
    if (error instanceof Corrupt) return false;
    throw error;
  }
}
