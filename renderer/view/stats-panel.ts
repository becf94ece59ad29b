import type { TodayStats } from '../../domain/contract/today-stats.js';
import type { Outcome } from '../../domain/verdict/verdict.js';
import { byId, langSpan } from './dom.js';

/** Each colour with its shape and its words: the counts never rely on colour alone. */
const OUTCOMES: readonly { outcome: Outcome; glyph: string; vi: string; en: string }[] = [
  { outcome: 'green', glyph: '✓', vi: 'Xanh — được vào', en: 'Green — allowed' },
  { outcome: 'yellow', glyph: '!', vi: 'Vàng — hạn chế', en: 'Yellow — restricted' },
  { outcome: 'red', glyph: '✕', vi: 'Đỏ — không được vào', en: 'Red — not allowed' },
  { outcome: 'none', glyph: '?', vi: 'Không có kết quả', en: 'No verdict (unreadable, unknown)' },
];

const KINDS: Readonly<Record<string, { vi: string; en: string }>> = {
  'cccd-qr': { vi: 'CCCD (mã QR)', en: 'ID card QR' },
  chip: { vi: 'CCCD gắn chip, chưa xác thực', en: 'ID card chip, not verified' },
  'chip-verified': { vi: 'CCCD gắn chip, đã xác thực', en: 'ID card chip, verified' },
  'bhyt-qr': { vi: 'Thẻ BHYT', en: 'Health insurance card' },
  pass: { vi: 'Thẻ thông hành điện tử', en: 'Status pass' },
  dcc: { vi: 'Chứng nhận vắc-xin (EU DCC)', en: 'EU Digital COVID Certificate' },
  manual: { vi: 'Nhập tay', en: 'Typed ID' },
  unknown: { vi: 'Không đọc được', en: 'Unreadable' },
};

function countItem(key: string, glyph: string | undefined, label: { vi: string; en: string }, count: number): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.key = key;
  if (glyph !== undefined) {
    const icon = document.createElement('span');
    icon.className = 'glyph';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = glyph;
    item.append(icon);
  }
  const number = document.createElement('span');
  number.className = 'count';
  number.textContent = String(count);
  const words = document.createElement('span');
  words.className = 'label';
  words.append(langSpan('vi', label.vi), langSpan('en', label.en));
  item.append(number, words);
  return item;
}

/** Fills the operator panel with today's counts, as the core counted them from the log. */
export function showTodayStats(stats: TodayStats): void {
  const [year, month, day] = stats.date.split('-');
  byId('stats-date').textContent = `${day}/${month}/${year}`;
  byId('stats-total').textContent = String(stats.total);
  byId('stats-outcomes').replaceChildren(
    ...OUTCOMES.map(({ outcome, glyph, vi, en }) => {
      const item = countItem(outcome, glyph, { vi, en }, stats.byOutcome[outcome]);
      item.dataset.outcome = outcome;
      return item;
    }),
  );
  const kinds = Object.entries(stats.byCredentialKind).sort(([, a], [, b]) => b - a);
  byId('stats-kinds').replaceChildren(
    ...(kinds.length === 0
      ? [countItem('empty', undefined, { vi: 'Chưa có lượt quét nào hôm nay', en: 'No scans yet today' }, 0)]
      : kinds.map(([kind, count]) => countItem(kind, undefined, KINDS[kind] ?? { vi: kind, en: kind }, count))),
  );
}
