import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Face-like test photos encoded by an independent JPEG 2000 encoder: Pillow (Debian's
 * python3-pil, which the card emulator needs too) over OpenJPEG's own encoder. Each comes
 * with the exact pixels it was encoded from, so a decode can be compared sample by sample.
 * The picture is the card emulator's synthetic face (a gradient, a face-coloured ellipse,
 * dark shoulders, sensor noise): smooth areas, edges and noise, as a real photo has.
 */
const PYTHON = '/usr/bin/python3';

export interface TestFace {
  /** The encoded file: JP2 boxes, a bare codestream, or a JPEG. */
  readonly encoded: Uint8Array;
  /** The source pixels, row by row, 1 (greyscale) or 3 (RGB) bytes each. */
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

export interface TestFaceOptions {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** jp2: a JP2 file; j2k: a bare codestream; jpeg: baseline JPEG (quality 85, as the emulator's photos). */
  readonly format: 'jp2' | 'j2k' | 'jpeg';
  /** JPEG 2000 compression ratio (OpenJPEG "rates"); 0 for lossless. */
  readonly ratio?: number;
  /** Standard deviation of the added noise: more noise, more bytes. */
  readonly noise?: number;
}

/** Why Pillow cannot write JPEG 2000 here, or null when it can. */
export function testFacesUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (the test photos are encoded by Debian's python3-pil)`;
  const probe = spawnSync(PYTHON, ['-c', "from PIL import features; import sys; sys.exit(0 if features.check('jpg_2000') else 3)"]);
  if (probe.status === 3) return 'Pillow here has no JPEG 2000 support (OpenJPEG)';
  if (probe.status !== 0) return 'python3-pil is not installed';
  return null;
}

export function testFace(options: TestFaceOptions): TestFace {
  const { width, height, channels, format, ratio = 40, noise = 16 } = options;
  const save =
    format === 'jpeg'
      ? "im.save(buf, 'JPEG', quality=85)"
      : `im.save(buf, 'JPEG2000', no_jp2=${format === 'j2k' ? 'True' : 'False'}${ratio === 0 ? '' : `, quality_mode='rates', quality_layers=[${ratio}]`})`;
  const script = `
import io, sys
from PIL import Image, ImageDraw
w, h = ${width}, ${height}
im = Image.linear_gradient('L').resize((w, h)).convert('RGB')
d = ImageDraw.Draw(im)
d.ellipse((w * .25, h * .2, w * .75, h * .7), fill=(200, 160, 140))
d.rectangle((w * .15, h * .72, w * .85, h), fill=(40, 40, 90))
im = Image.blend(im, Image.effect_noise((w, h), ${noise}).convert('RGB'), 0.15)
im = im.convert('${channels === 1 ? 'L' : 'RGB'}')
buf = io.BytesIO()
${save}
raw = im.tobytes()
sys.stdout.buffer.write(len(raw).to_bytes(4, 'big') + raw + buf.getvalue())
`;
  const result = spawnSync(PYTHON, ['-c', script], { maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`the test photo was not made: ${result.stderr.toString()}`);
  const out = new Uint8Array(result.stdout);
  const rawLength = new DataView(out.buffer, out.byteOffset).getUint32(0);
  return { pixels: out.slice(4, 4 + rawLength), encoded: out.slice(4 + rawLength), width, height, channels };
}

/** Mean and largest absolute difference between two sample arrays of one length. */
export function sampleDifference(a: Uint8Array, b: Uint8Array): { readonly mean: number; readonly max: number } {
  if (a.length !== b.length) throw new Error(`${a.length} samples against ${b.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}
