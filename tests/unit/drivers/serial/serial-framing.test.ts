import { describe, expect, it } from 'vitest';
import { SerialFramer, suffixBytes, type FramerOutput, type SerialFraming } from '../../../../drivers/serial/serial-framing.js';

/** Byte fixtures through the pure framer: chunks with arrival times, no timers. */
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const cat = (...parts: (Uint8Array | string | readonly number[])[]): Uint8Array => {
  const arrays = parts.map((part) => (typeof part === 'string' ? enc(part) : Uint8Array.from(part)));
  const out = new Uint8Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
};
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);
const NAME = 'Nguyễn Thị Bích Ngọc';
const CCCD = `079203012345|025123456|${NAME}|05062003|Nữ|12 Nguyễn Trãi, Phường Bến Thành, Quận 1, TP Hồ Chí Minh|10082021`;

function framing(suffix: SerialFraming['suffix'], maxFrameBytes = 8192): SerialFraming {
  return { suffix, interByteTimeoutMs: 50, maxFrameBytes };
}

/** Feeds chunks 1 ms apart, then lets `silenceMs` pass; returns every output. */
function run(config: SerialFraming, chunks: readonly Uint8Array[], silenceMs = 0): FramerOutput[] {
  const framer = new SerialFramer(config);
  const out: FramerOutput[] = [];
  let now = 1_000;
  for (const chunk of chunks) {
    out.push(...framer.push(chunk, now));
    now += 1;
  }
  if (silenceMs > 0) out.push(...framer.expire(now - 1 + silenceMs));
  return out;
}

const frames = (outputs: readonly FramerOutput[]): string[] =>
  outputs.map((o) => (o.kind === 'frame' ? `${o.overflow ? 'OVERFLOW:' : ''}${decode(o.bytes)}` : `dropped:${o.length}`));

/** Splits `bytes` at every given offset. */
function split(bytes: Uint8Array, ...at: number[]): Uint8Array[] {
  const cuts = [0, ...at, bytes.length];
  return cuts.slice(1).map((end, i) => bytes.slice(cuts[i], end));
}

describe('SerialFramer: suffixes', () => {
  const cases: { name: string; suffix: SerialFraming['suffix']; input: Uint8Array; expected: string[] }[] = [
    { name: "'cr' with CR", suffix: 'cr', input: cat(NAME, [0x0d]), expected: [NAME] },
    { name: "'cr' accepts CRLF (no empty frame for the LF)", suffix: 'cr', input: cat(NAME, [0x0d, 0x0a], 'abc', [0x0d, 0x0a]), expected: [NAME, 'abc'] },
    { name: "'cr' accepts a lone LF", suffix: 'cr', input: cat('abc', [0x0a], 'def', [0x0d]), expected: ['abc', 'def'] },
    { name: "'lf' accepts CR, LF and CRLF", suffix: 'lf', input: cat('a', [0x0a], 'b', [0x0d], 'c', [0x0d, 0x0a]), expected: ['a', 'b', 'c'] },
    { name: "'cr': blank lines are not scans", suffix: 'cr', input: cat([0x0d, 0x0d, 0x0a, 0x0a], 'x', [0x0d]), expected: ['x'] },
    {
      name: "'crlf' only ends on CR LF; lone CR and LF stay in the payload",
      suffix: 'crlf',
      input: cat('a', [0x0d], 'b', [0x0a], 'c', [0x0d, 0x0a]),
      expected: ['a\rb\nc'],
    },
    { name: '{hex: "03"} (ETX)', suffix: { hex: '03' }, input: cat('one', [0x03], 'two', [0x03]), expected: ['one', 'two'] },
    { name: '{hex: "0d0a"} multi-byte', suffix: { hex: '0d0a' }, input: cat('one', [0x0d, 0x0a], 'tw\ro', [0x0d, 0x0a]), expected: ['one', 'tw\ro'] },
  ];
  for (const { name, suffix, input, expected } of cases) {
    it(name, () => {
      expect(frames(run(framing(suffix), [input]))).toEqual(expected);
    });
  }

  // Not valid UTF-8, so checked on bytes.
  it('{hex: "AA BB CC"}: a partial suffix inside the payload is payload', () => {
    const out = run(framing({ hex: 'AA BB CC' }), split(cat('x', [0xaa, 0xbb], 'y', [0xaa, 0xbb, 0xcc]), 2, 5));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'frame', overflow: false, bytes: cat('x', [0xaa, 0xbb], 'y') });
  });

  it('rejects a malformed hex suffix with a readable error', () => {
    expect(() => suffixBytes({ hex: '0' })).toThrow(/hex digits/);
    expect(() => suffixBytes({ hex: 'zz' })).toThrow(/hex digits/);
    expect(() => new SerialFramer({ suffix: 'cr', interByteTimeoutMs: 0, maxFrameBytes: 10 })).toThrow(/interByteTimeoutMs/);
    expect(() => new SerialFramer({ suffix: 'cr', interByteTimeoutMs: 50, maxFrameBytes: 0 })).toThrow(/maxFrameBytes/);
  });
});

