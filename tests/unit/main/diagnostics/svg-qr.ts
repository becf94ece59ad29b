import jsQRModule from 'jsqr';

const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

/**
 * Decodes a QR code from the SVG the `qrcode` package writes (one stroked path of
 * `M x y` / `m dx dy` moves and `h n` runs of dark modules per row), by rasterizing it
 * at 4 pixels a module and handing the pixels to jsQR: a reference decoder, so a test
 * checks what a scanner would read, not that the same library was called twice.
 */
export function decodeQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const path = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)?.[1];
  if (!Number.isInteger(size) || path === undefined) return null;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, op, args] of path.matchAll(/([MmHh])([^MmHh]+)/g)) {
    const numbers = args!
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    if (op === 'M') [x, y] = [numbers[0]!, numbers[1]!];
    else if (op === 'm') [x, y] = [x + numbers[0]!, y + numbers[1]!];
    else if (op === 'h') {
      for (let i = 0; i < numbers[0]!; i++) dark.add(`${x + i},${Math.floor(y)}`);
      x += numbers[0]!;
    }
  }
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      const value = dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`) ? 0 : 255;
      pixels.set([value, value, value, 255], (py * width + px) * 4);
    }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}
