import { describe, expect, it } from 'vitest';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2021-10-20T08:00:00+07:00');

describe('KioskCore.getKioskStatus: data age and sync state for the idle screen', () => {
  it('on the demo data: fresh, state demo', async () => {
    const core = KioskCore.open({ dataDir: tempDataDir('chot-status-'), demo: true, now: () => NOW });
    const status = await core.getKioskStatus();
    core.close();
    expect(status).toMatchObject({ dataSyncedAt: NOW, dataAgeMs: 0, sync: { state: 'demo' }, staleAfterMs: 24 * HOUR, dataLine: { level: 'fresh' } });
    expect(status.dataLine.vi).toBe('Dữ liệu cập nhật vừa xong · dữ liệu demo');
  });

  it('never synced and not enrolled: unknown age', async () => {
    const core = KioskCore.open({ dataDir: tempDataDir('chot-status-'), demo: false, now: () => NOW });
    const status = await core.getKioskStatus();
    core.close();
    expect(status.dataAgeMs).toBeUndefined();
    expect(status.sync.state).toBe('not-enrolled');
    expect(status.dataLine).toMatchObject({ level: 'unknown', en: 'Data: never synced · not enrolled with a hub' });
  });

  it('grows with the clock from the last sync, reports the watermark and the sync loop’s state', async () => {
    const dataDir = tempDataDir('chot-status-');
    let now = NOW;
    const core = KioskCore.open({
      dataDir,
      demo: false,
      now: () => now,
      syncState: () => ({ state: 'offline', lastError: { code: 'hub.unreachable', message: 'connect ECONNREFUSED' } }),
    });
    // The sync applier writes on its own connection; the core reads what it committed.
    const writer = openFactsDatabase(core.factsDatabaseFile);
    new FactsStore(writer).markSynced(NOW, 42);
    writer.close();
    now = NOW + 30 * HOUR;
    const status = await core.getKioskStatus();
    core.close();
    expect(status).toMatchObject({ dataAgeMs: 30 * HOUR, watermark: 42, sync: { state: 'offline', lastError: { code: 'hub.unreachable' } } });
    expect(status.dataLine).toMatchObject({ level: 'stale', vi: 'Dữ liệu CŨ — cập nhật 30 giờ trước · mất kết nối máy chủ' });
  });

  it('carries the readiness and the rule set in force; statusChanged pushes the readiness only when it changes', async () => {
    const dataDir = tempDataDir('chot-status-');
    let now = NOW;
    const core = KioskCore.open({ dataDir, demo: false, now: () => now, syncState: () => ({ state: 'idle' }) });
    const pushed: unknown[] = [];
    core.onEvent((event) => pushed.push(event));
    const never = await core.getKioskStatus();
    expect(never.readiness.state).toBe('not-ready');
    expect(never.ruleSet).toEqual({ id: expect.any(String), version: expect.any(String) });
    core.statusChanged();
    core.statusChanged();
    expect(pushed).toEqual([{ name: 'readiness', readiness: never.readiness }]);
    const writer = openFactsDatabase(core.factsDatabaseFile);
    new FactsStore(writer).markSynced(NOW, 1);
    writer.close();
    core.statusChanged();
    now = NOW + 13 * HOUR;
    core.statusChanged();
    now = NOW + 25 * HOUR;
    core.statusChanged();
    core.close();
    expect(pushed.map((event) => (event as { readiness: { state: string } }).readiness.state)).toEqual(['not-ready', 'ready', 'out-of-date', 'not-ready']);
  });
});
