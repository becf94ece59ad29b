import QRCode from 'qrcode';

/** One mechanism for every QR the hub prints or writes (passes, badges, enrolments): the same error correction and quiet zone. */
const ERROR_CORRECTION = 'M';
/** The quiet zone the QR standard asks for (ISO/IEC 18004: 4 modules); readers lock on less reliably with less. */
const QUIET_ZONE_MODULES = 4;

/** A PNG of the QR for `text`, 8 pixels a module, with its quiet zone. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: ERROR_CORRECTION, type: 'png', margin: QUIET_ZONE_MODULES, scale: 8 });
}

/**
 * The QR for `text` drawn with Unicode half blocks, two module rows per line, for a
 * terminal: a phone or a scanner reads it off the screen. The LIGHT modules and the quiet
 * zone are drawn (`█`, `▀`, `▄`) and the dark ones left blank, as terminals show light text
 * on a dark background: the code then appears dark on light, as readers expect. On a
 * terminal with a light background, use the PNG instead.
 */
export function qrHalfBlocks(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  const size = modules.size;
  const span = size + 2 * QUIET_ZONE_MODULES;
  const light = (row: number, column: number): boolean => {
    const r = row - QUIET_ZONE_MODULES;
    const c = column - QUIET_ZONE_MODULES;
    return r < 0 || c < 0 || r >= size || c >= size || !modules.get(r, c);
  };
  const lines: string[] = [];
  for (let row = 0; row < span; row += 2) {
    let line = '';
    for (let column = 0; column < span; column++) {
      const top = light(row, column);
      // An odd span leaves the last line's lower half outside the code: light, as the quiet zone.
      const bottom = row + 1 >= span || light(row + 1, column);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}
