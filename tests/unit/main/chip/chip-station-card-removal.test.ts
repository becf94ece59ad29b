import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { ChipStation } from '../../../../main/chip/chip-station.js';
import { chipSamplesUnavailable } from '../../../support/chip-samples.js';
import { AN, AN_QR, chipStationKit, LANE, READER, SPEC } from './chip-station-kit.js';

/** The chip card at the gate (chip-station-kit.ts): a card taken away mid-read, a card that stops answering, a key that waits too long. */
const unavailable = chipSamplesUnavailable();

describe.skipIf(unavailable !== null)(
  `the chip station: card removal and timing${unavailable === null ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 30_000 },
  () => {
    const { opened, kiosk } = chipStationKit();

    it('the card removed mid-read: a none verdict “card removed”, and the reader reads the next card', async () => {
      const k = await kiosk();
      await k.scanQr(AN_QR);
      const first = k.card();
      let reached!: () => void;
      const atFiles = new Promise<void>((resolve) => (reached = resolve));
      // The card stops in the middle of its files (the first protected command never answers) until it is taken away.
      first.holdNextFileCommand = { reached, until: new Promise<void>(() => undefined) };
      k.insert(first);
      await atFiles;
      k.binding.removeCard(READER);
      await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
      expect(k.verdicts()[0]).toMatchObject({ outcome: 'none', credentialKind: 'chip', authenticity: 'none', reasons: [{ code: 'chip.card-removed' }] });
      expect(k.log.get(k.verdicts()[0]?.entrySeq ?? 0)).toMatchObject({ personId: AN.id12, reasonCodes: ['chip.card-removed'] });
      k.insert(k.card());
      await vi.waitFor(() => expect(k.verdicts()).toHaveLength(2));
      expect(k.verdicts()[1]).toMatchObject({ outcome: 'green', authenticity: 'chip-verified' });
    });

    it('the card removed mid-read: its key waits afresh from then, so the card put back after the first wait is read', async () => {
      const ttlMs = 4_000;
      const k = await kiosk({ keyTtlMs: ttlMs });
      const scannedAt = Date.now();
      await k.scanQr(AN_QR);
      const first = k.card();
      let reached!: () => void;
      const atFiles = new Promise<void>((resolve) => (reached = resolve));
      first.holdNextFileCommand = { reached, until: new Promise<void>(() => undefined) };
      k.insert(first);
      await atFiles;
      await sleep(scannedAt + ttlMs / 2 - Date.now());
      k.binding.removeCard(READER);
      await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
      expect(k.verdicts()[0]).toMatchObject({ reasons: [{ code: 'chip.card-removed' }] });
      // Past the wait counted from the QR: the key still waits, until a whole wait after the removal.
      await sleep(scannedAt + ttlMs + 300 - Date.now());
      const waiting = k.chipStates().at(-1);
      expect(waiting).toMatchObject({ phase: 'waiting-for-card', lane: LANE });
      expect(waiting?.phase === 'waiting-for-card' ? waiting.untilMs : 0).toBeGreaterThan(scannedAt + ttlMs + ttlMs / 4);
      k.insert(k.card());
      await vi.waitFor(() => expect(k.verdicts()).toHaveLength(2));
      expect(k.verdicts()[1]).toMatchObject({ outcome: 'green', authenticity: 'chip-verified' });
    });

    it('a card that stops answering: the read ends at its timeout with a none verdict, never a hang', async () => {
      const k = await kiosk();
      await k.scanQr(AN_QR);
      const chip = k.card();
      chip.holdNextFileCommand = { reached: () => undefined, until: new Promise<void>(() => undefined) };
      opened.pop();
      await k.station.close();
      const station = await ChipStation.start({
        specs: [{ ...SPEC, readTimeoutMs: 300 }],
        core: k.core,
        dataDir: k.dataDir,
        now: Date.now,
        binding: k.binding,
        reader: { apduTimeoutMs: 10_000 },
      });
      opened.push({ station, core: k.core });
      await k.scanQr(AN_QR);
      k.insert(chip);
      await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1), { timeout: 5_000 });
      expect(k.verdicts()[0]).toMatchObject({ outcome: 'none', reasons: [{ code: 'chip.timeout' }] });
    });

    it('no key after 60 s: the screen goes idle, and a card put on the reader then needs a key', async () => {
      const k = await kiosk();
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      await k.scanQr(AN_QR);
      expect(k.chipStates().at(-1)?.phase).toBe('waiting-for-card');
      vi.advanceTimersByTime(59_000);
      expect(k.chipStates().at(-1)?.phase).toBe('waiting-for-card');
      vi.advanceTimersByTime(1_000);
      expect(k.chipStates().at(-1)).toEqual({ phase: 'idle', lane: LANE });
      vi.useRealTimers();
      const chip = k.card();
      k.insert(chip);
      await vi.waitFor(() => expect(k.chipStates().at(-1)?.phase).toBe('needs-key'));
      expect(k.verdicts()).toEqual([]);
      expect(chip.commands).toEqual([]);
    });
  },
);
