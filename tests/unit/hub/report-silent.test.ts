import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../hub/devices/device-status-store.js';
import { SILENT_CSV_HEADER, silentCsv, silentHtml, silentReportOf } from '../../../hub/reports/report-silent.js';
import { openHubStorage } from '../../../hub/storage/open-hub-storage.js';
import { runHubReport } from '../../../cli/commands/hub-report.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const NOW = Date.parse('2021-11-22T08:00:00+07:00');
const DAY = 24 * 3600_000;

const device = (deviceId: string, location: string, lastSeenAt: number | undefined, revoked = false): DeviceStatus => ({
  deviceId,
  location,
  revoked,
  enrolledAt: NOW - 60 * DAY,
  publicKeyRaw: new Uint8Array(32),
  ...(lastSeenAt === undefined ? {} : { lastSeenAt }),
});

// Cao Bằng, November 2021, in small: most registered scan points were never or long not heard from.
const DEVICES = [
  device('k-1', 'Chợ Xanh, TP Cao Bằng', NOW - 3600_000),
  device('k-2', 'Trạm y tế Quảng Hòa', NOW - 8 * DAY),
  device('k-3', '=HYPERLINK("http://x")', undefined),
  device('k-4', 'Bến xe Cao Bằng', NOW - 6 * DAY),
  device('k-5', 'Cổng cũ', undefined, true),
  device('k-6', 'Bệnh viện đa khoa <tỉnh>', NOW - 30 * DAY),
];

describe('the silent scan points of the report', () => {
  it('counts registered against heard from within the threshold; lists the silent ones, never heard from first, then the longest silent', () => {
    const section = silentReportOf(DEVICES, NOW, 7 * DAY);
    expect(section).toMatchObject({ registered: 5, heard: 2, asOf: NOW, silentAfterMs: 7 * DAY });
    expect(section.silent.map((s) => s.deviceId)).toEqual(['k-3', 'k-6', 'k-2']);
    // A shorter threshold: the kiosk seen 6 days ago is silent too.
    expect(silentReportOf(DEVICES, NOW, 5 * DAY).heard).toBe(1);
  });

  it('renders as an HTML section, escaped, with never and the last sighting in Vietnam time', () => {
    const html = silentHtml(silentReportOf(DEVICES, NOW, 7 * DAY));
    expect(html).toContain('Điểm quét im lặng');
    expect(html).toContain('Silent scan points');
    expect(html).toMatch(/<b>2 \/ 5<\/b>/);
    expect(html).toContain('Bệnh viện đa khoa &#60;tỉnh&#62;');
    expect(html).not.toContain('<tỉnh>');
    expect(html).toContain('14/11/2021 08:00');
    expect(html).toContain('chưa bao giờ');
  });

  it('renders as CSV: the counts, then a row per silent kiosk; a location a spreadsheet would run is defused', () => {
    const lines = silentCsv(silentReportOf(DEVICES, NOW, 7 * DAY)).split('\r\n');
    expect(lines[0]).toBe(SILENT_CSV_HEADER.join(','));
    expect(lines[1]).toBe('"heard","","","",168,5,2,"2021-11-22T08:00:00+07:00"');
    expect(lines[2]).toBe(`"silent","'=HYPERLINK(""http://x"")","k-3","",168,"","","2021-11-22T08:00:00+07:00"`);
    expect(lines[3]).toBe('"silent","Bệnh viện đa khoa <tỉnh>","k-6","2021-10-23T08:00:00+07:00",168,"","","2021-11-22T08:00:00+07:00"');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(6);
  });
});

describe('chot hub report with silent scan points', () => {
  it('puts the section in the HTML and writes its CSV with --silent-csv, from what the hub stored', async () => {
    const dataDir = tempDataDir('chot-hub-');
    const storage = await openHubStorage({ dataDir });
    try {
      for (const [i, id] of ['k-heard', 'k-silent', 'k-never'].entries())
        await storage.enrollment.saveDevice({
          deviceId: id,
          publicKeyRaw: new Uint8Array(randomBytes(32)),
          location: `Điểm ${i + 1}`,
          revoked: false,
          enrolledAt: NOW - 60 * DAY,
        });
      await storage.deviceStatus.recordSightings([
        { deviceId: 'k-heard', seenAt: NOW - 2 * DAY },
        { deviceId: 'k-silent', seenAt: NOW - 10 * DAY },
      ]);
    } finally {
      await storage.close();
    }
    const out = join(dataDir, 'week.html');
    const csv = join(dataDir, 'silent.csv');
    const io = { stdout: { write: () => true }, now: () => NOW };
    const period = ['--from', '2021-11-15', '--to', '2021-11-21', '--data', dataDir];
    expect(await runHubReport([...period, '--format', 'html', '--out', out, '--silent-csv', csv], io)).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Silent scan points');
    expect(html).toMatch(/<b>1 \/ 3<\/b>/);
    expect(readFileSync(csv, 'utf8').split('\r\n').slice(1, 4)).toEqual([
      '"heard","","","",168,3,1,"2021-11-22T08:00:00+07:00"',
      '"silent","Điểm 3","k-never","",168,"","","2021-11-22T08:00:00+07:00"',
      '"silent","Điểm 2","k-silent","2021-11-12T08:00:00+07:00",168,"","","2021-11-22T08:00:00+07:00"',
    ]);
    // A longer threshold: nobody heard in 10 days is silent.
    expect(await runHubReport([...period, '--silent-after', '14d', '--silent-csv', csv], io)).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n')[1]).toBe('"heard","","","",336,3,2,"2021-11-22T08:00:00+07:00"');
  });

  it('refuses a threshold that is not a duration', async () => {
    await expect(runHubReport(['--from', '2021-11-15', '--to', '2021-11-21', '--silent-after', 'week'], { stdout: { write: () => true } })).rejects.toThrow(
      /--silent-after must be a whole number/,
    );
  });
});
