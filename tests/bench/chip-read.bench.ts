import type { ChipAccessKey } from '../../domain/chip/chip-access.js';
import { readChip, type ChipReadResult } from '../../domain/chip/read-chip.js';
import { parseCertificate } from '../../domain/chip/x509.js';
import type { ChipCard } from '../../drivers/chip/chip-card.js';
import { ChipReaderDriver } from '../../drivers/chip/chip-reader.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';
import { NodePcscBinding } from '../../drivers/chip/node-pcsc-binding.js';
import { nodeChipSignatureVerifier } from '../../drivers/chip/node-signature-verifier.js';
import { ChipEmulator, chipEmulatorUnavailable, PrivatePcscd, VIRTUAL_READERS } from '../support/chip-emulator.js';
import { certificateDer } from '../support/chip-samples.js';
import { percentile, round, type Benchmark } from './bench-types.js';
import { envCount, figureCollector } from './support/figures.js';

const NAME = 'chip-read';

/**
 * The emulator's sample card: ID 001095000225, so CAN 000225 (its last 6 digits) and the MRZ
 * key 095000225 / 950810 / 350810.
 */
const PACE_CAN: ChipAccessKey = { can: '000225' };
const BAC_MRZ: ChipAccessKey = { mrzCandidates: [{ documentNumber: '095000225', dateOfBirth: '950810', dateOfExpiry: '350810' }] };

/** The two ways a gate opens a chip: the emulator as it starts (PACE on offer), and with `--no-pace` (a BAC-only chip). */
const SERIES = [
  { label: 'PACE-CAN', handshake: 'PACE (CAN, brainpoolP256r1, AES-128)', key: PACE_CAN, args: [] as string[], access: 'pace-can' },
  { label: 'BAC', handshake: 'BAC (MRZ, 3DES)', key: BAC_MRZ, args: ['--no-pace'], access: 'bac' },
] as const;

/** The gate's goals for a read without and with the photo (README, "Performance"), on p95. */
const GOAL_WITHOUT_PHOTO_MS = 300;
const GOAL_WITH_PHOTO_MS = 600;
/** The files every sample reads; DG14/DG15 are reported only when the card has them. */
const FILES = ['EF.COM', 'DG1', 'DG2', 'DG13', 'DG14', 'DG15', 'EF.SOD'] as const;

/**
 * A whole chip read over the real PC/SC stack (the smartcard addon, a private pcscd,
 * vsmartcard's reader and the ICAO 9303 card emulator): the handshake, then EF.COM, DG1, DG2
 * (the synthetic photo, ~22 KB), DG13, DG14/DG15 if present, EF.SOD, and passive
 * authentication — each step timed by readChip itself, each sample a fresh card insertion
 * (the emulator restarted), as at a gate. Two series: PACE with the CAN, and BAC with the
 * MRZ on a card started with `--no-pace`.
 *
 * The emulator answers far faster than a real chip over NFC (its README: a 20–30 KB photo
 * takes 2–6 s on a real card): these figures are this code's and PC/SC's share only, the
 * floor under a real read, not a prediction of it.
 */
