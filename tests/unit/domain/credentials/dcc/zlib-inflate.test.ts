import fc from 'fast-check';
import { inflateSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bestOfMs } from '../../../../support/timing.js';
import { hasZlibHeader, inflateZlib } from '../../../../../domain/credentials/dcc/zlib-inflate.js';
import { deflateBlocksWellFormed } from '../../../../../domain/credentials/dcc/deflate-blocks.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const SAMPLE = text('Chốt — một mã QR, một quyết định. '.repeat(40));

describe('zlib inflate with a size limit', () => {
  it.each([0, 1, 6, 9] as const)('inflates what zlib level %i made', (level) => {
    expect(inflateZlib(zlibSync(SAMPLE, { level }), 1 << 16)).toEqual({ kind: 'inflated', bytes: SAMPLE });
  });

  it('inflates an empty stream', () => {
    expect(inflateZlib(zlibSync(new Uint8Array(0)), 10)).toEqual({ kind: 'inflated', bytes: new Uint8Array(0) });
  });

  it('says not-zlib for data without a zlib header (an uncompressed COSE, for instance)', () => {
    expect(inflateZlib(Uint8Array.of(0xd2, 0x84, 0x43, 0xa1), 100)).toEqual({ kind: 'not-zlib' });
    expect(inflateZlib(new Uint8Array(0), 100)).toEqual({ kind: 'not-zlib' });
    expect(hasZlibHeader(Uint8Array.of(0x78, 0xda))).toBe(true);
    expect(hasZlibHeader(Uint8Array.of(0x78, 0x9c))).toBe(true);
    expect(hasZlibHeader(Uint8Array.of(0x78, 0xdb))).toBe(false); // header check fails
    expect(hasZlibHeader(Uint8Array.of(0x78, 0xbb))).toBe(false); // preset dictionary
    expect(hasZlibHeader(Uint8Array.of(0x88, 0x98))).toBe(false); // window larger than 32 KiB
  });

  it('checks the Adler-32 trailer, which fflate alone does not', () => {
    const bytes = zlibSync(SAMPLE);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    expect(inflateZlib(bytes, 1 << 16)).toEqual({ kind: 'error', reason: 'corrupt' });
  });

  it('refuses a truncated stream and bytes after the end of the stream', () => {
    const bytes = zlibSync(SAMPLE);
    expect(inflateZlib(bytes.subarray(0, bytes.length - 10), 1 << 16)).toMatchObject({ kind: 'error' });
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes.subarray(0, bytes.length - 4));
    longer.set(bytes.subarray(bytes.length - 4), bytes.length - 1);
    expect(inflateZlib(longer, 1 << 16)).toMatchObject({ kind: 'error' });
  });

  it('refuses garbage after a zlib header', () => {
    expect(inflateZlib(Uint8Array.of(0x78, 0xda, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 1 << 16)).toEqual({ kind: 'error', reason: 'corrupt' });
  });

  it('stops a zip bomb at the limit, quickly', () => {
    const bomb = zlibSync(new Uint8Array(8 << 20), { level: 9 }); // 8 MiB of zeros in about 8 KiB
    expect(inflateZlib(bomb, 64 * 1024)).toEqual({ kind: 'error', reason: 'too-large' });
    expect(bestOfMs(() => inflateZlib(bomb, 64 * 1024))).toBeLessThan(20);
  });

  it('accepts output of exactly the limit', () => {
    expect(inflateZlib(zlibSync(new Uint8Array(1000)), 1000)).toMatchObject({ kind: 'inflated' });
    expect(inflateZlib(zlibSync(new Uint8Array(1001)), 1000)).toEqual({ kind: 'error', reason: 'too-large' });
  });

  it('refuses a stored block whose NLEN is not the one’s complement of LEN, though its bytes and checksum are right', () => {
    const stored = zlibSync(SAMPLE, { level: 0 }); // header, then one stored block: BFINAL/BTYPE byte, LEN, NLEN, data
    expect(stored[2]).toBe(0x01);
    expect(inflateZlib(stored, 1 << 16)).toEqual({ kind: 'inflated', bytes: SAMPLE });
    for (const [at, flip] of [
      [5, 0x01],
      [6, 0x80],
      [5, 0xff],
    ] as const) {
      const bad = stored.slice();
      bad[at] = (bad[at] as number) ^ flip; // NLEN's bytes: fflate alone reads past them
      expect(inflateZlib(bad, 1 << 16), `byte ${at} ^ ${flip}`).toEqual({ kind: 'error', reason: 'corrupt' });
    }
  });

  it('refuses a bad NLEN in a stored block after a Huffman block', () => {
    // A fixed-Huffman block holding "A", then a final stored block of "BC" (LEN 2): the stored
    // block starts at a bit position only the Huffman block's decoding finds.
    const raw = (nlen: number): Uint8Array => {
      const bits: number[] = [];
      const put = (value: number, count: number): void => {
        for (let i = 0; i < count; i++) bits.push((value >> i) & 1); // header fields: least significant bit first
      };
      const putCode = (code: number, length: number): void => {
        for (let i = length - 1; i >= 0; i--) bits.push((code >> i) & 1); // Huffman codes: most significant bit first
      };
      put(0, 1); // not the last block
      put(1, 2); // fixed Huffman
      putCode(0x30 + 0x41, 8); // literal "A"
      putCode(0, 7); // end of block
      put(1, 1); // the last block
      put(0, 2); // stored
      while (bits.length % 8 !== 0) bits.push(0);
      const head = Array.from({ length: bits.length / 8 }, (_, i) => bits.slice(i * 8, i * 8 + 8).reduce((byte, bit, j) => byte | (bit << j), 0));
      return Uint8Array.from([...head, 0x02, 0x00, nlen & 0xff, nlen >> 8, 0x42, 0x43]);
    };
    // fflate alone reads both as "ABC".
    expect(new TextDecoder().decode(inflateSync(raw(0xfffd)))).toBe('ABC');
    expect(new TextDecoder().decode(inflateSync(raw(0xfffc)))).toBe('ABC');
    expect(deflateBlocksWellFormed(raw(0xfffd))).toBe(true);
    expect(deflateBlocksWellFormed(raw(0xfffc))).toBe(false);
  });

  it('the block walk accepts every stream zlib makes (no false refusal), at every level', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), fc.boolean(), (data, level, repetitive) => {
        const input = repetitive
          ? new TextEncoder().encode(
              Array.from(data.subarray(0, 20), (b) => String.fromCharCode(97 + (b % 5)))
                .join('')
                .repeat(50),
            )
          : data;
        const compressed = zlibSync(input, { level: level as 0 });
        expect(deflateBlocksWellFormed(compressed.subarray(2, compressed.length - 4))).toBe(true);
        expect(inflateZlib(compressed, 1 << 20)).toEqual({ kind: 'inflated', bytes: input });
      }),
      { numRuns: 500 },
    );
  });
});
