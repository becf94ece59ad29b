import zxingLibrary from '@zxing/library';
import jsQRModule from 'jsqr';
import { existsSync } from 'node:fs';
import { readBarcodes } from 'zxing-wasm/reader';
import { useQrWasmFromPackage } from '../../cli/commands/decode-image.js';
import { decodeQr } from '../../decoder/qr-decoder.js';
import { cameraLikeFrames, seededRandom, type Rgba } from '../support/camera-frames.js';
import { launchChromium } from '../support/chromium.js';
import { DCC_TESTDATA, QR_IMAGES, dccQrImages, decodeImagesInChromium, qrPhotoFiles, type LabelledImage } from '../support/qr-test-images.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';

// @zxing/library is CommonJS without named exports Node can see: take them from the default.
const { BinaryBitmap, DecodeHintType, GlobalHistogramBinarizer, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxingLibrary;
type DecodeHint = (typeof DecodeHintType)[keyof typeof DecodeHintType];
type LuminanceSource = InstanceType<typeof RGBLuminanceSource>;
// jsqr is CommonJS with an ES-style default export: under NodeNext the function sits on `.default`.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

/** A decoder under test: the text it finds in RGBA pixels, or null. */
interface Candidate {
  readonly name: string;
  decode(image: Rgba): Promise<string | null>;
}

function luminance(image: Rgba): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.width * image.height);
  const d = image.data;
  for (let i = 0; i < out.length; i++) out[i] = (306 * (d[i * 4] as number) + 601 * (d[i * 4 + 1] as number) + 117 * (d[i * 4 + 2] as number) + 512) >> 10;
  return out;
}

function zxingJs(binarizer: 'hybrid' | 'hybrid+global'): Candidate {
  const reader = new QRCodeReader();
  const hints = new Map<DecodeHint, unknown>([[DecodeHintType.TRY_HARDER, true]]);
  const attempt = (source: LuminanceSource, global: boolean): string | null => {
    try {
      return reader.decode(new BinaryBitmap(global ? new GlobalHistogramBinarizer(source) : new HybridBinarizer(source)), hints).getText();
    } catch {
      return null;
    } finally {
      reader.reset();
    }
  };
  return {
    name: binarizer === 'hybrid' ? '@zxing/library 0.23 (hybrid, try harder)' : '@zxing/library 0.23 (hybrid, then global histogram)',
    decode: async (image) => {
      const source = new RGBLuminanceSource(luminance(image), image.width, image.height);
      return attempt(source, false) ?? (binarizer === 'hybrid+global' ? attempt(source, true) : null);
    },
  };
}

const CANDIDATES: readonly Candidate[] = [
  {
    name: 'zxing-wasm 3.1.4 (Chốt decoder: local average, then global histogram)',
    decode: async (image) => {
      const r = await decodeQr(image);
      return r.ok ? r.text : null;
    },
  },
  {
    // What the camera's worker runs: the same, plus the locating pass on frames nothing was read from ("hold still").
    name: 'zxing-wasm 3.1.4 (Chốt camera: the same, then a locating pass)',
    decode: async (image) => {
      const r = await decodeQr(image, { locate: true });
      return r.ok ? r.text : null;
    },
  },
  {
    name: 'zxing-wasm 3.1.4 (local average only)',
    decode: async (image) => {
      const results = await readBarcodes(image as never, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
      const found = results.find((r) => r.isValid);
      if (found === undefined) return null;
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(found.bytes);
      } catch {
        return found.text;
      }
    },
  },
  zxingJs('hybrid'),
  zxingJs('hybrid+global'),
  {
    name: 'jsqr 1.4.0 (attempt both)',
    decode: async (image) => jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null,
  },
];

interface SetResult {
  readonly found: number;
  readonly total: number;
  readonly times: number[];
}

async function measure(candidate: Candidate, images: readonly LabelledImage[]): Promise<SetResult> {
  // One warm-up decode: the .wasm compile and JIT are paid once at start, not per frame.
  if (images[0] !== undefined) await candidate.decode(images[0].image);
  const times: number[] = [];
  let found = 0;
  for (const { image, expected } of images) {
    const started = performance.now();
    const text = await candidate.decode(image);
    times.push(performance.now() - started);
    if (text === expected) found += 1;
  }
  return { found, total: images.length, times };
}

/** 640×480 frames with nothing to find: what the camera sends most of the time. */
function emptyFrames(count: number): LabelledImage[] {
  const random = seededRandom(5);
  return Array.from({ length: count }, (_, n) => {
    const data = new Uint8ClampedArray(640 * 480 * 4);
    for (let i = 0; i < 640 * 480; i++) {
      const v = 90 + 60 * Math.sin(i / 5000 + n) + random() * 20;
      data[i * 4] = v;
      data[i * 4 + 1] = v;
      data[i * 4 + 2] = v;
      data[i * 4 + 3] = 255;
    }
    return { name: `empty-${n}`, expected: '\u0000never', image: { data, width: 640, height: 480 } };
  });
}

async function photos(): Promise<LabelledImage[]> {
  const files = qrPhotoFiles();
  if (files.length === 0) return [];
  const browser = await launchChromium();
  try {
    const pixels = await decodeImagesInChromium(
      browser,
      files.map((f) => f.path),
    );
    return files.flatMap((file, i) => {
      const image = pixels[i];
      return image === null || image === undefined ? [] : [{ name: file.name, expected: file.expected, image }];
    });
  } finally {
    await browser.close();
  }
}

/**
 * The camera decoder's figures: recall and time per frame for each QR decoder in node_modules,
 * on the DCC test pictures, on camera-like 640×480 frames made from them, on real photos
 * (zxing-cpp's samples) and on empty frames (time only). Single-threaded, in Node; the
 * kiosk runs the same decoder in a Web Worker.
 */
export const cameraDecode: Benchmark = {
  name: 'camera-decode',
  description: 'QR decoders compared: recall and ms per frame on DCC images, camera-like 640×480 frames, real photos (../shared)',
  async run() {
    if (!existsSync(DCC_TESTDATA) || !existsSync(QR_IMAGES)) {
      process.stderr.write(`camera-decode: skipped, no test data at ${DCC_TESTDATA} and ${QR_IMAGES} (../shared is absent)\n`);
      return [];
    }
    useQrWasmFromPackage();
    const dcc = dccQrImages();
    const sets: Record<string, LabelledImage[]> = {
      'dcc-images': dcc,
      'camera-640x480': cameraLikeFrames(dcc),
      'qr-photos': await photos(),
      'empty-640x480': emptyFrames(30),
    };
    const figures: BenchFigure[] = [];
    for (const candidate of CANDIDATES) {
      for (const [set, images] of Object.entries(sets)) {
        const result = await measure(candidate, images);
        const metric = (what: string): string => `${candidate.name} · ${set} · ${what}`;
        if (set !== 'empty-640x480')
          figures.push({ benchmark: 'camera-decode', metric: metric('decoded'), value: result.found, unit: `of ${result.total}`, samples: result.total });
        figures.push({ benchmark: 'camera-decode', metric: metric('median'), value: round(percentile(result.times, 50)), unit: 'ms', samples: result.total });
        figures.push({ benchmark: 'camera-decode', metric: metric('p95'), value: round(percentile(result.times, 95)), unit: 'ms', samples: result.total });
        process.stderr.write(`  ${metric('')} ${result.found}/${result.total}, median ${round(percentile(result.times, 50))} ms\n`);
      }
    }
    return figures;
  },
};
