import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../hub/reports/csv-cell.js';
import { escapeHtml } from '../../../hub/reports/html-escape.js';
import { assembleReport, kindGroupOf, type Report } from '../../../hub/reports/report-model.js';
import { REPORT_CSV_HEADER, reportCsv } from '../../../hub/reports/report-csv.js';
import { reportHtml } from '../../../hub/reports/report-html.js';
import { outcomeBox } from '../../../hub/reports/report-svg.js';
import type { ScanCount } from '../../../hub/reports/report-store.js';
import { vnDayOfDate } from '../../../hub/reports/vn-calendar.js';

const day = (date: string): number => vnDayOfDate(date) as number;
const EVIL = '<script>alert("x")</script> & \'Chợ\'';
const FORMULA = '=HYPERLINK("http://evil.example","Cổng")';
const device = (deviceId: string, location: string, revoked = false) => ({
  deviceId,
  publicKeyRaw: new Uint8Array(32),
  location,
  revoked,
  enrolledAt: Date.parse('2021-10-01T08:00:00+07:00'),
});
const count = (
  location: string,
  kioskId: string,
  date: string,
  outcome: string,
  credentialKind: string,
  scans: number,
  flagged = 0,
  authenticity = 'unsigned',
): ScanCount => ({
  location,
  kioskId,
  bucketStart: day(date),
  outcome,
  credentialKind,
  authenticity,
  scans,
  flagged,
});

function sample(): Report {
  return assembleReport({
    fromDay: day('2021-10-18'),
    toDay: day('2021-10-20'),
    by: 'day',
    generatedAt: Date.parse('2021-10-21T08:05:00+07:00'),
    idleFromMs: Date.parse('2021-10-14T00:00:00+07:00'),
    idleToMs: Date.parse('2021-10-21T00:00:00+07:00'),
    counts: [
      count('Chợ Đầm', 'k-1', '2021-10-18', 'green', 'pass', 120),
      count('Chợ Đầm', 'k-1', '2021-10-18', 'red', 'cccd-qr', 3, 1),
      count('Chợ Đầm', 'k-1', '2021-10-20', 'yellow', 'chip', 7),
      count('Chợ Đầm', 'k-1', '2021-10-20', 'green', 'chip', 9, 0, 'chip-verified'),
      count(EVIL, 'k-2', '2021-10-19', 'none', 'unknown', 2),
      count(FORMULA, 'k-3', '2021-10-19', 'green', 'bhyt-qr', 5),
      count(FORMULA, 'k-3', '2021-10-20', 'green', 'manual', 1),
      count('', 'unenrolled', '2021-10-20', 'surprise', 'dcc', 4),
    ],
    decisions: [
      { location: 'Chợ Đầm', bucketStart: day('2021-10-18'), decision: 'override', staff: 'Lan', decidedOutcome: 'red', decisions: 2 },
      { location: 'Chợ Đầm', bucketStart: day('2021-10-20'), decision: 'override', staff: EVIL, decidedOutcome: 'yellow', decisions: 1 },
      { location: FORMULA, bucketStart: day('2021-10-19'), decision: 'confirm', staff: '=cmd|calc', decidedOutcome: 'green', decisions: 1 },
    ],
    people: [
      { level: 'all', location: '', bucketStart: -1, people: 100 },
      { level: 'period', location: '', bucketStart: day('2021-10-18'), people: 80 },
      { level: 'period', location: '', bucketStart: day('2021-10-19'), people: 7 },
      { level: 'period', location: '', bucketStart: day('2021-10-20'), people: 12 },
      { level: 'location', location: 'Chợ Đầm', bucketStart: -1, people: 90 },
      { level: 'location-period', location: 'Chợ Đầm', bucketStart: day('2021-10-20'), people: 11 },
    ],
    hours: [
      { location: 'Chợ Đầm', hour: 8, scans: 100 },
      { location: 'Chợ Đầm', hour: 23, scans: 39 },
      { location: FORMULA, hour: 0, scans: 6 },
      { location: EVIL, hour: 8, scans: 2 },
      { location: '', hour: 12, scans: 4 },
    ],
    devices: [device('k-1', 'Chợ Đầm'), device('k-2', EVIL), device('k-3', FORMULA), device('k-4', 'Bến xe <Bắc>'), device('k-5', 'Chợ Đầm', true)],
    recent: [
      { kioskId: 'k-1', scans: 130, lastAtMs: 0 },
      { kioskId: 'k-3', scans: 6, lastAtMs: 0 },
    ],
  });
}

