import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChipReadingState } from '../../../../domain/contract/chip-reading.js';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import type { Verdict } from '../../../../domain/verdict/verdict.js';
import { startKioskRuntime, type KioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import type { ChipEmulator } from '../../../support/chip-emulator.js';
import { chipEmulatorUnavailable, emulatorTrustedBy, PrivatePcscd, VIRTUAL_READERS } from '../../../support/chip-emulator.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { memoryLogger } from '../../../support/memory-logger.js';

/**
 * The chip card at the gate over the real PC/SC stack: the kiosk runtime with a chip card
 * reader in its devices config, the `smartcard` addon, a pcscd of this file's own, vsmartcard's
 * virtual reader and the ICAO 9303 card emulator (../shared/peers/chip-emulator) holding its
 * fictitious Vietnamese sample, whose EF.SOD its throw-away CSCA signed — the CSCA the kiosk
 * trusts in `<data>/trust/csca/`. The emulator answers at a real contactless card's pace
 * (`--no-fast-socket`, some 44 ms a command), so a read lasts seconds and can be cut short.
 */
const unavailable = chipEmulatorUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const READER = VIRTUAL_READERS[0];
/** make_vn_sample.py's person, as the QR printed on the card: ID 001095000225, born 10/08/1995, issued 01/01/2022. */
const SAMPLE_QR = '001095000225||Nguyễn Văn A|10081995|Nam|Số 1 Phố Huế, Hoàn Kiếm, Hà Nội|01012022';
const SAMPLE_ID = '001095000225';

describe.runIf(unavailable !== undefined && inCi)('the chip station over the real PC/SC stack: set-up', () => {
  it('has what it needs in CI', () => {
    throw new Error(`the chip card emulator cannot run in CI: ${unavailable ?? ''}`);
  });
});

describe.skipIf(unavailable !== undefined)(
  `the chip station over the real PC/SC stack${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 240_000 },
  () => {
    let pcscd: PrivatePcscd;
    let emulator: ChipEmulator;
    let runtime: KioskRuntime;
    let log: EntryLog;
    const dataDir = tempDataDir();
    const logger = memoryLogger('debug');
    const events: KioskEvent[] = [];
    const chipVerdicts = (): Verdict[] => events.flatMap((event) => (event.name === 'verdict' && event.source.kind === 'chip' ? [event.verdict] : []));
    const chipStates = (): ChipReadingState[] => events.flatMap((event) => (event.name === 'chip' ? [event.state] : []));

    beforeAll(async () => {
      pcscd = await PrivatePcscd.start();
      emulator = await emulatorTrustedBy(pcscd, dataDir, { args: ['--no-fast-socket'] });
      runtime = await startKioskRuntime({
        dataDir,
        logger,
        devicesConfig: { devices: [{ kind: 'chip-reader', path: READER, lane: '1', direction: 'in' }], gates: {} },
        // A loaded machine reads the emulated card slowly: the key waits long enough for two reads in a row.
        chipTimings: { readTimeoutMs: 60_000, keyTtlMs: 180_000, reader: { reopenBackoff: { minMs: 100, maxMs: 500 } } },
      });
      runtime.core.onEvent((event) => events.push(event));
      log = new EntryLog(openKioskDatabase(join(dataDir, 'kiosk.sqlite')));
      await vi.waitFor(() => expect(runtime.chip?.statuses()[0]?.state).toBe('ready'), { timeout: 30_000 });
    }, 90_000);

    // A failure on a loaded machine is read from what the kiosk logged.
    afterEach((context) => {
      if (context.task.result?.state === 'fail')
        process.stderr.write(`kiosk log:\n${logger.lines.slice(-60).join('\n')}\nemulator: ${emulator.log.slice(-1_000)}\n`);
    });

    afterAll(async () => {
      await runtime?.close();
      await emulator?.dispose();
      await pcscd?.dispose();
    });

    it('the card QR, then the card: read with the CAN from the QR, chip-verified under the trusted CSCA, logged as a chip entry', async () => {
      const qr = await runtime.core.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: SAMPLE_QR });
      expect(qr.credentialKind).toBe('cccd-qr');
      expect(chipStates().at(-1)).toMatchObject({ phase: 'waiting-for-card', lane: '1', forEntrySeq: qr.entrySeq });
      await emulator.restart();
      await vi.waitFor(() => expect(chipVerdicts()).toHaveLength(1), { timeout: 60_000 });
      const [verdict] = chipVerdicts();
      expect(verdict).toMatchObject({
        credentialKind: 'chip',
        authenticity: 'chip-verified',
        subject: { name: 'Nguyễn Văn A', birthYear: 1995, idTail: '0225' },
        chip: { accessPath: 'pace-can', passive: 'chip-verified', photo: { mime: 'image/jpeg' } },
      });
      expect(log.get(verdict?.entrySeq ?? 0)).toMatchObject({
        sourceKind: 'chip',
        sourceDeviceId: READER,
        credentialKind: 'chip',
        authenticity: 'chip-verified',
        personId: SAMPLE_ID,
        // The emulator's throw-away document signer, by issuer and serial.
        documentSigner: expect.stringMatching(/#[0-9a-f]+$/),
      });
      expect(chipStates().some((state) => state.phase === 'reading' && state.step === 'photo' && (state.bytesExpected ?? 0) > 10_000)).toBe(true);
      await vi.waitFor(() => expect(chipStates().at(-1)).toEqual({ phase: 'idle', lane: '1' }));
      // The device line: the reader works, and read last just now.
      const status = await runtime.core.getKioskStatus();
      expect(status.devices).toEqual([expect.objectContaining({ id: READER, kind: 'chip-reader', state: 'ready', lane: '1' })]);
      expect(status.deviceLine).toBeUndefined();
    });

    it('the card taken out mid-read: a none verdict, and put back it is read again', async () => {
      await emulator.kill();
      await vi.waitFor(() => expect(chipStates().at(-1)?.phase).toBe('idle'));
      const before = chipVerdicts().length;
      await runtime.core.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: SAMPLE_QR });
      await emulator.restart();
      await vi.waitFor(() => expect(chipStates().at(-1)).toMatchObject({ phase: 'reading', step: 'photo' }), { timeout: 30_000 });
      await emulator.kill();
      await vi.waitFor(() => expect(chipVerdicts()).toHaveLength(before + 1), { timeout: 30_000 });
      const removed = chipVerdicts().at(-1);
      expect(removed).toMatchObject({ outcome: 'none', credentialKind: 'chip', authenticity: 'none', reasons: [{ code: 'chip.card-removed' }] });
      expect(log.get(removed?.entrySeq ?? 0)).toMatchObject({ sourceKind: 'chip', credentialKind: 'chip', personId: SAMPLE_ID, outcome: 'none' });
      // The key from the QR still waits: the card put back is read again.
      await emulator.restart();
      await vi.waitFor(() => expect(chipVerdicts()).toHaveLength(before + 2), { timeout: 90_000 });
      expect(chipVerdicts().at(-1)).toMatchObject({ credentialKind: 'chip', authenticity: 'chip-verified' });
    });

    it('the card first: it needs a key; the CAN typed by staff opens it', async () => {
      await emulator.kill();
      await vi.waitFor(() => expect(chipStates().at(-1)?.phase).toBe('idle'));
      const before = chipVerdicts().length;
      await emulator.restart();
      await vi.waitFor(() => expect(chipStates().at(-1)).toEqual({ phase: 'needs-key', lane: '1', reader: READER }), { timeout: 30_000 });
      expect(await runtime.core.enterChipCan({ can: '000225' })).toEqual({ ok: true });
      await vi.waitFor(() => expect(chipVerdicts()).toHaveLength(before + 1), { timeout: 60_000 });
      const verdict = chipVerdicts().at(-1);
      expect(verdict).toMatchObject({ credentialKind: 'chip', authenticity: 'chip-verified', chip: { accessPath: 'pace-can' } });
      expect(log.get(verdict?.entrySeq ?? 0)).toMatchObject({ personId: SAMPLE_ID, sourceKind: 'chip' });
    });
  },
);
