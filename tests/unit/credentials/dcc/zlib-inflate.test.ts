import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bestOfMs } from '../../../support/timing.js';
import { hasZlibHeader, inflateZlib } from '../../../../domain/credentials/dcc/zlib-inflate.js';

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
});
