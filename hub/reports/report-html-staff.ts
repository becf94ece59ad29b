import { escapeHtml } from './html-escape.js';
import { label, td, th } from './report-html-cells.js';
import { both, LABELS, LET_IN_LABELS, locationName } from './report-labels.js';
import { LET_IN_OUTCOMES, type Report, type StaffDecisions } from './report-model.js';
import { barChart } from './report-svg.js';

/**
 * The HTML report's sections on when people came and what staff decided: the hour-of-day
 * view, and the staff decisions (reds and yellows let in, confirms) by place and by whom.
 */
const hourLabel = (hour: number): string => `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59`;

export function byHour(report: Report): string {
  return `<section>
<h2>${label(LABELS.byHour)}</h2>
<p class="note">${label(LABELS.scans)} (${label(LABELS.vnTime)})</p>
${barChart(
  `${both(LABELS.byHour)} (${both(LABELS.vnTime)})`,
  report.totals.hours.map((value, hour) => ({ label: hourLabel(hour), value })),
)}
</section>`;
}

const decisionHeads = (): string => [...LET_IN_OUTCOMES.map((o) => th(LET_IN_LABELS[o])), th(LABELS.confirmed)].join('');
const decisionCells = (d: StaffDecisions): string => [...LET_IN_OUTCOMES.map((o) => td(d.letIn[o])), td(d.confirmed)].join('');
const anyDecision = (d: StaffDecisions): boolean => d.confirmed > 0 || LET_IN_OUTCOMES.some((o) => d.letIn[o] > 0);

export function staffDecisions(report: Report): string {
  const places = report.locations.filter((p) => anyDecision(p.counts.staff));
  const byPlace = places.map((p) => `<tr><td>${escapeHtml(locationName(p.location))}</td>${decisionCells(p.counts.staff)}</tr>`);
  const byStaff = report.staff.map((s) => `<tr><td>${escapeHtml(locationName(s.location))}</td><td>${escapeHtml(s.staff)}</td>${decisionCells(s)}</tr>`);
  const body =
    report.staff.length === 0
      ? `<p>${label(LABELS.staffNone)}</p>`
      : `<table><thead><tr>${th(LABELS.total, false)}${decisionHeads()}</tr></thead><tbody><tr><td>${label(LABELS.total)}</td>${decisionCells(report.totals.counts.staff)}</tr></tbody></table>
<h3>${label(LABELS.byLocation)}</h3>
<table><thead><tr>${th(LABELS.location, false)}${decisionHeads()}</tr></thead><tbody>${byPlace.join('\n')}</tbody></table>
<h3>${label(LABELS.staff)}</h3>
<table><thead><tr>${th(LABELS.location, false)}${th(LABELS.staff, false)}${decisionHeads()}</tr></thead><tbody>${byStaff.join('\n')}</tbody></table>`;
  return `<section>
<h2>${label(LABELS.staffDecisions)}</h2>
${body}
<p class="note">${label(LABELS.staffNote)}</p>
</section>`;
}