describe('report model', () => {
  it('groups credential kinds as officials ask for them', () => {
    expect(['pass', 'dcc', 'cccd-qr', 'chip', 'bhyt-qr', 'manual', 'unknown', 'toString', ''].map((kind) => kindGroupOf(kind, 'unsigned'))).toEqual([
      'status-pass',
      'dcc',
      'id-card',
      'id-card',
      'health-insurance',
      'typed',
      'unreadable',
      'other',
      'other',
    ]);
  });

  it('counts a code that failed its check as unreadable or invalid, whatever its kind', () => {
    expect(['pass', 'dcc', 'cccd-qr', 'chip', 'bhyt-qr'].map((kind) => kindGroupOf(kind, 'invalid'))).toEqual(Array(5).fill('unreadable'));
    expect(kindGroupOf('dcc', 'signed-valid')).toBe('dcc');
    expect(kindGroupOf('unknown', 'none')).toBe('unreadable');
  });

  it('counts a chip ID card that passed passive authentication as its own group; a chip that did not verify stays an ID card', () => {
    expect(kindGroupOf('chip', 'chip-verified')).toBe('chip-verified');
    expect(kindGroupOf('chip', 'unsigned')).toBe('id-card');
    expect(kindGroupOf('chip', 'invalid')).toBe('unreadable');
    // Only a chip can be chip-verified: the authenticity alone moves nothing, and the group name is no credential kind.
    expect(kindGroupOf('cccd-qr', 'chip-verified')).toBe('id-card');
    expect(kindGroupOf('chip-verified', 'chip-verified')).toBe('other');
  });

  it('adds up, counts an unknown outcome as none, and lists idle scan points', () => {
    const report = sample();
    expect(report.totals).toEqual({
      registered: 4,
      active: 3,
      counts: {
        scans: 151,
        flagged: 1,
        byOutcome: { green: 135, yellow: 7, red: 3, none: 6 },
        byKind: { dcc: 4, 'status-pass': 120, 'id-card': 10, 'chip-verified': 9, 'health-insurance': 5, typed: 1, unreadable: 2, other: 0 },
        staff: { letIn: { red: 2, yellow: 1, none: 0 }, confirmed: 1 },
        people: 100,
      },
      hours: [6, 0, 0, 0, 0, 0, 0, 0, 102, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 39],
    });
    expect(report.staff.map((r) => [r.location, r.staff, r.letIn, r.confirmed])).toEqual([
      [FORMULA, '=cmd|calc', { red: 0, yellow: 0, none: 0 }, 1],
      ['Chợ Đầm', EVIL, { red: 0, yellow: 1, none: 0 }, 0],
      ['Chợ Đầm', 'Lan', { red: 2, yellow: 0, none: 0 }, 0],
    ]);
    const cho = report.locations.find((l) => l.location === 'Chợ Đầm');
    expect(cho?.counts.people).toBe(90);
    expect(cho?.periods.map((p) => p.counts.people)).toEqual([0, 0, 11]);
    expect(cho?.hours[8]).toBe(100);
    expect(report.periods.map((p) => [p.label, p.counts.scans])).toEqual([
      ['2021-10-18', 123],
      ['2021-10-19', 7],
      ['2021-10-20', 21],
    ]);
    expect(report.idle.map((d) => d.deviceId)).toEqual(['k-2', 'k-4']); // by place name: '<' sorts before letters
    expect(report.locations.find((l) => l.location === 'Chợ Đầm')).toMatchObject({ registered: 1, active: 1, counts: { scans: 139, flagged: 1 } });
  });
});

