import { writeFileSync } from 'node:fs';
import type { Rgba } from './camera-frames.js';

/**
 * Writes frames as a YUV4MPEG2 (4:2:0) file: what Chromium's fake camera plays
 * (`--use-file-for-fake-video-capture=FILE.y4m`), looping. Width and height must be even.
 */
export function writeY4m(path: string, frames: readonly Rgba[], fps = 10): void {
  const first = frames[0];
  if (first === undefined) throw new Error('writeY4m: no frames');
  const { width, height } = first;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error(`writeY4m: ${width}×${height} is not even`);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii')];
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height) throw new Error('writeY4m: frames differ in size');
    const y = Buffer.alloc(width * height);
    const u = Buffer.alloc((width / 2) * (height / 2));
    const v = Buffer.alloc(u.length);
    const d = frame.data;
    for (let i = 0; i < width * height; i++) {
      y[i] = Math.round(0.299 * (d[i * 4] as number) + 0.587 * (d[i * 4 + 1] as number) + 0.114 * (d[i * 4 + 2] as number));
    }
    for (let cy = 0; cy < height / 2; cy++) {
      for (let cx = 0; cx < width / 2; cx++) {
        const i = (cy * 2 * width + cx * 2) * 4;
        const r = d[i] as number;
        const g = d[i + 1] as number;
        const b = d[i + 2] as number;
        // Full-range BT.601 chroma (C420jpeg).
        u[cy * (width / 2) + cx] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
        v[cy * (width / 2) + cx] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
      }
    }
    parts.push(Buffer.from('FRAME\n', 'ascii'), y, u, v);
  }
  writeFileSync(path, Buffer.concat(parts));
}
