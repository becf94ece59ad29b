import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaceImage } from '../../../../domain/chip/lds/dg2-face.js';
import type { Reason } from '../../../../domain/text/bilingual.js';
import type { DisplayImage } from '../../../../domain/verdict/chip-verdict.js';
import { FacePhotoDecoder, type FacePhotoDecoderOptions } from '../../../../main/chip/face-photo.js';
import { sampleDifference, testFace, testFacesUnavailable, type TestFace } from '../../../support/face-images.js';
import { decodePng } from '../../../support/png-decode.js';
import { bundleForNode } from '../../../support/worker-bundle.js';

/**
 * The face photo decoder end to end: real JPEG 2000 files written by an independent encoder
 * (Pillow over OpenJPEG), decoded in the real worker thread (bundled from its sources), the
 * PNG read back with node:zlib and compared with the pixels the photo was made from. The
 * limits are tested with stand-in workers that misbehave as a hostile codestream could make
 * the decoder misbehave: spin in WebAssembly, exhaust the heap.
 */
const unavailable = testFacesUnavailable();

let workerUrl: URL;
beforeAll(async () => {
  workerUrl = pathToFileURL(await bundleForNode('main/chip/face-decode-worker.ts', 'face-decode-worker.mjs'));
}, 60_000);

interface Failure {
  readonly code: string;
  readonly detail: string;
}

function decoder(options: FacePhotoDecoderOptions = {}): { decoder: FacePhotoDecoder; failures: Failure[] } {
  const failures: Failure[] = [];
  // A generous timeout unless a test is about the timeout: a busy machine decodes slowly, not wrongly.
  return {
    decoder: new FacePhotoDecoder({ workerUrl, timeoutMs: 120_000, onFailure: (code, detail) => failures.push({ code, detail }), ...options }),
    failures,
  };
}

const jpeg2000 = (image: Uint8Array): FaceImage => ({ format: 'jpeg2000', image, width: 0, height: 0 });

function expectImage(result: DisplayImage | Reason): DisplayImage {
  if (!('mime' in result)) throw new Error(`a reason instead of an image: ${result.code}`);
  return result;
}

/** A reason's code, or "image" — short enough to read in a failed assertion (an image's base64 is not). */
function outcome(result: DisplayImage | Reason): string {
  return 'mime' in result ? `image ${result.mime}` : result.code;
}

