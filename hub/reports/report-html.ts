import { escapeHtml } from './html-escape.js';
import { both, KIND_LABELS, LABELS, locationName, OUTCOME_LABELS, type BilingualLabel } from './report-labels.js';
import { KIND_GROUPS, REPORT_OUTCOMES, type Counts, type PeriodCounts, type Report } from './report-model.js';
import { silentHtml } from './report-silent.js';
import { barChart, stackedOutcomeChart } from './report-svg.js';
import { byHour, staffDecisions } from './report-html-staff.js';
import { label, td, th } from './report-html-cells.js';
import { vnDayOf, vnDisplayDate, VN_OFFSET_MS } from './vn-calendar.js';

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no external
 * resource (it is mailed and printed where there may be no network), A4 with a page break
 * before each section. Every string from the database (place names, device ids) is escaped.
 */
const CSS = `
@page { size: A4 portrait; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif; font-size: 10.5pt; color: #000; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 0 0 6pt; border-bottom: 1.5pt solid #000; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
.en { color: #333; font-weight: normal; }
section { break-before: page; page-break-before: always; padding-top: 4pt; }
section.first { break-before: auto; page-break-before: auto; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
th, td { border: 0.75pt solid #555; padding: 2pt 4pt; vertical-align: top; }
th { background: #eee; text-align: left; font-size: 9pt; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr, svg, .kpi { break-inside: avoid; page-break-inside: avoid; }
svg { display: block; max-width: 100%; height: auto; margin: 4pt 0; }
.kpi { display: flex; gap: 6pt; margin: 6pt 0; }
.kpi div { flex: 1; border: 1pt solid #000; padding: 4pt 6pt; }
.kpi b { display: block; font-size: 18pt; }
.note { font-size: 9pt; }
@media print { body { max-width: none; } }
`;

/** "20/10/2021 08:05" in Vietnam time. */
function vnDateTime(ms: number): string {
  const time = new Date(ms + VN_OFFSET_MS).toISOString().slice(11, 16);
  return `${vnDisplayDate(vnDayOf(ms))} ${time}`;
}

const periodName = (p: PeriodCounts): string =>
  p.firstDay === p.lastDay ? vnDisplayDate(p.firstDay) : `${p.label} (${vnDisplayDate(p.firstDay)}–${vnDisplayDate(p.lastDay)})`;

const countHeads = (): string =>
  [
    th(LABELS.scans),
    th(LABELS.people),
    ...REPORT_OUTCOMES.map((o) => th(OUTCOME_LABELS[o])),
    ...KIND_GROUPS.map((k) => th(KIND_LABELS[k])),
    th(LABELS.flagged),
  ].join('');
const countCells = (c: Counts): string =>
  [td(c.scans), td(c.people), ...REPORT_OUTCOMES.map((o) => td(c.byOutcome[o])), ...KIND_GROUPS.map((k) => td(c.byKind[k])), td(c.flagged)].join('');

function summary(report: Report): string {
  const { totals } = report;
  const kpi = (l: BilingualLabel, value: number) => `<div>${label(l)}<b>${value.toLocaleString('vi-VN')}</b></div>`;
  const c = totals.counts;
  return `<section class="first">
<header><h1>${label(LABELS.title)}</h1>
<p>${label(LABELS.period)}: <b>${vnDisplayDate(report.fromDay)} – ${vnDisplayDate(report.toDay)}</b> (${label(LABELS.vnTime)})<br>
${label(LABELS.generated)}: ${vnDateTime(report.generatedAt)}</p></header>
<h2>${label(LABELS.summary)}</h2>
<div class="kpi">${kpi(LABELS.registered, totals.registered)}${kpi(LABELS.active, totals.active)}${kpi(LABELS.scans, c.scans)}${kpi(LABELS.people, c.people)}${kpi(LABELS.flagged, c.flagged)}</div>
<h3>${label(LABELS.byOutcome)}</h3>
${barChart(
  both(LABELS.byOutcome),
  REPORT_OUTCOMES.map((o) => ({ label: both(OUTCOME_LABELS[o]), value: c.byOutcome[o], outcome: o })),
)}
<h3>${label(LABELS.byKind)}</h3>
${barChart(
  both(LABELS.byKind),
  KIND_GROUPS.map((k) => ({ label: both(KIND_LABELS[k]), value: c.byKind[k] })),
)}
<table><thead><tr>${countHeads()}</tr></thead><tbody><tr>${countCells(c)}</tr></tbody></table>
<p class="note">${label(LABELS.flaggedNote)}</p>
</section>`;
}

