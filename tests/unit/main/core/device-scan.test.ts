import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { DeviceStatus } from '../../../../drivers/device.js';
import { KioskCore, type KioskCoreOptions } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const qr = (name: string): string => demoCards().find((card) => card.label === name)?.qrText ?? '';
const serialScan = (text: string): ScanEvent => ({ source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, text, at: new Date().toISOString() });

const cores: KioskCore[] = [];
/** Entries committed, read through a connection of its own: what a crash right now would keep. */
function committedEntries(dataDir: string): number {
  const db = new Database(join(dataDir, 'kiosk.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM entry').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});
function open(options: Partial<KioskCoreOptions> = {}): KioskCore {
  const core = KioskCore.open({ dataDir: tempDataDir(), demo: true, ...options });
  cores.push(core);
  return core;
}

describe('KioskCore device hooks', () => {
  it('decides a device scan at its lane and direction, and commits it before anyone hears of it', async () => {
    const dataDir = tempDataDir();
    // Lane 3 is manned and opted in to open on an unsigned green (a CCCD QR) without a confirm.
    const core = open({ dataDir, gates: { '3': { open: ['green'], openFor: ['signed-valid', 'unsigned'] } } });
    const heard: { decided: DecidedVerdict; committed: number }[] = [];
    const stats = async (): Promise<number> => (await core.getTodayStats()).total;
    core.onVerdict((decided) => heard.push({ decided, committed: committedEntries(dataDir) }));
    const events: KioskEvent[] = [];
    core.onEvent((event) => events.push(event));
    const verdict = await core.submitDeviceScan(serialScan(qr('Nguyễn Văn An')), { lane: '3', direction: 'out' });
    expect(verdict.outcome).toBe('green');
    expect(verdict.gate.open).toBe(true);
    expect(await stats()).toBe(1);
    expect(heard.map((h) => [h.decided.lane, h.decided.direction, h.decided.verdict.entrySeq, h.committed])).toEqual([['3', 'out', verdict.entrySeq, 1]]);
    expect(events).toEqual([{ name: 'verdict', verdict, source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, lane: '3', direction: 'out' }]);
  });

  it('tells the screen its own lane, so it answers only that lane’s chip card reader', async () => {
    expect((await open({ gate: { lane: '4', direction: 'out' } }).getKioskInfo()).lane).toBe('4');
    expect((await open().getKioskInfo()).lane).toBe('1');
  });

  it('applies the lane’s gate policy to verdict.gate.open', async () => {
    const core = open({ gates: { '2': { open: ['green', 'yellow'], openFor: ['signed-valid', 'unsigned'] } } });
    const yellow = qr('Trần Thị Bình');
    expect((await core.submitDeviceScan(serialScan(yellow), { lane: '2', direction: 'in' })).gate.open).toBe(true);
    expect((await core.submitDeviceScan(serialScan(yellow), { lane: '1', direction: 'in' })).gate.open).toBe(false);
    expect((await core.submitDeviceScan(serialScan(qr('Phạm Minh Đức')), { lane: '2', direction: 'in' })).gate.open).toBe(false);
  });

  it('tells the relays of wedge verdicts (the kiosk’s own lane) but does not push them to the screen that asked', async () => {
    const core = open({ gate: { lane: '5', direction: 'in' } });
    const heard: DecidedVerdict[] = [];
    const events: KioskEvent[] = [];
    core.onVerdict((decided) => heard.push(decided));
    core.onEvent((event) => events.push(event));
    await core.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: qr('Nguyễn Văn An') });
    expect(heard.map((decided) => [decided.lane, decided.verdict.outcome])).toEqual([['5', 'green']]);
    expect(events).toEqual([]);
  });

  it('a listener that throws does not undo the verdict', async () => {
    const core = open();
    core.onVerdict(() => {
      throw new Error('relay on fire');
    });
    expect((await core.submitDeviceScan(serialScan(qr('Nguyễn Văn An')), { lane: '1', direction: 'in' })).outcome).toBe('green');
  });

  it('reports the devices and their worded line in the status, and pushes them on change', async () => {
    let statuses: DeviceStatus[] = [{ info: { id: '/dev/ttyACM0', kind: 'serial-scanner' }, state: 'ready' }];
    const core = open({ devices: () => statuses });
    const events: KioskEvent[] = [];
    core.onEvent((event) => events.push(event));
    expect((await core.getKioskStatus()).deviceLine).toBeUndefined();
    expect((await core.getKioskStatus()).devices).toEqual([{ id: '/dev/ttyACM0', kind: 'serial-scanner', state: 'ready', lane: '' }]);
    statuses = [{ info: { id: '/dev/ttyACM0', kind: 'serial-scanner' }, state: 'fault', fault: { kind: 'unplugged', message: 'EIO', at: 'x' } }];
    core.devicesChanged();
    expect(events.at(-1)).toMatchObject({
      name: 'devices',
      deviceLine: { glyph: '⚠', vi: 'Máy quét /dev/ttyACM0 bị rút ra', en: 'Scanner /dev/ttyACM0 unplugged' },
    });
    expect((await core.getKioskStatus()).deviceLine?.vi).toBe('Máy quét /dev/ttyACM0 bị rút ra');
  });

  it('has no device fields in the status of a kiosk without devices', async () => {
    const status = await open().getKioskStatus();
    expect(status.devices).toBeUndefined();
    expect(status.deviceLine).toBeUndefined();
  });
});
