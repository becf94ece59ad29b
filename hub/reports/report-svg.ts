import { escapeHtml } from './html-escape.js';
import { both, OUTCOME_LABELS } from './report-labels.js';
import { REPORT_OUTCOMES, type ReportOutcome } from './report-model.js';

/**
 * Inline SVG bar charts for the HTML report: no script, no external resource, printable in
 * black and white. Colour never carries meaning alone: every outcome also has its own marks
 * (hatching, dots, cross-hatching, stripes) and a text label, and every bar its value
 * written beside it. The marks are drawn as plain paths, not SVG <pattern>s: Chromium prints
 * each pattern fill as a raster image, which made a week's report a 20 MB PDF.
 */
const WIDTH = 680; // ≈ 180 mm at 96 dpi: an A4 page's width inside its margins
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 70;
const BAR_HEIGHT = 18;
const ROW_HEIGHT = 26;
const PLOT = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
const STEP = 7;

const COLOURS: Readonly<Record<ReportOutcome, { fill: string; ink: string }>> = {
  green: { fill: '#81c784', ink: '#1b5e20' },
  yellow: { fill: '#fff176', ink: '#6d5d00' },
  red: { fill: '#e57373', ink: '#7f0000' },
  none: { fill: '#e0e0e0', ink: '#424242' },
};

const f = (n: number): string => n.toFixed(1);

/** Lines of slope ±1 across the box, cut at its sides: `rising` like "/", else like "\". */
function diagonals(x: number, y: number, w: number, h: number, rising: boolean): string {
  const parts: string[] = [];
  for (let t = -h; t < w; t += STEP) {
    // The line from (x + t, bottom) to (x + t + h, top), cut to x…x + w.
    const x0 = Math.max(x + t, x);
    const x1 = Math.min(x + t + h, x + w);
    if (x1 <= x0) continue;
    const yAt = (px: number): number => y + h - (px - (x + t));
    if (rising) parts.push(`M${f(x0)},${f(yAt(x0))}L${f(x1)},${f(yAt(x1))}`);
    // Mirrored across the box's vertical middle.
    else parts.push(`M${f(2 * x + w - x0)},${f(yAt(x0))}L${f(2 * x + w - x1)},${f(yAt(x1))}`);
  }
  return parts.join('');
}

function dots(x: number, y: number, w: number, h: number): string {
  const parts: string[] = [];
  for (let cy = y + 3; cy < y + h - 1; cy += 5) {
    for (let cx = x + 3 + ((cy - y) % 10 === 3 ? 0 : 2.5); cx < x + w - 1; cx += 5) parts.push(`M${f(cx - 1)},${f(cy - 1)}h2v2h-2z`);
  }
  return parts.join('');
}

function stripes(x: number, y: number, w: number, h: number): string {
  const parts: string[] = [];
  for (let ly = y + 4; ly < y + h; ly += 5) parts.push(`M${f(x)},${f(ly)}h${f(w)}`);
  return parts.join('');
}

/** A box filled with the outcome's colour and marks, outlined. */
export function outcomeBox(outcome: ReportOutcome, x: number, y: number, w: number, h: number): string {
  const { fill, ink } = COLOURS[outcome];
  const d =
    outcome === 'green'
      ? diagonals(x, y, w, h, true)
      : outcome === 'red'
        ? diagonals(x, y, w, h, true) + diagonals(x, y, w, h, false)
        : outcome === 'none'
          ? stripes(x, y, w, h)
          : '';
  const marks =
    outcome === 'yellow'
      ? `<path class="mark-${outcome}" d="${dots(x, y, w, h)}" fill="${ink}"/>`
      : `<path class="mark-${outcome}" d="${d}" stroke="${ink}" stroke-width="1.1" fill="none"/>`;
  return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${h}" fill="${fill}"/>${w > 0 ? marks : ''}<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${h}" fill="none" stroke="#212121" stroke-width="0.5"/>`;
}

const scale = (value: number, max: number): number => (max === 0 ? 0 : (value / max) * PLOT);
const text = (x: number, y: number, content: string, anchor = 'start'): string =>
  `<text x="${f(x)}" y="${f(y)}" text-anchor="${anchor}" font-size="12">${escapeHtml(content)}</text>`;
const svg = (title: string, height: number, body: string): string =>
  `<svg role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"><title>${escapeHtml(title)}</title>${body}</svg>`;

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** An outcome's colour and marks, or a plain grey bar when the bars are not colours. */
  readonly outcome?: ReportOutcome;
}

/** One horizontal bar per row: label, bar, value. */
export function barChart(title: string, bars: readonly Bar[]): string {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const rows = bars.map((bar, i) => {
    const y = i * ROW_HEIGHT + 4;
    const width = scale(bar.value, max);
    const box =
      bar.outcome === undefined
        ? `<rect x="${LABEL_WIDTH}" y="${y}" width="${f(width)}" height="${BAR_HEIGHT}" fill="#90a4ae" stroke="#212121" stroke-width="0.5"/>`
        : outcomeBox(bar.outcome, LABEL_WIDTH, y, width, BAR_HEIGHT);
    return `${text(LABEL_WIDTH - 8, y + 13, bar.label, 'end')}${box}${text(LABEL_WIDTH + width + 6, y + 13, String(bar.value))}`;
  });
  return svg(title, bars.length * ROW_HEIGHT + 8, rows.join(''));
}

export interface StackedRow {
  readonly label: string;
  readonly byOutcome: Readonly<Record<ReportOutcome, number>>;
}

/** Legend positions: room for "Không có kết quả / No result" at the end. */
const LEGEND_X = [0, 140, 280, 400];

/**
 * One bar per row, split by colour, each part in its marks with its count written in it
 * when it fits, the row's total beside it, and a legend naming each outcome's marks.
 */
export function stackedOutcomeChart(title: string, rows: readonly StackedRow[]): string {
  const totals = rows.map((r) => REPORT_OUTCOMES.reduce((sum, o) => sum + r.byOutcome[o], 0));
  const max = Math.max(0, ...totals);
  const legendHeight = 24;
  const legend = REPORT_OUTCOMES.map((o, i) => `${outcomeBox(o, LEGEND_X[i] ?? 0, 2, 16, 14)}${text((LEGEND_X[i] ?? 0) + 22, 14, both(OUTCOME_LABELS[o]))}`);
  const bars = rows.map((row, i) => {
    const y = legendHeight + i * ROW_HEIGHT + 4;
    let x = LABEL_WIDTH;
    const parts = REPORT_OUTCOMES.filter((o) => row.byOutcome[o] > 0).map((o) => {
      const width = scale(row.byOutcome[o], max);
      // The count on a white box inside its part, when the part is wide enough to hold it.
      const digits = String(row.byOutcome[o]).length * 7 + 6;
      const count =
        width >= digits + 4
          ? `<rect x="${f(x + width / 2 - digits / 2)}" y="${y + 2}" width="${digits}" height="${BAR_HEIGHT - 4}" fill="#fff"/>${text(x + width / 2, y + 13, String(row.byOutcome[o]), 'middle')}`
          : '';
      const part = `<g><title>${escapeHtml(`${both(OUTCOME_LABELS[o])}: ${row.byOutcome[o]}`)}</title>${outcomeBox(o, x, y, width, BAR_HEIGHT)}${count}</g>`;
      x += width;
      return part;
    });
    return `${text(LABEL_WIDTH - 8, y + 13, row.label, 'end')}${parts.join('')}${text(x + 6, y + 13, String(totals[i] ?? 0))}`;
  });
  return svg(title, legendHeight + rows.length * ROW_HEIGHT + 8, legend.join('') + bars.join(''));
}
