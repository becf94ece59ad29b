import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useQrWasmFromPackage } from '../../../cli/commands/decode-image.js';
import { decodeQr } from '../../../decoder/qr-decoder.js';
import { cameraLikeFrames } from '../../support/camera-frames.js';
import { DCC_TESTDATA, dccQrImages, type LabelledImage } from '../../support/qr-test-images.js';

/**
 * The camera decoder on pictures nobody here made: the QR images of the EU DCC test cases,
 * as given and placed on camera-like 640×480 frames (the benchmark's frames, same seed).
 * Floors sit a little under what was measured (README, "Camera decoder: measured choice"),
 * so a decoder or option change that loses codes fails here.
 */
const available = existsSync(DCC_TESTDATA);
if (!available) process.stderr.write(`shared DCC recall: skipped, no test data at ${DCC_TESTDATA}\n`);

async function recall(images: readonly LabelledImage[]): Promise<{ found: number; missed: string[] }> {
  const missed: string[] = [];
  for (const { name, image, expected } of images) {
    const result = await decodeQr(image);
    if (!(result.ok && result.text === expected)) missed.push(name);
  }
  return { found: images.length - missed.length, missed };
}

describe.skipIf(!available)('QR decoder recall on ../shared/test-data/dcc-testdata', () => {
  let images: LabelledImage[];
  beforeAll(() => {
    useQrWasmFromPackage();
    images = dccQrImages();
  });

  it('decodes at least 98% of the DCC test pictures to their exact PREFIX', async () => {
    expect(images.length).toBeGreaterThan(300);
    const { found, missed } = await recall(images);
    expect(found / images.length, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(0.98);
  });

  it('decodes at least 40 of the harsh camera-like 640×480 frames made from the first 120 of them (measured: 44)', { timeout: 60_000 }, async () => {
    // The first 120 frames are the benchmark's first 120 (one seeded sequence); all 363 take ~12 s to draw.
    const frames = cameraLikeFrames(images.slice(0, 120));
    const { found } = await recall(frames);
    process.stderr.write(`camera-like recall: ${found}/${frames.length}\n`);
    expect(found).toBeGreaterThanOrEqual(40);
  });
});
