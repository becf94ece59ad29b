import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChipEmulator, chipEmulatorUnavailable, PrivatePcscd, VIRTUAL_READERS } from '../../support/chip-emulator.js';
import { runChotAsync } from '../../support/run-chot.js';

/**
 * `chot devices`, the built command, over the real PC/SC stack: a pcscd of this file's own with
 * vsmartcard's two virtual readers, and the ICAO 9303 card emulator (../shared/peers/chip-emulator)
 * in the first. The command lists both readers and sees the card without opening it.
 */
const unavailable = chipEmulatorUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

interface DevicesJson {
  readonly pcsc: { readonly service: string; readonly readers: readonly { name: string; hasCard: boolean }[] };
}

describe.runIf(unavailable !== undefined && inCi)('chot devices over the real PC/SC stack: set-up', () => {
  it('has what it needs in CI', () => {
    throw new Error(`the chip card emulator cannot run in CI: ${unavailable ?? ''}`);
  });
});

describe.skipIf(unavailable !== undefined)(
  `chot devices over the real PC/SC stack${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 90_000 },
  () => {
    let pcscd: PrivatePcscd;
    let emulator: ChipEmulator | undefined;

    beforeAll(async () => {
      pcscd = await PrivatePcscd.start();
    }, 60_000);

    afterAll(async () => {
      await emulator?.dispose();
      await pcscd?.dispose();
    });

    async function devices(): Promise<DevicesJson> {
      const run = await runChotAsync(['devices', '--json']);
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout) as DevicesJson;
    }

    it('lists "Virtual PCD 00 00" with the card in it, and the empty second slot', async () => {
      emulator = await ChipEmulator.start(pcscd);
      // pcscd notices the card at its next poll of the reader: wait for that, not for a fixed time.
      await expect
        .poll(async () => (await devices()).pcsc.readers.find((reader) => reader.name === VIRTUAL_READERS[0])?.hasCard, { timeout: 30_000 })
        .toBe(true);
      const { pcsc } = await devices();
      expect(pcsc).toEqual({
        service: 'running',
        readers: [
          { name: 'Virtual PCD 00 00', hasCard: true },
          { name: 'Virtual PCD 00 01', hasCard: false },
        ],
      });
      // Listing took no card: the emulator is still there, answering its reader.
      expect(emulator.running).toBe(true);
    });
  },
);
