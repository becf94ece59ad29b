/**
 * Code 128 (ISO/IEC 15417) as SVG, code set B: the symbology Honeywell and Newland print their
 * menu codes in, which the `qrcode` package cannot draw. Code set B covers the printable ASCII
 * of every programming code in the profiles; anything else is refused (the screen then shows
 * the QR and the text only).
 */

// Bar/space widths of symbol values 0–106 (ISO/IEC 15417 table 1): 6 elements each, stop 7.
const PATTERNS = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
  '2331112',
] as const;
const START_B = 104;
const STOP = 106;
/** ISO/IEC 15417 asks for at least 10 modules of quiet zone on each side. */
const QUIET_ZONE = 10;
const HEIGHT = 40;

/** The symbol values of `text` in code set B, with start, check and stop; undefined if a character is outside it. */
export function code128Values(text: string): number[] | undefined {
  const values = [START_B];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 32 || code > 126) return undefined;
    values.push(code - 32);
  }
  // The check symbol: start value plus each data value times its position, modulo 103.
  const check = values.reduce((sum, value, index) => sum + value * Math.max(index, 1), 0) % 103;
  return [...values, check, STOP];
}

/** An SVG of `text` as Code 128 (bars black on white, 1 unit a module), or undefined when code set B cannot hold it. */
export function code128Svg(text: string): string | undefined {
  const values = code128Values(text);
  if (values === undefined || text.length === 0) return undefined;
  let x = QUIET_ZONE;
  let bars = '';
  for (const value of values) {
    [...PATTERNS[value]!].forEach((width, element) => {
      const modules = Number(width);
      // Even elements are bars, odd ones spaces.
      if (element % 2 === 0) bars += `M${x} 0h${modules}v${HEIGHT}h-${modules}z`;
      x += modules;
    });
  }
  const width = x + QUIET_ZONE;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${HEIGHT}" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h${width}v${HEIGHT}H0z"/><path fill="#000000" d="${bars}"/></svg>`;
}