describe('SerialFramer: chunks', () => {
  const scan = cat(CCCD, [0x0d, 0x0a]);
  const letterAt = enc('079203012345|025123456|Nguy').length; // "ễ" is 3 bytes from here

  it.each([
    ['every byte its own chunk', Array.from({ length: scan.length - 1 }, (_, i) => i + 1)],
    ['inside the 3-byte "ễ" (after its first byte)', [letterAt + 1]],
    ['inside the 3-byte "ễ" (after its second byte)', [letterAt + 2]],
    ['between CR and LF', [scan.length - 1]],
  ])('reassembles a scan split %s', (_, cuts) => {
    const out = run(framing('cr'), split(scan, ...cuts));
    expect(frames(out)).toEqual([CCCD]);
  });

  it('a multi-byte suffix split between chunks', () => {
    const input = cat('abc', [0x0d, 0x0a], 'def', [0x0d, 0x0a]);
    expect(frames(run(framing({ hex: '0d0a' }), split(input, 4, 9)))).toEqual(['abc', 'def']);
  });

  it('a burst of scans in one chunk: one frame each, in order', () => {
    const names = ['Nguyễn Thị Bích Ngọc', 'Trần Văn Đức', 'Lê Thị Ánh Tuyết', 'Phạm Quốc Việt', 'Đỗ Hoàng Yến'];
    const input = cat(...names.flatMap((name) => [name, [0x0d]]));
    expect(frames(run(framing('cr'), [input]))).toEqual(names);
  });

  it('the frame time is when its last byte came, not when it was framed', () => {
    const framer = new SerialFramer(framing('cr'));
    expect(framer.push(enc('abc'), 100)).toEqual([]);
    const [frame] = framer.push(cat('d', [0x0d]), 130);
    expect(frame).toMatchObject({ kind: 'frame', atMs: 130 });
  });
});

describe('SerialFramer: silence', () => {
  it("'none': a frame ends after the inter-byte timeout", () => {
    const framer = new SerialFramer(framing('none'));
    expect(framer.push(enc('Nguy'), 100)).toEqual([]);
    expect(framer.push(enc('ễn'), 120)).toEqual([]);
    expect(framer.deadline).toBe(170);
    expect(framer.expire(169)).toEqual([]);
    const [frame] = framer.expire(170);
    expect(frame).toMatchObject({ kind: 'frame', overflow: false, atMs: 120 });
    expect(frame?.kind === 'frame' && decode(frame.bytes)).toBe('Nguyễn');
    expect(framer.deadline).toBeUndefined();
  });

  it("'none': a late chunk first ends the previous frame (the timer may have been late)", () => {
    const framer = new SerialFramer(framing('none'));
    framer.push(enc('first'), 100);
    const out = framer.push(enc('second'), 200);
    expect(frames(out)).toEqual(['first']);
    expect(frames(framer.expire(250))).toEqual(['second']);
  });

  it('with a suffix, a half frame then silence is dropped, never decoded as a scan', () => {
    const framer = new SerialFramer(framing('cr'));
    framer.push(enc('079203012345|0251'), 100);
    expect(framer.pending).toBe(17);
    expect(framer.expire(150)).toEqual([{ kind: 'dropped', length: 17, atMs: 100 }]);
    expect(framer.pending).toBe(0);
    // The next scan is whole, not glued to the half frame.
    expect(frames(framer.push(cat(CCCD, [0x0d]), 400))).toEqual([CCCD]);
  });

  it('with a suffix, a half frame followed late by the next scan: dropped, then the scan', () => {
    const framer = new SerialFramer(framing('cr'));
    framer.push(enc('half'), 100);
    expect(frames(framer.push(cat('whole', [0x0d]), 500))).toEqual(['dropped:4', 'whole']);
  });

  it('no deadline while idle; reset() forgets a half frame', () => {
    const framer = new SerialFramer(framing('cr'));
    expect(framer.deadline).toBeUndefined();
    framer.push(enc('half'), 100);
    framer.reset();
    expect(framer.deadline).toBeUndefined();
    expect(frames(framer.push(cat('ok', [0x0d]), 101))).toEqual(['ok']);
  });
});

