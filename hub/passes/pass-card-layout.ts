/**
 * Where printed pass cards go on paper, in PDF points (1/72 inch). Pure geometry, shared by the
 * PDF writer and by the tests that cut each card out of the rasterised page to read its QR.
 *
 * Two card sizes: ID-1 (85.6 × 54 mm, the size of the ID card itself: fits a wallet, a lanyard
 * sleeve and a card printer) and A6 (105 × 148 mm, a quarter of A4: a large QR for a poor
 * scanner or a pass pinned to a wall). A single pass is one page of the card's own size; a
 * sheet of badges is A4 pages of cards edge to edge (10 ID-1 or 4 A6 a page), so an office
 * printer prints a class and a guillotine cuts along the drawn outlines.
 */
export type CardSize = 'id1' | 'a6';
export const CARD_SIZES: readonly CardSize[] = ['id1', 'a6'];

export const POINTS_PER_MM = 72 / 25.4;
const mm = (millimetres: number): number => millimetres * POINTS_PER_MM;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface CardGeometry {
  readonly width: number;
  readonly height: number;
  /** The QR's square, quiet zone included, relative to the card's top-left corner. */
  readonly qr: Box;
  /** Where the text goes, relative to the card. */
  readonly text: Box;
  /** Font sizes in points: the title, the name, the other lines. */
  readonly fonts: { readonly title: number; readonly name: number; readonly line: number };
}

/**
 * ID-1: the QR (quiet zone included) is a 44 mm square at the left, so even a version-10 code
 * (57 modules + 8 of quiet zone) is 38.6 mm across and a small one more: far above the 25 mm a
 * scanner reads at arm's length. The text takes the 36 mm beside it.
 * A6, portrait: an 80 mm square at the top, the text under it.
 */
const GEOMETRY: Readonly<Record<CardSize, CardGeometry>> = {
  id1: {
    width: mm(85.6),
    height: mm(54),
    qr: { x: mm(2), y: mm(5), width: mm(44), height: mm(44) },
    text: { x: mm(46.5), y: mm(4), width: mm(36.5), height: mm(46) },
    fonts: { title: 6.5, name: 9.5, line: 6.5 },
  },
  a6: {
    width: mm(105),
    height: mm(148),
    qr: { x: mm(12.5), y: mm(8), width: mm(80), height: mm(80) },
    text: { x: mm(10), y: mm(90), width: mm(85), height: mm(52) },
    fonts: { title: 11, name: 16, line: 10.5 },
  },
};

export function cardGeometry(size: CardSize): CardGeometry {
  return GEOMETRY[size];
}

export interface PageLayout {
  readonly width: number;
  readonly height: number;
  /** Each card's place on the page, in reading order. */
  readonly slots: readonly Box[];
}

const A4 = { width: mm(210), height: mm(297) };
const SHEET_GRID: Readonly<Record<CardSize, { readonly columns: number; readonly rows: number }>> = {
  id1: { columns: 2, rows: 5 },
  a6: { columns: 2, rows: 2 },
};

/** One pass alone: a page the size of the card. */
export function singleCardPage(size: CardSize): PageLayout {
  const { width, height } = GEOMETRY[size];
  return { width, height, slots: [{ x: 0, y: 0, width, height }] };
}

/** An A4 page of cards edge to edge, centred (the margins left fall outside any card). */
export function sheetPage(size: CardSize): PageLayout {
  const { width, height } = GEOMETRY[size];
  const { columns, rows } = SHEET_GRID[size];
  const left = (A4.width - columns * width) / 2;
  const top = (A4.height - rows * height) / 2;
  const slots = Array.from({ length: columns * rows }, (_, i) => ({
    x: left + (i % columns) * width,
    y: top + Math.floor(i / columns) * height,
    width,
    height,
  }));
  return { ...A4, slots };
}
