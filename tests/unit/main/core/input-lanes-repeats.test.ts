import { afterEach, describe, expect, it } from 'vitest';
import type { ScanSubmission } from '../../../../domain/contract/kiosk-api.js';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import { KioskCore, type KioskCoreOptions } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { parseDevicesConfig } from '../../../../main/devices/devices-file.js';
import { kioskLogRows } from '../../../support/kiosk-log.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { memoryLogger } from '../../../support/memory-logger.js';

const qr = (name: string): string => demoCards().find((card) => card.label === name)?.qrText ?? '';
const AN = qr('Nguyễn Văn An');
const wedge = (text: string): ScanSubmission => ({ source: { kind: 'wedge', deviceId: 'keyboard' }, text });
const camera = (text: string): ScanSubmission => ({ source: { kind: 'camera', deviceId: 'camera' }, text });
const serial = (text: string, deviceId = '/dev/ttyACM0'): ScanEvent => ({ source: { kind: 'serial', deviceId }, text, at: new Date().toISOString() });

interface Row {
  seq: number;
  source_kind: string;
  lane: string;
  direction: string;
}

const cores: KioskCore[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

/** A demo kiosk on a clock the test moves; its entries read back from its own file. */
function open(options: Partial<KioskCoreOptions> = {}) {
  const dataDir = tempDataDir();
  let nowMs = Date.now();
  const logger = memoryLogger();
  const core = KioskCore.open({ dataDir, demo: true, now: () => nowMs, logger, ...options });
  cores.push(core);
  const relays: DecidedVerdict[] = [];
  core.onVerdict((decided) => relays.push(decided));
  return {
    core,
    logger,
    relays,
    rows: () => kioskLogRows<Row>(dataDir),
    advance: (ms: number) => void (nowMs += ms),
  };
}

/** What devices.json's `inputs` gives the core, through the file's own parser. */
const inputsOf = (json: unknown) => parseDevicesConfig(JSON.stringify(json)).inputs;

describe('the wedge and the camera at their lanes (devices.json inputs)', () => {
  it('by default both are the kiosk’s lane 1, in', async () => {
    const k = open();
    await k.core.submitScan(wedge(AN));
    await k.core.submitScan(camera(qr('Trần Thị Bình')));
    expect(k.rows().map((row) => [row.source_kind, row.lane, row.direction])).toEqual([
      ['wedge', '1', 'in'],
      ['camera', '1', 'in'],
    ]);
  });

  it('logs a wedge scan and a camera scan with each one’s configured lane and direction, and the relays of that lane act', async () => {
    const inputs = inputsOf({ inputs: { wedge: { lane: '2', direction: 'boarding' }, camera: { lane: '3', direction: 'alighting' } } });
    const k = open({ ...(inputs === undefined ? {} : { inputs }), gates: { '2': { open: ['green'], openFor: ['unsigned'] } } });
    const verdict = await k.core.submitScan(wedge(AN));
    await k.core.submitScan(camera(qr('Đặng Thu Hà')));
    // A demo card is read at the screen: the wedge's lane.
    await k.core.submitScan({ source: { kind: 'manual', deviceId: 'demo-card' }, text: qr('Trần Thị Bình') });
    expect(k.rows().map((row) => [row.source_kind, row.lane, row.direction])).toEqual([
      ['wedge', '2', 'boarding'],
      ['camera', '3', 'alighting'],
      ['manual', '2', 'boarding'],
    ]);
    // Lane 2's gate policy decided it, and lane 2's relays were told.
    expect(verdict.gate.open).toBe(true);
    expect(k.relays.map((decided) => decided.lane)).toEqual(['2', '3', '2']);
    expect((await k.core.getKioskInfo()).lane).toBe('2');
  });
});

describe('staff switch the direction (setInputDirection)', () => {
  it('the next wedge and camera entries carry it, getKioskInfo says it, the log line names no person', async () => {
    const inputs = inputsOf({ inputs: { wedge: { lane: '2', direction: 'boarding' } } });
    const k = open(inputs === undefined ? {} : { inputs });
    expect((await k.core.getKioskInfo()).inputs).toEqual({ wedge: { lane: '2', direction: 'boarding' }, camera: { lane: '1', direction: 'in' } });
    await k.core.submitScan(wedge(AN));
    const result = await k.core.setInputDirection({ direction: 'alighting' });
    expect(result).toEqual({ ok: true, inputs: { wedge: { lane: '2', direction: 'alighting' }, camera: { lane: '1', direction: 'alighting' } } });
    expect((await k.core.getKioskInfo()).inputs).toEqual(result.ok ? result.inputs : undefined);
    // The same card again at once: after a switch it is a new entry, with the new direction.
    await k.core.submitScan(wedge(AN));
    await k.core.submitScan(camera(qr('Đặng Thu Hà')));
    expect(k.rows().map((row) => [row.lane, row.direction])).toEqual([
      ['2', 'boarding'],
      ['2', 'alighting'],
      ['1', 'alighting'],
    ]);
    const switched = k.logger.records.find((record) => record.message === 'staff switched the input direction');
    expect(switched?.fields).toEqual({ component: 'core', direction: 'alighting', wedgeLane: '2', cameraLane: '1' });
    expect(k.logger.lines.join('\n')).not.toContain(AN.slice(0, 12));
  });

  it('does not move a device scanner’s own lane and direction', async () => {
    const k = open();
    await k.core.setInputDirection({ direction: 'out' });
    await k.core.submitDeviceScan(serial(AN), { lane: '4', direction: 'in' });
    expect(k.rows().map((row) => [row.source_kind, row.lane, row.direction])).toEqual([['serial', '4', 'in']]);
  });
});

describe('repeats: the same code on the same input within the window is one entry', () => {
  it.each([
    ['wedge', (k: ReturnType<typeof open>) => k.core.submitScan(wedge(AN))],
    ['camera', (k: ReturnType<typeof open>) => k.core.submitScan(camera(AN))],
    ['serial', async (k: ReturnType<typeof open>) => k.core.submitDeviceScan(serial(AN), { lane: '1', direction: 'in' })],
    [
      'hid-pos',
      async (k: ReturnType<typeof open>) =>
        await k.core.submitDeviceScan({ ...serial(AN), source: { kind: 'hid-pos', deviceId: 'hid-1' } }, { lane: '1', direction: 'in' }),
    ],
  ] as const)('%s: a second read 300 ms later answers the first verdict, marked, with no entry and no relay pulse', async (_kind, read) => {
    const k = open();
    const first = await read(k);
    k.advance(300);
    const second = await read(k);
    expect(k.rows()).toHaveLength(1);
    expect(first.repeat).toBeUndefined();
    expect(second).toEqual({ ...first, repeat: true });
    expect(k.relays).toHaveLength(1);
    expect(k.logger.records.filter((record) => record.message === 'scan repeated')).toHaveLength(1);
  });

  it('the window is 3 s from the last read by default; --repeat-window sets it, 0 logs every read', async () => {
    const k = open();
    await k.core.submitScan(wedge(AN));
    k.advance(2999);
    expect((await k.core.submitScan(wedge(AN))).repeat).toBe(true);
    k.advance(3000);
    expect((await k.core.submitScan(wedge(AN))).repeat).toBeUndefined();
    expect(k.rows()).toHaveLength(2);

    const longer = open({ repeatWindowMs: 10_000 });
    await longer.core.submitScan(wedge(AN));
    longer.advance(9000);
    expect((await longer.core.submitScan(wedge(AN))).repeat).toBe(true);

    const off = open({ repeatWindowMs: 0 });
    await off.core.submitScan(wedge(AN));
    await off.core.submitScan(wedge(AN));
    expect(off.rows()).toHaveLength(2);
  });

  it('a card QR read again still hands its chip’s keys to the lane’s reader (a retry of the chip read), with no new entry', async () => {
    const k = open();
    const keys: { id12: string; lane: string; entrySeq: number }[] = [];
    k.core.onCardQrDecided(({ id12, lane, entrySeq }) => keys.push({ id12, lane, entrySeq }));
    const first = await k.core.submitDeviceScan(serial(AN), { lane: '2', direction: 'in' });
    k.advance(500);
    await k.core.submitDeviceScan(serial(AN), { lane: '2', direction: 'in' });
    expect(k.rows()).toHaveLength(1);
    expect(keys).toEqual([
      { id12: AN.slice(0, 12), lane: '2', entrySeq: first.entrySeq },
      { id12: AN.slice(0, 12), lane: '2', entrySeq: first.entrySeq },
    ]);
  });

  it('the same code on another input (the camera beside the wedge, another scanner, another lane) is another entry', async () => {
    const k = open();
    await k.core.submitScan(wedge(AN));
    await k.core.submitScan(camera(AN));
    await k.core.submitDeviceScan(serial(AN), { lane: '1', direction: 'in' });
    await k.core.submitDeviceScan(serial(AN, '/dev/ttyACM1'), { lane: '1', direction: 'in' });
    await k.core.submitDeviceScan(serial(AN), { lane: '2', direction: 'in' });
    expect(k.rows()).toHaveLength(5);
  });
});