describe('SerialFramer: overflow', () => {
  it('exactly maxFrameBytes then the suffix is a whole frame', () => {
    expect(frames(run(framing('cr', 5), [cat('abcde', [0x0d])]))).toEqual(['abcde']);
    expect(frames(run(framing({ hex: '0d0a' }, 5), [cat('abcde', [0x0d, 0x0a])]))).toEqual(['abcde']);
  });

  it.each([['cr' as const], [{ hex: '0d0a' }], ['none' as const]])(
    'suffix %j: cut at maxFrameBytes, the rest of that frame discarded, then framing resumes',
    (suffix) => {
      const end = suffix === 'none' ? [] : [0x0d, 0x0a];
      const framer = new SerialFramer(framing(suffix, 5));
      const out = framer.push(cat('abcdefghij', end), 100);
      out.push(...framer.expire(200));
      out.push(...framer.push(cat('ok', end), 300));
      out.push(...framer.expire(400));
      expect(frames(out)).toEqual(['OVERFLOW:abcde', 'ok']);
    },
  );

  it('silence ends the discarding even without a suffix, so the next scan is read', () => {
    const framer = new SerialFramer(framing('cr', 5));
    expect(frames(framer.push(enc('abcdefgh'), 100))).toEqual(['OVERFLOW:abcde']);
    expect(framer.expire(150)).toEqual([]);
    expect(frames(framer.push(cat('ok', [0x0d]), 200))).toEqual(['ok']);
  });

  it('1 MB of random bytes: bounded frames, none longer than maxFrameBytes, and a good scan right after', () => {
    let seed = 42;
    const random = new Uint8Array(1 << 20).map(() => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed >>> 24;
    });
    for (const suffix of ['cr', { hex: '0d0a' }, 'none'] as const) {
      const config = framing(suffix, 8192);
      const framer = new SerialFramer(config);
      const out: FramerOutput[] = [];
      let now = 0;
      for (let offset = 0; offset < random.length; offset += 65_536) out.push(...framer.push(random.subarray(offset, offset + 65_536), (now += 1)));
      out.push(...framer.expire(now + 50));
      const emitted = out.filter((o) => o.kind === 'frame');
      // At most one frame per terminator in the input, plus one per cut.
      const terminators = suffix === 'cr' ? random.filter((b) => b === 0x0d || b === 0x0a).length : random.length / 2;
      expect(emitted.length).toBeLessThanOrEqual(terminators + 1);
      expect(emitted.length).toBeGreaterThan(0);
      for (const frame of emitted) expect(frame.bytes.length).toBeLessThanOrEqual(8192);
      if (suffix === 'none') expect(emitted.length).toBe(1);
      const end = suffix === 'none' ? [] : [0x0d, 0x0a];
      const after = [...framer.push(cat(CCCD, end), now + 100), ...framer.expire(now + 200)];
      expect(frames(after)).toEqual([CCCD]);
    }
  });
});