describe('report CSV', () => {
  it('is one table with a section column; totals first', () => {
    const lines = reportCsv(sample()).split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_HEADER.join(','));
    expect(lines[0]).toBe(
      'section,location,scan_point,period,first_day,last_day,scan_points_registered,scan_points_active,scans,flagged,green,yellow,red,none,' +
        'dcc,status_pass,id_card,chip_verified,health_insurance,typed,unreadable,other,people,let_in_red,let_in_yellow,let_in_none,confirmed,staff',
    );
    expect(lines[1]).toBe('"total","","","2021-10-18/2021-10-20","2021-10-18","2021-10-20",4,3,151,1,135,7,3,6,4,120,10,9,5,1,2,0,100,2,1,0,1,""');
    expect(lines).toContain('"period","","","2021-10-20","2021-10-20","2021-10-20","","",21,0,10,7,0,4,4,0,7,9,0,1,0,0,12,0,1,0,0,""');
    expect(lines[2]).toBe('"period","","","2021-10-18","2021-10-18","2021-10-18","","",123,1,120,0,3,0,0,120,3,0,0,0,0,0,80,2,0,0,0,""');
    expect(lines).toContain('"idle","Bến xe <Bắc>","k-4","2021-10-14/2021-10-20","2021-10-14","2021-10-20","","",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,""');
    expect(lines.at(-1)).toBe('');
  });

  it('lists scans per hour of the Vietnam day, all places then each place, and what each staff member decided', () => {
    const lines = reportCsv(sample()).split('\r\n');
    const empties = (n: number) => Array(n).fill('""').join(',');
    const hours = lines.filter((l) => l.startsWith('"hour","",'));
    expect(hours.map((l) => l.split(',')[3])).toEqual(Array.from({ length: 24 }, (_, h) => `"${String(h).padStart(2, '0')}"`));
    expect(hours[8]).toBe(`"hour","","","08","2021-10-18","2021-10-20","","",102,${empties(19)}`);
    expect(lines).toContain(`"location-hour","Chợ Đầm","","23","2021-10-18","2021-10-20","","",39,${empties(19)}`);
    // Only places with scans get hour rows: the idle place has none.
    expect(lines.filter((l) => l.startsWith('"location-hour","Bến xe'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('"location-hour",')).length).toBe(4 * 24);
    expect(lines).toContain(`"staff","Chợ Đầm","","2021-10-18/2021-10-20","2021-10-18","2021-10-20","","",${empties(15)},2,0,0,0,"Lan"`);
    // A staff name a spreadsheet would run as a formula is defused like a place name.
    expect(lines).toContain(
      `"staff","'=HYPERLINK(""http://evil.example"",""Cổng"")","","2021-10-18/2021-10-20","2021-10-18","2021-10-20","","",${empties(15)},0,0,0,1,"'=cmd|calc"`,
    );
  });

  it('defuses place names a spreadsheet would run as formulas, and quotes the rest', () => {
    const csv = reportCsv(sample());
    expect(csv).toContain(`"location","'=HYPERLINK(""http://evil.example"",""Cổng"")","",`);
    expect(csv).not.toMatch(/(^|,)"=/m);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell(12)).toBe('12');
  });
});

describe('report HTML', () => {
  const html = reportHtml(sample());

  it('escapes every string from the database', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(EVIL));
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;Chợ&#39;');
    expect(html).toContain('Bến xe &#60;Bắc&#62;');
    expect(html).not.toContain('Bến xe <Bắc>');
  });

  it('is self-contained: inline CSS and SVG, no script, no external resource', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="vi">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\((?!#)|\ssrc=|\shref=|\son\w+=/i);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    // Marks are drawn as paths: Chromium prints <pattern> fills as raster images (a 20 MB PDF).
    expect(html).not.toContain('<pattern');
  });

  it('prints on A4, each section on its own page', () => {
    expect(html).toContain('@page { size: A4 portrait;');
    expect(html).toMatch(/section \{ break-before: page; page-break-before: always;/);
    expect(html.match(/<section/g)?.length).toBe(7);
  });

  it('speaks Vietnamese first with English beside, and never colour alone', () => {
    for (const text of [
      'Xanh <span class="en">/ Green</span>',
      'Vàng <span class="en">/ Yellow</span>',
      'Đỏ <span class="en">/ Red</span>',
      'Thẻ BHYT <span class="en">/ Health-insurance card</span>',
      'Căn cước gắn chip, đã xác thực chip <span class="en">/ ID card, chip verified</span>',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('Điểm quét đã đăng ký <span class="en">/ Scan points registered</span>');
    // The colour chart names each bar, marks it and writes its value; the legend names each outcome's marks.
    for (const [outcome, name, value] of [
      ['green', 'Xanh / Green', 135],
      ['yellow', 'Vàng / Yellow', 7],
      ['red', 'Đỏ / Red', 3],
      ['none', 'Không có kết quả / No result', 6],
    ] as const) {
      expect(html).toMatch(new RegExp(`>${name}</text><rect [^>]*/><path class="mark-${outcome}" d="M[^"]+"[^>]*/><rect [^>]*/><text [^>]*>${value}</text>`));
      expect(html).toMatch(new RegExp(`<path class="mark-${outcome}" d="M[^"]+"[^>]*/><rect [^>]*/><text [^>]*>${name}</text>`));
    }
    expect(html).toContain('Số người (không trùng) <span class="en">/ Distinct people</span>');
    expect(html).toContain('Đỏ được cho vào <span class="en">/ Reds let in</span>');
    expect(html).toContain('Chứng nhận COVID số EU (DCC) <span class="en">/ EU digital COVID certificate</span>');
    expect(html).toContain('Mã không đọc được hoặc không hợp lệ <span class="en">/ Unreadable or invalid code</span>');
    // The hour-of-day chart states its zone, and names each hour.
    expect(html).toContain('<title>Theo giờ trong ngày / By hour of day (giờ Việt Nam, UTC+07:00 / Vietnam time, UTC+07:00)</title>');
    expect(html).toMatch(/>08:00–08:59<\/text><rect [^>]*\/><text [^>]*>102<\/text>/);
    expect(html).toContain('21/10/2021 08:05');
    expect(html).toContain((120).toLocaleString('vi-VN'));
  });
});

describe('chart marks', () => {
  it.each(['green', 'yellow', 'red', 'none'] as const)('%s marks stay inside their box', (outcome) => {
    const box = outcomeBox(outcome, 10, 20, 33, 18);
    const d = /<path class="mark-[a-z]+" d="([^"]+)"/.exec(box)?.[1] ?? '';
    expect(d).not.toBe('');
    for (const [, x, y] of d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(10);
      expect(Number(x)).toBeLessThanOrEqual(43);
      expect(Number(y)).toBeGreaterThanOrEqual(20);
      expect(Number(y)).toBeLessThanOrEqual(38);
    }
  });

  it('an empty bar has no marks', () => {
    expect(outcomeBox('green', 0, 0, 0, 18)).not.toContain('<path');
  });
});
