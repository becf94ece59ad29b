import { DEFAULT_SILENT_AFTER_MS, compactAge, overviewOf } from '../devices/device-overview.js';
import type { DeviceStatus } from '../devices/device-status-store.js';
import { csvCell } from './csv-cell.js';
import { escapeHtml } from './html-escape.js';
import { locationName, type BilingualLabel } from './report-labels.js';
import type { SilentReport } from './report-model.js';
import { vnDayOf, vnDisplayDate, VN_OFFSET_MS } from './vn-calendar.js';

/**
 * Builds and renders the report's section on silent scan points: registered kiosks against those the hub heard
 * from (any signed request: a sync counts, not only a scan) within the threshold before the
 * report was made, and the silent ones listed. Unlike the idle list (no scan in 7 days, which
 * a quiet but working entrance also is), a silent kiosk is off, broken or cut off: someone
 * must go there. Measured at the report's making, because the hub keeps each kiosk's last
 * sighting, not its history.
 */
export function silentReportOf(devices: readonly DeviceStatus[], asOf: number, silentAfterMs: number = DEFAULT_SILENT_AFTER_MS): SilentReport {
  const active = devices.filter((d) => !d.revoked).map((d) => overviewOf(d, asOf, silentAfterMs));
  const silent = active
    .filter((o) => o.silent)
    .map(({ device }) => ({
      deviceId: device.deviceId,
      location: device.location,
      ...(device.lastSeenAt === undefined ? {} : { lastSeenAt: device.lastSeenAt }),
    }))
    .sort(
      (a, b) => (a.lastSeenAt ?? -Infinity) - (b.lastSeenAt ?? -Infinity) || a.location.localeCompare(b.location, 'vi') || (a.deviceId < b.deviceId ? -1 : 1),
    );
  return { asOf, silentAfterMs, registered: active.length, heard: active.length - silent.length, silent };
}

const LABELS = {
  title: { vi: 'Điểm quét im lặng (không liên lạc với máy chủ)', en: 'Silent scan points (not heard from by the hub)' },
  heard: { vi: 'Có liên lạc trong', en: 'Heard from within' },
  registered: { vi: 'điểm quét đã đăng ký', en: 'registered scan points' },
  asOf: { vi: 'tính đến lúc lập báo cáo', en: 'as of the report’s making' },
  none: { vi: 'Không có', en: 'None' },
  location: { vi: 'Địa điểm', en: 'Location' },
  device: { vi: 'Thiết bị', en: 'Device' },
  lastSeen: { vi: 'Liên lạc lần cuối', en: 'Last seen' },
  never: { vi: 'chưa bao giờ', en: 'never' },
} as const satisfies Record<string, BilingualLabel>;

const label = (l: BilingualLabel): string => `${escapeHtml(l.vi)} <span class="en">/ ${escapeHtml(l.en)}</span>`;
const vnDateTime = (ms: number): string => `${vnDisplayDate(vnDayOf(ms))} ${new Date(ms + VN_OFFSET_MS).toISOString().slice(11, 16)}`;
const thresholdText = (ms: number): string => (ms % (24 * 3600_000) === 0 ? `${ms / (24 * 3600_000)} ngày / days` : compactAge(ms));

/** The section of the HTML report (its styles are the report's). */
export function silentHtml(section: SilentReport): string {
  const rows = section.silent
    .map(
      (s) =>
        `<tr><td>${escapeHtml(locationName(s.location))}</td><td>${escapeHtml(s.deviceId)}</td><td>${s.lastSeenAt === undefined ? label(LABELS.never) : vnDateTime(s.lastSeenAt)}</td></tr>`,
    )
    .join('\n');
  const body =
    section.silent.length === 0
      ? `<p>${label(LABELS.none)}</p>`
      : `<table><thead><tr><th>${label(LABELS.location)}</th><th>${label(LABELS.device)}</th><th>${label(LABELS.lastSeen)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<section>
<h2>${label(LABELS.title)}</h2>
<div class="kpi"><div>${label(LABELS.heard)} ${escapeHtml(thresholdText(section.silentAfterMs))}<b>${section.heard.toLocaleString('vi-VN')} / ${section.registered.toLocaleString('vi-VN')}</b></div></div>
<p>${label(LABELS.asOf)}: ${vnDateTime(section.asOf)}. <b>${section.silent.length.toLocaleString('vi-VN')}</b> / ${section.registered.toLocaleString('vi-VN')} ${label(LABELS.registered)}</p>
${body}
</section>`;
}

/**
 * The section as CSV of its own (`--silent-csv`): one `heard` row with the counts, then a
 * `silent` row per kiosk with its last sighting (Vietnam time, ISO 8601; empty: never).
 */
export const SILENT_CSV_HEADER = [
  'section',
  'location',
  'scan_point',
  'last_seen',
  'silent_after_hours',
  'scan_points_registered',
  'scan_points_heard',
  'as_of',
];

export function silentCsv(section: SilentReport): string {
  const iso = (ms: number): string => new Date(ms + VN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+07:00');
  const hours = section.silentAfterMs / 3600_000;
  const rows: (string | number)[][] = [
    ['heard', '', '', '', hours, section.registered, section.heard, iso(section.asOf)],
    ...section.silent.map((s) => ['silent', s.location, s.deviceId, s.lastSeenAt === undefined ? '' : iso(s.lastSeenAt), hours, '', '', iso(section.asOf)]),
  ];
  return `${[SILENT_CSV_HEADER.join(','), ...rows.map((cells) => cells.map(csvCell).join(','))].join('\r\n')}\r\n`;
}
