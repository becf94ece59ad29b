import { FacePhotoDecoder } from '../../main/chip/face-photo.js';
import { testFace, testFacesUnavailable, type TestFaceOptions } from '../support/face-images.js';
import { percentile, round, type Benchmark } from './bench-types.js';
import { envCount, figureCollector } from './support/figures.js';

const NAME = 'face-decode';

/**
 * The chip's JPEG 2000 face photo made ready for the screen, as the kiosk does it: the header
 * check, a worker thread started for the photo, OpenJPEG (WebAssembly) decoding, PNG encoding
 * in the worker, and the hand-off back — timed from the call to the DisplayImage, so the
 * worker's start and the codec's compilation are in every sample (each photo gets a fresh
 * worker). Photos are encoded by Pillow over OpenJPEG from the card emulator's synthetic face:
 * 480 × 640 is the ICAO-style size real chips and the emulator carry, at 20 and 30 KB (the
 * range reported for real cards); 240 × 320 a small one; 2 000 × 2 000 the largest accepted.
 */
const PHOTOS: readonly { readonly label: string; readonly face: TestFaceOptions; readonly samples?: number }[] = [
  { label: '480×640 colour JP2 ~20 KB', face: { width: 480, height: 640, channels: 3, format: 'jp2', ratio: 46 } },
  { label: '480×640 colour JP2 ~30 KB', face: { width: 480, height: 640, channels: 3, format: 'jp2', ratio: 31 } },
  { label: '480×640 greyscale J2K ~10 KB', face: { width: 480, height: 640, channels: 1, format: 'j2k', ratio: 31 } },
  { label: '240×320 colour JP2 ~8 KB', face: { width: 240, height: 320, channels: 3, format: 'jp2', ratio: 29 } },
  { label: '2000×2000 colour J2K (largest accepted)', face: { width: 2000, height: 2000, channels: 3, format: 'j2k', ratio: 60 }, samples: 5 },
];

export const faceDecode: Benchmark = {
  name: NAME,
  description: 'chip face photo, JPEG 2000 → PNG in a worker thread per photo, hand-off included (median, p95)',
  async run() {
    const { figures, figure } = figureCollector(NAME);
    const unavailable = testFacesUnavailable();
    if (unavailable !== null) {
      process.stderr.write(`${NAME}: ${unavailable}, skipped\n`);
      return figures;
    }
    const count = envCount('CHOT_BENCH_FACE_DECODES', 30);
    // The kiosk's own decoder, on the built worker (dist/main/chip/face-decode-worker.js). The
    // timeout is lifted: this measures how long a decode takes, also where it would exceed it.
    const decoder = new FacePhotoDecoder({ timeoutMs: 300_000 });
    for (const photo of PHOTOS) {
      const face = testFace(photo.face);
      const image = { format: 'jpeg2000', image: face.encoded, width: face.width, height: face.height } as const;
      const times: number[] = [];
      let pngBytes = 0;
      for (let i = 0; i < (photo.samples ?? count); i++) {
        const start = performance.now();
        const result = await decoder.decode(image);
        times.push(performance.now() - start);
        if (!('mime' in result)) throw new Error(`${photo.label}: ${result.code}`);
        pngBytes = (result.base64.length * 3) / 4;
      }
      const label = `${photo.label} (${(face.encoded.length / 1024).toFixed(1)} KiB)`;
      figure(`${label} median`, round(percentile(times, 50)), 'ms', undefined, times.length);
      figure(`${label} p95`, round(percentile(times, 95)), 'ms', undefined, times.length);
      figure(`${label} PNG size`, round(pngBytes / 1024, 1), 'KiB');
    }
    return figures;
  },
};
