import { describe, expect, it } from 'vitest';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const MIDNIGHT = Date.parse('2021-10-20T00:00:00+07:00');
const source = { kind: 'wedge', deviceId: 'keyboard' } as const;

describe('KioskCore.getTodayStats: today’s decisions for the operator', () => {
  it('counts the entries of Vietnam’s calendar day by colour and by credential kind, not yesterday’s', async () => {
    let now = MIDNIGHT - 60_000; // 23:59 the day before
    const core = KioskCore.open({ dataDir: tempDataDir('chot-stats-'), demo: true, now: () => now });
    const card = (label: string): string => demoCards().find((c) => c.label === label)?.qrText ?? '';
    await core.submitScan({ source, text: card('Nguyễn Văn An') });
    now = MIDNIGHT; // 00:00 exactly counts as today
    await core.submitScan({ source, text: card('Nguyễn Văn An') });
    now = MIDNIGHT + 9 * 3600_000;
    await core.submitScan({ source, text: card('Phạm Minh Đức') });
    await core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: '056089001234' });
    await core.submitScan({ source, text: 'not a code at all' });
    const stats = await core.getTodayStats();
    core.close();
    expect(stats).toEqual({
      date: '2021-10-20',
      total: 4,
      byOutcome: { green: 2, yellow: 0, red: 1, none: 1 },
      byCredentialKind: { 'cccd-qr': 2, manual: 1, unknown: 1 },
    });
  });

  it('starts at zero on a new day', async () => {
    let now = MIDNIGHT + 3600_000;
    const core = KioskCore.open({ dataDir: tempDataDir('chot-stats-'), demo: true, now: () => now });
    await core.submitScan({ source, text: demoCards()[0]?.qrText ?? '' });
    expect((await core.getTodayStats()).total).toBe(1);
    now += 24 * 3600_000;
    expect(await core.getTodayStats()).toEqual({ date: '2021-10-21', total: 0, byOutcome: { green: 0, yellow: 0, red: 0, none: 0 }, byCredentialKind: {} });
    core.close();
  });
});
