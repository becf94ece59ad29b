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
/** The emulator's sample card: CAN = the last 6 digits of its ID 001095000225. */
const CAN = '000225';

/**
 * A whole chip read over the real PC/SC stack (the smartcard addon, a private pcscd,
 * vsmartcard's reader and the ICAO 9303 card emulator): PACE with the CAN (brainpoolP256r1,
 * AES-128), then EF.COM, DG1, DG2 (the synthetic photo), DG13 and EF.SOD, and passive
 * authentication. Each sample is a fresh card insertion (the emulator restarted), as at a
 * gate. The emulator answers far faster than a real chip over NFC (its README: a 20–30 KB
 * photo takes 2–6 s on a real card): these figures are this code's and PC/SC's share only.
 */
export const chipRead: Benchmark = {
  name: NAME,
  description: 'chip ID card read over pcscd + the card emulator: PACE, each file, passive authentication (median, p95)',
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
    handle.onCardInserted((card) => waiting?.(card));
    const steps = new Map<string, number[]>();
    const totals: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const inserted = new Promise<ChipCard>((resolve) => (waiting = resolve));
        const emulator = await ChipEmulator.start(pcscd);
        try {
          const card = await inserted;
          const start = performance.now();
          const result: ChipReadResult = await readChip({
            transmit: (command) => card.transmit(command),
            crypto: nodeChipCrypto,
            verifier: nodeChipSignatureVerifier,
            trustedCscas: [parseCertificate(certificateDer(emulator.cscaPath))],
            scanTime: Date.now(),
            clock: () => performance.now(),
            key: { can: CAN },
            readPhoto: true,
          });
          totals.push(performance.now() - start);
          if (result.passive.outcome !== 'chip-verified') throw new Error(`read ${i}: ${result.passive.outcome}`);
          for (const timing of result.timings) steps.set(timing.step, [...(steps.get(timing.step) ?? []), timing.ms]);
        } finally {
          await emulator.dispose();
        }
      }
    } finally {
      await handle.close();
      await pcscd.dispose();
    }
    for (const [step, samples] of steps) {
      figure(`${step} median`, round(percentile(samples, 50)), 'ms', undefined, samples.length);
    }
    figure('whole read median', round(percentile(totals, 50)), 'ms', undefined, totals.length);
    figure('whole read p95', round(percentile(totals, 95)), 'ms', undefined, totals.length);
    return figures;
  },
};
