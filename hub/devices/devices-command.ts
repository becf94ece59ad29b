import { terminalJson, terminalText } from '../../domain/text/terminal-text.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { assertHubStorageExists, describeHubStorage, openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import { compactAge, overviewOf, SILENT_FLAG, type DeviceOverview } from './device-overview.js';

export const DEVICES_HELP = `  devices [--pg URL] [--json] [--silent-after 7d]
             (admin) the enrolled kiosks and what each last told the hub: last seen (any
             signed request), data age, upload backlog, flags, rule set, app version and
             location; "silent" marks an active kiosk not heard from for --silent-after
             (s, m, h or d; default 7d). --json: the same, with exact times`;

export interface DevicesCommandOptions {
  readonly location: HubStorageLocation;
  readonly json: boolean;
  readonly silentAfterMs: number;
  readonly stdout: { write(text: string): unknown };
  readonly now?: () => number;
}

/** `chot hub devices`: a table (or JSON) of every kiosk, revoked ones too. Exit code 0. */
export async function runDevicesCommand(options: DevicesCommandOptions): Promise<number> {
  assertHubStorageExists(options.location);
  const storage = await openHubStorage(options.location);
  let devices;
  try {
    devices = await storage.deviceStatus.listDeviceStatus();
  } finally {
    await storage.close();
  }
  const now = (options.now ?? Date.now)();
  const overviews = devices.map((device) => overviewOf(device, now, options.silentAfterMs));
  if (options.json) {
    options.stdout.write(`${terminalJson(devicesJson(overviews, now, options.silentAfterMs), 2)}\n`);
    return 0;
  }
  if (overviews.length === 0) {
    options.stdout.write(`no kiosks enrolled (${describeHubStorage(options.location)})\n`);
    return 0;
  }
  options.stdout.write(devicesTable(overviews));
  const silent = overviews.filter((o) => o.silent).length;
  const active = overviews.filter((o) => !o.device.revoked).length;
  options.stdout.write(`\n${active - silent} of ${active} active kiosks heard from within ${compactAge(options.silentAfterMs)}; ${silent} silent\n`);
  return 0;
}

const HEADER = ['DEVICE', 'STATUS', 'LAST SEEN', 'DATA AGE', 'BACKLOG', 'RULE SET', 'APP', 'FLAGS', 'LOCATION'];

/**
 * The table: every value from a kiosk or an operator (location, rule set, version, flags) made
 * safe for the terminal. The location, the only column of free width, goes last.
 */
export function devicesTable(overviews: readonly DeviceOverview[]): string {
  const rows = [
    HEADER,
    ...overviews.map(({ device, silent, lastSeenAgeMs, dataAgeMs }) => {
      const report = device.report;
      const flags = [...(silent ? [SILENT_FLAG] : []), ...(report?.flags ?? [])];
      return [
        device.deviceId,
        device.revoked ? 'revoked' : 'active',
        lastSeenAgeMs === undefined ? 'never' : `${compactAge(lastSeenAgeMs)} ago`,
        dataAgeMs === undefined ? '-' : compactAge(dataAgeMs),
        report?.backlog === undefined ? '-' : String(report.backlog),
        report?.ruleSet === undefined ? '-' : `${report.ruleSet.id}@${report.ruleSet.version}`,
        report?.app ?? '-',
        flags.length === 0 ? '-' : flags.join(','),
        device.location,
      ].map(terminalText);
    }),
  ];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const last = HEADER.length - 1;
  return rows.map((row) => row.map((cell, i) => (i < last ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')).join('\n') + '\n';
}

/** The JSON: instants as Vietnam-time ISO strings, ages in seconds, absent values null. */
export function devicesJson(overviews: readonly DeviceOverview[], nowMs: number, silentAfterMs: number): unknown {
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : toVietnamIso(ms));
  const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.floor(ms / 1000));
  return {
    generatedAt: toVietnamIso(nowMs),
    silentAfterSeconds: silentAfterMs / 1000,
    devices: overviews.map(({ device, silent, lastSeenAgeMs, dataAgeMs }) => ({
      deviceId: device.deviceId,
      location: device.location,
      status: device.revoked ? 'revoked' : 'active',
      silent,
      enrolledAt: iso(device.enrolledAt),
      lastSeenAt: iso(device.lastSeenAt),
      lastSeenAgeSeconds: seconds(lastSeenAgeMs),
      lastUploadAt: iso(device.lastUploadAt),
      reportedAt: iso(device.reportedAt),
      dataSyncedAt: iso(device.report?.syncedAt),
      dataAgeSeconds: seconds(dataAgeMs),
      dataSeq: device.report?.seq ?? null,
      backlog: device.report?.backlog ?? null,
      ruleSet: device.report?.ruleSet ?? null,
      appVersion: device.report?.app ?? null,
      flags: device.report?.flags ?? [],
    })),
  };
}
