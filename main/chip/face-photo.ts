import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { facePhotoReason, type FacePhotoReasonCode } from '../../domain/chip/face-photo-reasons.js';
import type { FaceImage } from '../../domain/chip/lds/dg2-face.js';
import { readJpeg2000Header, readJpegDimensions, type Jpeg2000Header } from '../../domain/chip/lds/face-image-header.js';
import { LdsError } from '../../domain/chip/lds/lds-error.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { DisplayImage } from '../../domain/verdict/chip-verdict.js';
import { messageOf } from '../../platform/message-of.js';
import type { FaceDecodeReply, FaceDecodeWorkerData } from './face-decode-protocol.js';

/**
 * The chip's face photo as the screen can draw it. A JPEG passes through unchanged; a JPEG
 * 2000 photo (what most chip ID cards carry, and what Chromium cannot show) is checked by its
 * header, decoded in a worker thread of its own (face-decode-worker.ts) and handed back as a
 * PNG. The photo is personal data: it is never written to disk or logged, here or in the worker.
 *
 * Hostile input is expected — the chip's data is only vouched for by passive authentication,
 * which may say "altered" — so the decode is fenced: size, component and tile limits before
 * any decoder sees the bytes, V8 heap limits and a WebAssembly memory ceiling in the worker,
 * and a timeout that terminates it. Whatever the codestream does, the kiosk gets a Reason.
 */
export interface FacePhotoDecoderOptions {
  /** The worker script (tests hand a bundle, or a stand-in that misbehaves). */
  readonly workerUrl?: URL;
  /** Decode and PNG encoding together; past it the worker is terminated. */
  readonly timeoutMs?: number;
  /** Largest width and height accepted, each. */
  readonly maxSide?: number;
  /** Largest image file accepted, bytes. */
  readonly maxBytes?: number;
  /** V8's old-generation heap limit for the worker (resourceLimits.maxOldGenerationSizeMb). */
  readonly heapMb?: number;
  /** The WebAssembly memory ceiling in the worker, MiB (the codec starts at 50). */
  readonly wasmMemoryMb?: number;
  /** What went wrong when the answer is a Reason, in words for a developer (no pixels, no personal data). */
  readonly onFailure?: (code: FacePhotoReasonCode, detail: string) => void;
}

/**
 * The limits. A face on an ID chip is about 480 × 640 and 15–30 KB. 2 000 × 2 000 leaves room
 * for any real card and bounds the decoder's memory to about 200 MB; 1 MiB is minutes of NFC
 * reading; a real photo has one tile, and 1 024 keeps a codestream from asking for millions of
 * tile structures. 5 s: a 480 × 640 photo takes 0.3–0.7 s on a busy 2-core machine, 2 000 ×
 * 2 000 2–3 s (README, "Performance").
 */
const DEFAULTS = { timeoutMs: 5_000, maxSide: 2_000, maxBytes: 1024 * 1024, heapMb: 64, wasmMemoryMb: 256 } as const;
const MAX_TILES = 1_024;

