import { escapeHtml } from './html-escape.js';
import type { BilingualLabel } from './report-labels.js';

/** The HTML report's table cells and labels, shared by its sections. */
export const label = (l: BilingualLabel): string => `${escapeHtml(l.vi)} <span class="en">/ ${escapeHtml(l.en)}</span>`;
export const th = (l: BilingualLabel, numeric = true): string => `<th${numeric ? ' class="n"' : ''}>${label(l)}</th>`;
export const td = (value: number): string => `<td class="n">${value.toLocaleString('vi-VN')}</td>`;