function expectDecodedLike(result: DisplayImage | Reason, face: TestFace): void {
  const image = expectImage(result);
  expect(image).toMatchObject({ mime: 'image/png', width: face.width, height: face.height });
  const png = decodePng(Buffer.from(image.base64, 'base64'));
  expect(png).toMatchObject({ width: face.width, height: face.height, channels: face.channels });
  expect(png.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
  // Lossy at ratio 40: measured mean error about 2 levels, no sample off by more than ~30.
  const difference = sampleDifference(png.pixels, face.pixels);
  expect(difference.mean).toBeLessThan(4);
  expect(difference.max).toBeLessThan(64);
}

/** A stand-in worker script in a temporary file. */
function standIn(source: string): URL {
  const file = join(mkdtempSync(join(tmpdir(), 'chot-face-stand-in-')), 'worker.mjs');
  writeFileSync(file, source);
  return pathToFileURL(file);
}

describe.skipIf(unavailable !== null)(`JPEG 2000 faces${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  it.each([
    ['a colour JP2 file, 480 × 640', { width: 480, height: 640, channels: 3, format: 'jp2' }],
    ['a greyscale JP2 file', { width: 240, height: 320, channels: 1, format: 'jp2' }],
    ['a bare colour codestream (J2K)', { width: 480, height: 640, channels: 3, format: 'j2k' }],
    ['a bare greyscale codestream', { width: 200, height: 260, channels: 1, format: 'j2k' }],
  ] as const)('decodes %s to a PNG of the same pixels, within the lossy tolerance', async (_case, options) => {
    const face = testFace(options);
    const { decoder: subject } = decoder();
    expectDecodedLike(await subject.decode(jpeg2000(face.encoded)), face);
    expect(subject.liveWorkers).toBe(0);
  });

  it('decodes a lossless photo exactly', async () => {
    const face = testFace({ width: 120, height: 160, channels: 3, format: 'jp2', ratio: 0 });
    const png = decodePng(Buffer.from(expectImage(await decoder().decoder.decode(jpeg2000(face.encoded))).base64, 'base64'));
    expect(sampleDifference(png.pixels, face.pixels).max).toBe(0);
  });

  /** Where the SIZ marker segment ends: SOC (2), the marker (2), then Lsiz bytes. */
  const sizEnd = (codestream: Uint8Array): number => 4 + ((codestream[4] as number) << 8) + (codestream[5] as number);
  it.each([
    ['cut in half', (bytes: Uint8Array) => bytes.subarray(0, bytes.length >> 1)],
    ['whose header is followed by noise', (bytes: Uint8Array) => Uint8Array.from(bytes, (byte, i) => (i < sizEnd(bytes) ? byte : (i * 151 + 7) & 0xff))],
    [
      'without its coding style marker (COD)',
      (bytes: Uint8Array) =>
        Uint8Array.from([
          ...bytes.subarray(0, sizEnd(bytes)),
          ...bytes.subarray(sizEnd(bytes) + 2 + ((bytes[sizEnd(bytes) + 2] as number) << 8) + (bytes[sizEnd(bytes) + 3] as number)),
        ]),
    ],
  ])('answers decode-failed for a codestream %s, the worker gone and the kiosk alive', async (_case, damage) => {
    const face = testFace({ width: 480, height: 640, channels: 3, format: 'j2k' });
    const { decoder: subject, failures } = decoder();
    const result = await subject.decode(jpeg2000(damage(face.encoded)));
    expect(outcome(result)).toBe('chip.photo.decode-failed');
    expect(failures).toHaveLength(1);
    expect(subject.liveWorkers).toBe(0);
    // The same decoder goes on decoding the next person's photo.
    expectDecodedLike(await subject.decode(jpeg2000(face.encoded)), face);
  });

  it('answers decode-failed when the decoder would need more WebAssembly memory than its ceiling', async () => {
    // 2 000 × 2 000 RGB (the largest accepted) needs more than the codec's initial 50 MiB; a 50 MiB ceiling lets it grow not at all.
    const face = testFace({ width: 2000, height: 2000, channels: 3, format: 'j2k', ratio: 80 });
    const capped = decoder({ wasmMemoryMb: 50 });
    expect(outcome(await capped.decoder.decode(jpeg2000(face.encoded)))).toBe('chip.photo.decode-failed');
    expect(capped.failures[0]?.detail).toMatch(/Aborted/);
    expect(capped.decoder.liveWorkers).toBe(0);
    // Under the default ceiling it decodes.
    expectDecodedLike(await decoder().decoder.decode(jpeg2000(face.encoded)), face);
  });
});

describe('limits before any decoder is started', () => {
  /** A stand-in that answers a 1 × 1 PNG at once: if it were asked, the answer would be an image. */
  const answering = (): URL =>
    standIn(
      `import { parentPort } from 'node:worker_threads';
       parentPort.postMessage({ ok: true, png: new Uint8Array([137, 80, 78, 71]), width: 1, height: 1 });`,
    );

  it.each([
    ['a side over 2 000 pixels', codestream({ width: 2001, height: 600 }), 'chip.photo.too-large'],
    ['a claimed 60 000 × 60 000 image', codestream({ width: 60_000, height: 60_000 }), 'chip.photo.too-large'],
    ['more than 1 024 tiles', codestream({ width: 2000, height: 2000, tile: 16 }), 'chip.photo.too-large'],
    ['4 components', codestream({ width: 100, height: 100, components: 4 }), 'chip.photo.unsupported-format'],
    ['12-bit samples', codestream({ width: 100, height: 100, depth: 12 }), 'chip.photo.unsupported-format'],
    ['4-bit samples', codestream({ width: 100, height: 100, depth: 4 }), 'chip.photo.unsupported-format'],
    ['an image offset on the grid', codestream({ width: 100, height: 100, offset: 7 }), 'chip.photo.unsupported-format'],
    ['a header cut short', codestream({ width: 100, height: 100 }).subarray(0, 30), 'chip.photo.decode-failed'],
  ])('refuses %s from its header alone', async (_case, image, code) => {
    const { decoder: subject, failures } = decoder({ workerUrl: answering() });
    expect(outcome(await subject.decode(jpeg2000(image)))).toBe(code);
    expect(failures.map((f) => f.code)).toEqual([code]);
    expect(subject.liveWorkers).toBe(0);
  });

  it('asks the worker when the header is within the limits (the stand-in is reachable)', async () => {
    const result = await decoder({ workerUrl: answering() }).decoder.decode(jpeg2000(codestream({ width: 2000, height: 2000 })));
    expect(result).toMatchObject({ mime: 'image/png', width: 1, height: 1 });
  });

  it('refuses an image file over the byte limit, JPEG included', async () => {
    const { decoder: subject } = decoder({ workerUrl: answering(), maxBytes: 1000 });
    const big = new Uint8Array(1001);
    big.set([0xff, 0xd8, 0xff]);
    expect(outcome(await subject.decode({ format: 'jpeg', image: big, width: 0, height: 0 }))).toBe('chip.photo.too-large');
  });
});

describe('a decoder that misbehaves is stopped, and the kiosk goes on', () => {
  it('terminates a worker spinning in WebAssembly at the timeout: timed-out, the worker gone', async () => {
    // (module (func (export "spin") (loop (br 0)))): an endless loop V8 must interrupt inside WebAssembly.
    const spinning = standIn(
      `const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,8,1,4,115,112,105,110,0,0,10,9,1,7,0,3,64,12,0,11,11]);
       const { instance } = await WebAssembly.instantiate(bytes);
       instance.exports.spin();`,
    );
    const { decoder: subject, failures } = decoder({ workerUrl: spinning, timeoutMs: 300 });
    const result = subject.decode(jpeg2000(codestream({ width: 64, height: 64 })));
    expect(await result).toMatchObject({ code: 'chip.photo.timed-out', vi: expect.stringContaining('quá lâu') });
    expect(failures.map((f) => f.code)).toEqual(['chip.photo.timed-out']);
    expect(subject.liveWorkers).toBe(0);
  });

  it('runs the worker under V8 heap limits (64 MB old generation by default)', async () => {
    const reporter = standIn(
      `import { parentPort } from 'node:worker_threads';
       import { getHeapStatistics } from 'node:v8';
       parentPort.postMessage({ ok: false, detail: String(getHeapStatistics().heap_size_limit) });`,
    );
    const { decoder: subject, failures } = decoder({ workerUrl: reporter });
    await subject.decode(jpeg2000(codestream({ width: 64, height: 64 })));
    // Without resourceLimits a worker gets the process's limit: gigabytes.
    expect(Number(failures[0]?.detail)).toBeLessThan(128 * 1024 * 1024);
  });

  it('answers decode-failed when the worker reaches its heap limit, the worker gone', async () => {
    const hog = standIn(`const kept = []; for (;;) kept.push(new Array(100_000).fill({ a: Math.random() }));`);
    const { decoder: subject, failures } = decoder({ workerUrl: hog, heapMb: 16, timeoutMs: 60_000 });
    expect(outcome(await subject.decode(jpeg2000(codestream({ width: 64, height: 64 }))))).toBe('chip.photo.decode-failed');
    expect(failures[0]?.detail).toMatch(/memory/i);
    expect(subject.liveWorkers).toBe(0);
  });

  it('answers decode-failed when the worker throws or ends without an answer', async () => {
    for (const source of [`throw new Error('boom');`, `process.exit(3);`]) {
      const { decoder: subject } = decoder({ workerUrl: standIn(source) });
      expect(outcome(await subject.decode(jpeg2000(codestream({ width: 64, height: 64 }))))).toBe('chip.photo.decode-failed');
      expect(subject.liveWorkers).toBe(0);
    }
  });
});

describe('nothing the decoder prints reaches the kiosk', () => {
  it('discards the worker\u2019s stdout and stderr (a codec may print what it decodes)', async () => {
    const chatty = standIn(
      `import { parentPort } from 'node:worker_threads';
       console.log('printed-by-the-decoder'); console.error('printed-by-the-decoder');
       process.stdout.write('printed-by-the-decoder\\n');
       setTimeout(() => parentPort.postMessage({ ok: false, detail: 'stand-in' }), 50);`,
    );
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      expect(outcome(await decoder({ workerUrl: chatty }).decoder.decode(jpeg2000(codestream({ width: 64, height: 64 }))))).toBe('chip.photo.decode-failed');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(written.filter((text) => text.includes('printed-by-the-decoder'))).toEqual([]);
  });
});

describe('JPEG', () => {
  it.skipIf(unavailable !== null)('passes a JPEG through unchanged, with its size from the frame header', async () => {
    const face = testFace({ width: 300, height: 400, channels: 3, format: 'jpeg' });
    const { decoder: subject } = decoder({ workerUrl: standIn('process.exit(9);') });
    const image = expectImage(await subject.decode({ format: 'jpeg', image: face.encoded, width: 0, height: 0 }));
    expect(image).toEqual({ mime: 'image/jpeg', base64: Buffer.from(face.encoded).toString('base64'), width: 300, height: 400 });
    expect(subject.liveWorkers).toBe(0);
  });
});

/** A bare codestream's SOC and SIZ marker (ISO/IEC 15444-1 A.5.1), then a few bytes of nothing. */
function codestream(size: { width: number; height: number; components?: number; depth?: number; tile?: number; offset?: number }): Uint8Array {
  const { width, height, components = 3, depth = 8, tile = Math.max(width, height), offset = 0 } = size;
  const out: number[] = [0xff, 0x4f, 0xff, 0x51, ...be(38 + 3 * components, 2), 0, 0];
  out.push(...be(width + offset, 4), ...be(height + offset, 4), ...be(offset, 4), ...be(offset, 4), ...be(tile, 4), ...be(tile, 4), 0, 0, 0, 0, 0, 0, 0, 0);
  out.push(...be(components, 2));
  for (let i = 0; i < components; i++) out.push(depth - 1, 1, 1);
  return Uint8Array.from([...out, 0xff, 0x52, 0, 0]);
}
const be = (value: number, size: number): number[] => Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** (size - 1 - i)) % 256);