function byPeriod(report: Report): string {
  const title = report.by === 'day' ? LABELS.byDay : LABELS.byWeek;
  const rows = report.periods.map((p) => `<tr><td>${escapeHtml(periodName(p))}</td>${countCells(p.counts)}</tr>`);
  return `<section>
<h2>${label(title)}</h2>
${stackedOutcomeChart(
  both(title),
  report.periods.map((p) => ({ label: periodName(p), byOutcome: p.counts.byOutcome })),
)}
<table><thead><tr>${th(report.by === 'day' ? { vi: 'Ngày', en: 'Day' } : { vi: 'Tuần', en: 'Week' }, false)}${countHeads()}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function byLocation(report: Report): string {
  const rows = report.locations.map(
    (p) => `<tr><td>${escapeHtml(locationName(p.location))}</td>${td(p.registered)}${td(p.active)}${countCells(p.counts)}</tr>`,
  );
  const chart = stackedOutcomeChart(
    both(LABELS.byLocation),
    report.locations.map((p) => ({ label: locationName(p.location), byOutcome: p.counts.byOutcome })),
  );
  return `<section>
<h2>${label(LABELS.byLocation)}</h2>
${chart}
<table><thead><tr>${th(LABELS.location, false)}${th(LABELS.registered)}${th(LABELS.active)}${countHeads()}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

/** Places × days (or weeks): scans, and how many of them flagged, seven periods to a table so it fits the page. */
function locationByPeriod(report: Report): string {
  const title = report.by === 'day' ? { vi: 'Theo địa điểm và ngày', en: 'By location and day' } : { vi: 'Theo địa điểm và tuần', en: 'By location and week' };
  const tables: string[] = [];
  for (let start = 0; start < report.periods.length; start += 7) {
    const periods = report.periods.slice(start, start + 7);
    const heads = periods.map((p) => `<th class="n">${escapeHtml(p.firstDay === p.lastDay ? vnDisplayDate(p.firstDay).slice(0, 5) : p.label)}</th>`).join('');
    const rows = report.locations.map((place) => {
      const cells = place.periods
        .slice(start, start + 7)
        .map((p) => td(p.counts.scans))
        .join('');
      return `<tr><td>${escapeHtml(locationName(place.location))}</td>${cells}</tr>`;
    });
    tables.push(`<table><thead><tr>${th(LABELS.location, false)}${heads}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`);
  }
  return `<section>
<h2>${label(title)}</h2>
<p class="note">${label({ vi: 'Số lượt quét', en: 'Scans made' })}</p>
${tables.join('\n')}
</section>`;
}

function idle(report: Report): string {
  const window = `${vnDisplayDate(vnDayOf(report.idleFromMs))} – ${vnDisplayDate(vnDayOf(report.idleToMs - 1))}`;
  const body =
    report.idle.length === 0
      ? `<p>${label(LABELS.idleNone)}</p>`
      : `<table><thead><tr>${th(LABELS.location, false)}${th(LABELS.device, false)}${th(LABELS.enrolled, false)}</tr></thead><tbody>${report.idle
          .map((d) => `<tr><td>${escapeHtml(locationName(d.location))}</td><td>${escapeHtml(d.deviceId)}</td><td>${vnDateTime(d.enrolledAt)}</td></tr>`)
          .join('\n')}</tbody></table>`;
  return `<section>
<h2>${label(LABELS.idle)}</h2>
<p>${escapeHtml(window)} (${label(LABELS.vnTime)}): <b>${report.idle.length}</b> / ${report.totals.registered} ${label({ vi: 'điểm quét đã đăng ký', en: 'registered scan points' })}</p>
${body}
</section>`;
}

export function reportHtml(report: Report): string {
  const title = `${both(LABELS.title)} ${vnDisplayDate(report.fromDay)}–${vnDisplayDate(report.toDay)}`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${summary(report)}
${byPeriod(report)}
${byLocation(report)}
${locationByPeriod(report)}
${byHour(report)}
${staffDecisions(report)}
${idle(report)}
${report.silent === undefined ? '' : silentHtml(report.silent)}
</body>
</html>
`;
}