export const chipRead: Benchmark = {
  name: NAME,
  description:
    'chip ID card read over pcscd + the card emulator, PACE-CAN and BAC: handshake, each file, secure-messaging read rate, the gate goal totals (median, p95)',
  async run() {
    const { figures, figure } = figureCollector(NAME);
    const unavailable = chipEmulatorUnavailable();
    if (unavailable !== undefined) {
      process.stderr.write(`${NAME}: ${unavailable}, skipped\n`);
      return figures;
    }
    const count = envCount('CHOT_BENCH_CHIP_READS', 10);
    const pcscd = await PrivatePcscd.start();
    const handle = await new ChipReaderDriver(new NodePcscBinding(), { readers: (name) => name === VIRTUAL_READERS[0] }).open();
    let waiting: ((card: ChipCard) => void) | undefined;
    let removing: (() => void) | undefined;
    handle.onCardInserted((card) => waiting?.(card));
    handle.onCardRemoved(() => removing?.());
    try {
      for (const series of SERIES) {
        const reads: ChipReadResult[] = [];
        const totals: number[] = [];
        let emulator: ChipEmulator | undefined;
        try {
          for (let i = 0; i < count; i++) {
            const inserted = new Promise<ChipCard>((resolve) => (waiting = resolve));
            // The first insertion makes the card's data and PKI; the next ones restart the same card (a re-insertion).
            if (emulator === undefined) emulator = await ChipEmulator.start(pcscd, { args: series.args });
            else await emulator.restart();
            const card = await inserted;
            const start = performance.now();
            const result = await readChip({
              transmit: (command) => card.transmit(command),
              crypto: nodeChipCrypto,
              verifier: nodeChipSignatureVerifier,
              trustedCscas: [parseCertificate(certificateDer(emulator.cscaPath))],
              scanTime: Date.now(),
              clock: () => performance.now(),
              key: series.key,
              readPhoto: true,
            });
            totals.push(performance.now() - start);
            if (result.access !== series.access) throw new Error(`${series.label} read ${i}: opened by ${result.access}`);
            if (result.passive.outcome !== 'chip-verified') throw new Error(`${series.label} read ${i}: ${result.passive.outcome}`);
            reads.push(result);
            // The next insertion must find the reader empty, as pcscd sees it.
            const removed = new Promise<void>((resolve) => (removing = resolve));
            await emulator.kill();
            await removed;
          }
        } finally {
          await emulator?.dispose();
        }
        reportSeries(series, reads, totals, figure);
      }
    } finally {
      await handle.close();
      await pcscd.dispose();
    }
    return figures;
  },
};

type Figure = ReturnType<typeof figureCollector>['figure'];

function reportSeries(series: (typeof SERIES)[number], reads: readonly ChipReadResult[], totals: readonly number[], figure: Figure): void {
  const { label } = series;
  const ms = (step: string) => (read: ChipReadResult) => read.timings.find((timing) => timing.step === step)?.ms;
  const stat = (metric: string, samples: readonly number[], goalMs?: number): void => {
    if (samples.length === 0) return;
    figure(`${metric} median`, round(percentile(samples, 50)), 'ms', undefined, samples.length);
    const p95 = round(percentile(samples, 95));
    figure(`${metric} p95`, p95, 'ms', goalMs === undefined ? undefined : { text: `p95 ≤ ${goalMs} ms`, met: p95 <= goalMs }, samples.length);
  };
  const present = (values: readonly (number | undefined)[]): number[] => values.filter((value): value is number => value !== undefined);

  stat(`${label} handshake, ${series.handshake}`, present(reads.map(ms('handshake'))));
  for (const file of FILES) stat(`${label} ${file}`, present(reads.map(ms(file))));
  // Secure-messaging read rate: DG2 is by far the largest file, so its bytes over its time.
  const rates = present(
    reads.map((read) => {
      const dg2 = read.timings.find((timing) => timing.step === 'DG2');
      return dg2?.bytes === undefined || dg2.ms <= 0 ? undefined : dg2.bytes / 1024 / (dg2.ms / 1000);
    }),
  );
  const dg2Bytes = reads[0]?.timings.find((timing) => timing.step === 'DG2')?.bytes;
  if (rates.length > 0)
    figure(
      `${label} secure-messaging read rate (DG2 ${dg2Bytes ?? '?'} bytes / its ms) median`,
      round(percentile(rates, 50), 1),
      'KiB/s',
      undefined,
      rates.length,
    );
  const sum =
    (steps: readonly string[]) =>
    (read: ChipReadResult): number =>
      steps.reduce((total, step) => total + (ms(step)(read) ?? 0), 0);
  stat(`${label} handshake + DG1 + DG13 + EF.SOD`, reads.map(sum(['handshake', 'DG1', 'DG13', 'EF.SOD'])), GOAL_WITHOUT_PHOTO_MS);
  stat(`${label} handshake + DG1 + DG13 + EF.SOD + DG2`, reads.map(sum(['handshake', 'DG1', 'DG13', 'EF.SOD', 'DG2'])), GOAL_WITH_PHOTO_MS);
  stat(`${label} whole read (with EF.COM, application selection, passive authentication)`, totals);
}
