import { describe, expect, it } from 'vitest';
import { code128Svg, code128Values } from '../../../../main/diagnostics/code128.js';
import { decodePixels, rasterizeBars } from './zxing-reference.js';

describe('Code 128 (code set B)', () => {
  it('weights each value by its position for the check symbol', () => {
    // "PJJ123C": start B 104, then P=48 J=42 J=42 1=17 2=18 3=19 C=35;
    // 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879 ≡ 55 (mod 103).
    expect(code128Values('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
  });

  it.each(['TRMUSB130.', 'TRMUSB131.', 'NLS0006010', 'a b~c', '0'])('%s decodes back with zxing', async (text) => {
    const svg = code128Svg(text)!;
    const { data, width, height } = rasterizeBars(svg);
    expect(await decodePixels(data, width, height, 'Code128')).toBe(text);
  });

  it('refuses what code set B cannot hold', () => {
    expect(code128Svg('\u0016M\r')).toBeUndefined();
    expect(code128Svg('Nữ')).toBeUndefined();
    expect(code128Svg('')).toBeUndefined();
  });
});