const moduleRequire = createRequire(import.meta.url);
/** WebAssembly.compile (Node's type declarations leave the WebAssembly API out). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

export class FacePhotoDecoder {
  readonly #options: FacePhotoDecoderOptions;
  readonly #live = new Set<Worker>();
  #codec: Promise<object> | undefined;

  constructor(options: FacePhotoDecoderOptions = {}) {
    this.#options = options;
  }

  /** Decode threads still running (each ends with its photo: zero between photos). */
  get liveWorkers(): number {
    return this.#live.size;
  }

  async decode(photo: FaceImage): Promise<DisplayImage | Reason> {
    const maxBytes = this.#options.maxBytes ?? DEFAULTS.maxBytes;
    if (photo.image.length > maxBytes) return this.#refuse('chip.photo.too-large', `a ${photo.image.length}-byte image (limit ${maxBytes})`);
    if (photo.format === 'jpeg') return jpegForDisplay(photo.image);
    let header: Jpeg2000Header;
    try {
      header = readJpeg2000Header(photo.image);
    } catch (error) {
      if (error instanceof LdsError) return this.#refuse('chip.photo.decode-failed', error.message);
      throw error;
    }
    const maxSide = this.#options.maxSide ?? DEFAULTS.maxSide;
    if (header.width > maxSide || header.height > maxSide)
      return this.#refuse('chip.photo.too-large', `${header.width} × ${header.height} (limit ${maxSide} a side)`);
    if (header.tiles > MAX_TILES) return this.#refuse('chip.photo.too-large', `${header.tiles} tiles (limit ${MAX_TILES})`);
    const unsupported = unsupportedShape(header);
    if (unsupported !== undefined) return this.#refuse('chip.photo.unsupported-format', unsupported);
    return this.#decodeInWorker(photo.image, { width: header.width, height: header.height, channels: header.components.length as 1 | 3, depth: 8 });
  }

  async #decodeInWorker(image: Uint8Array, expected: FaceDecodeWorkerData['expected']): Promise<DisplayImage | Reason> {
    let workerData: FaceDecodeWorkerData;
    let worker: Worker;
    try {
      workerData = {
        image: image.slice(),
        expected,
        codecScript: moduleRequire.resolve('@cornerstonejs/codec-openjpeg/decodewasmjs'),
        codecModule: await this.#compileCodec(),
        wasmMemoryBytes: (this.#options.wasmMemoryMb ?? DEFAULTS.wasmMemoryMb) * 1024 * 1024,
      };
      worker = new Worker(this.#options.workerUrl ?? new URL('./face-decode-worker.js', import.meta.url), {
        workerData,
        resourceLimits: { maxOldGenerationSizeMb: this.#options.heapMb ?? DEFAULTS.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
        // The worker's own output goes nowhere: nothing it prints may reach the kiosk's log.
        stdout: true,
        stderr: true,
      });
    } catch (error) {
      return this.#refuse('chip.photo.decode-failed', `the decoder did not start: ${messageOf(error)}`);
    }
    this.#live.add(worker);
    worker.once('exit', () => this.#live.delete(worker));
    worker.stdout.resume();
    worker.stderr.resume();
    const outcome = await new Promise<FaceDecodeReply | { timedOut: true }>((resolve) => {
      const timer = setTimeout(() => resolve({ timedOut: true }), this.#options.timeoutMs ?? DEFAULTS.timeoutMs);
      const settle = (value: FaceDecodeReply | { timedOut: true }): void => {
        clearTimeout(timer);
        resolve(value);
      };
      worker.once('message', (reply: FaceDecodeReply) => settle(reply));
      // An uncaught error, V8's heap limit (ERR_WORKER_OUT_OF_MEMORY), or an exit with no answer.
      worker.once('error', (error) => settle({ ok: false, detail: `the decoder failed: ${messageOf(error)}` }));
      worker.once('exit', (code) => settle({ ok: false, detail: `the decoder exited (${code}) without an answer` }));
    });
    // Gone before the answer is given, whatever happened: a stuck decode does not outlive its timeout.
    await worker.terminate();
    if ('timedOut' in outcome) return this.#refuse('chip.photo.timed-out', `no answer within ${this.#options.timeoutMs ?? DEFAULTS.timeoutMs} ms`);
    if (!outcome.ok) return this.#refuse('chip.photo.decode-failed', outcome.detail);
    return { mime: 'image/png', base64: Buffer.from(outcome.png).toString('base64'), width: outcome.width, height: outcome.height };
  }

  #compileCodec(): Promise<object> {
    this.#codec ??= readFile(moduleRequire.resolve('@cornerstonejs/codec-openjpeg/decodewasm')).then((bytes) => wasm.compile(bytes));
    const compiling = this.#codec;
    // A failed read or compilation is not kept: the next photo tries again.
    compiling.catch(() => {
      if (this.#codec === compiling) this.#codec = undefined;
    });
    return compiling;
  }

  #refuse(code: FacePhotoReasonCode, detail: string): Reason {
    this.#options.onFailure?.(code, detail);
    return facePhotoReason(code);
  }
}

/** A JPEG as it is, with its size from the frame header when it has one. */
function jpegForDisplay(image: Uint8Array): DisplayImage {
  const size = readJpegDimensions(image);
  return { mime: 'image/jpeg', base64: Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64'), ...(size ?? {}) };
}

/** Why this JPEG 2000 image is not one the decoder's 8-bit greyscale / RGB output can show, or undefined. */
function unsupportedShape(header: Jpeg2000Header): string | undefined {
  const { components } = header;
  if (components.length !== 1 && components.length !== 3) return `${components.length} components (greyscale or RGB only)`;
  const [first] = components as [Jpeg2000Header['components'][number]];
  // Faces are stored at 8 bits a sample; the codec's output for other depths would need rescaling this does not do.
  if (components.some((c) => c.depth !== 8 || c.signed)) return 'samples other than unsigned 8-bit';
  // Chroma may be subsampled (OpenJPEG converts YCbCr 4:2:0 and 4:2:2 to RGB); the first component may not.
  if (first.dx !== 1 || first.dy !== 1 || components.some((c) => c.dx > 2 || c.dy > 2)) return 'a subsampling other than full, 4:2:2 or 4:2:0';
  // The codec copies rows as if the image started at the grid's origin: a shifted image would be read out of place.
  if (header.offsetX !== 0 || header.offsetY !== 0) return 'an image offset on the reference grid';
  return undefined;
}

let shared: FacePhotoDecoder | undefined;

/** The chip station's `facePhoto` port: the photo as a DisplayImage, or why it cannot be shown. */
export function decodeFaceForDisplay(photo: FaceImage): Promise<DisplayImage | Reason> {
  shared ??= new FacePhotoDecoder();
  return shared.decode(photo);
}

/**
 * What the chip station asks of a face decoder (decodeFaceForDisplay in the kiosk; tests pass
 * their own): the photo as the screen can draw it, or why it cannot be shown.
 */
export type FacePhotoPort = (photo: FaceImage) => Promise<DisplayImage | Reason>;

export function isDisplayImage(value: DisplayImage | Reason): value is DisplayImage {
  return 'mime' in value;
}
