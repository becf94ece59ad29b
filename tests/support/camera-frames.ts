import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** RGBA pixels (the shape of ImageData, and of what the decoders take). */
export interface Rgba {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export function pngToRgba(png: Uint8Array): Rgba {
  const image = PNG.sync.read(Buffer.from(png));
  return { data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
}

export function rgbaToPng(image: Rgba): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

/** A QR code of `text` (UTF-8 bytes, as ID cards carry them) as a PNG. */
export async function qrPng(text: string, scale = 4): Promise<Buffer> {
  return QRCode.toBuffer([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { type: 'png', scale, margin: 4, errorCorrectionLevel: 'M' });
}

/** A small seeded generator (mulberry32): the same frames on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Solves the 8 unknowns of the homography mapping `from[i]` to `to[i]` (four point pairs). */
function homography(from: readonly [number, number][], to: readonly [number, number][]): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] as [number, number];
    const [u, v] = to[i] as [number, number];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs((rows[r] as number[])[c] as number) > Math.abs((rows[pivot] as number[])[c] as number)) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot] as number[], rows[c] as number[]];
    const p = rows[c] as number[];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const row = rows[r] as number[];
      const f = (row[c] as number) / (p[c] as number);
      for (let k = c; k < 9; k++) row[k] = (row[k] as number) - f * (p[k] as number);
    }
  }
  return rows.map((row, i) => (row[8] as number) / (row[i] as number));
}

export interface FrameStyle {
  /** Side of the code on the frame, in pixels. */
  readonly size: number;
  readonly angleDeg: number;
  /** How far each corner moves at random (perspective), as a fraction of the size. */
  readonly perspective: number;
  /** Box-blur radius in pixels (applied twice, close to a Gaussian). */
  readonly blur: number;
  /** Standard deviation of the added noise, in grey levels. */
  readonly noise: number;
  /** Grey levels of the code's dark and light modules. */
  readonly dark: number;
  readonly light: number;
}

/** A random camera-like style: small to mid size, tilted, out of focus, noisy, dim. */
export function randomStyle(random: () => number): FrameStyle {
  const light = 150 + random() * 90;
  return {
    size: 220 + random() * 220,
    angleDeg: (random() - 0.5) * 70,
    perspective: random() * 0.12,
    blur: Math.floor(random() * 3),
    noise: random() * 14,
    dark: 20 + random() * 70,
    light,
  };
}

/** Grey levels 0…1 of an image, once, so sampling it per frame pixel is cheap. */
function greyPlane(image: Rgba): Float32Array {
  const out = new Float32Array(image.width * image.height);
  const d = image.data;
  for (let i = 0; i < out.length; i++) out[i] = (0.299 * (d[i * 4] as number) + 0.587 * (d[i * 4 + 1] as number) + 0.114 * (d[i * 4 + 2] as number)) / 255;
  return out;
}

function boxBlur(values: Float32Array, width: number, height: number, radius: number): void {
  if (radius <= 0) return;
  const line = new Float32Array(Math.max(width, height));
  const pass = (count: number, length: number, at: (a: number, b: number) => number): void => {
    for (let a = 0; a < count; a++) {
      for (let b = 0; b < length; b++) line[b] = values[at(a, b)] as number;
      for (let b = 0; b < length; b++) {
        let sum = 0;
        let n = 0;
        for (let k = Math.max(0, b - radius); k <= Math.min(length - 1, b + radius); k++, n++) sum += line[k] as number;
        values[at(a, b)] = sum / n;
      }
    }
  };
  pass(height, width, (y, x) => y * width + x);
  pass(width, height, (x, y) => y * width + x);
}

/**
 * Places a code image on a 640×480 grey frame as a phone-held card looks to a webcam:
 * scaled, rotated, in perspective, blurred, with sensor noise and low contrast.
 */
export function cameraFrame(code: Rgba, style: FrameStyle, random: () => number, width = 640, height = 480): Rgba {
  const half = style.size / 2;
  const angle = (style.angleDeg * Math.PI) / 180;
  const cx = width / 2 + (random() - 0.5) * Math.max(0, width - style.size * 1.5) * 0.5;
  const cy = height / 2 + (random() - 0.5) * Math.max(0, height - style.size * 1.5) * 0.5;
  const corners: [number, number][] = [
    [-half, -half],
    [half, -half],
    [half, half],
    [-half, half],
  ].map(([x, y]) => {
    const jx = (random() - 0.5) * 2 * style.perspective * style.size;
    const jy = (random() - 0.5) * 2 * style.perspective * style.size;
    return [
      cx + (x as number) * Math.cos(angle) - (y as number) * Math.sin(angle) + jx,
      cy + (x as number) * Math.sin(angle) + (y as number) * Math.cos(angle) + jy,
    ];
  });
  const source: [number, number][] = [
    [0, 0],
    [code.width, 0],
    [code.width, code.height],
    [0, code.height],
  ];
  const h = homography(corners, source);
  const values = new Float32Array(width * height);
  const codeGrey = greyPlane(code);
  const at = (x: number, y: number): number => codeGrey[y * code.width + x] as number;
  const backdrop = 0.35 + random() * 0.25;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = (h[6] as number) * x + (h[7] as number) * y + 1;
      const sx = ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w - 0.5;
      const sy = ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w - 0.5;
      let v = backdrop + (x / width - 0.5) * 0.1;
      if (sx >= -0.5 && sy >= -0.5 && sx < code.width - 0.5 && sy < code.height - 0.5) {
        const x0 = Math.max(0, Math.floor(sx));
        const y0 = Math.max(0, Math.floor(sy));
        const x1 = Math.min(code.width - 1, x0 + 1);
        const y1 = Math.min(code.height - 1, y0 + 1);
        const fx = Math.min(1, Math.max(0, sx - x0));
        const fy = Math.min(1, Math.max(0, sy - y0));
        const g = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
        v = (style.dark + g * (style.light - style.dark)) / 255;
      }
      values[y * width + x] = v * 255;
    }
  }
  boxBlur(values, width, height, style.blur);
  boxBlur(values, width, height, style.blur);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    // Box-Muller: Gaussian sensor noise.
    const n = style.noise === 0 ? 0 : Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) * style.noise;
    const v = (values[i] as number) + n;
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return { data, width, height };
}

/** The seed of the camera-like frames the benchmark reports and the recall test checks. */
export const CAMERA_FRAME_SEED = 20_211_008;

/** Each code placed on a 640×480 frame in a random camera-like style (fixed seed: the same frames every run). */
export function cameraLikeFrames<T extends { readonly image: Rgba }>(items: readonly T[], seed = CAMERA_FRAME_SEED): T[] {
  const random = seededRandom(seed);
  return items.map((item) => ({ ...item, image: cameraFrame(item.image, randomStyle(random), random) }));
}

/**
 * The code with its middle painted over by a fine checkerboard (a thumb, a glare, a crease): its
 * finder patterns and grid are intact, so a decoder locates it, but more of its data is lost than
 * error correction restores, so nothing can read it.
 */
export function coveredCode(code: Rgba): Rgba {
  const data = new Uint8ClampedArray(code.data);
  const { width, height } = code;
  for (let y = Math.floor(height * 0.35); y < height * 0.65; y++) {
    for (let x = Math.floor(width * 0.3); x < width * 0.7; x++) {
      const i = (y * width + x) * 4;
      const v = ((x >> 3) + (y >> 3)) % 2 === 0 ? 255 : 0;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
    }
  }
  return { data, width, height };
}
