import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChipCard } from '../../../../drivers/chip/chip-card.js';
import { ChipReaderDriver, PCSCD_NOT_RUNNING, type ChipReaderHandle } from '../../../../drivers/chip/chip-reader.js';
import { NodePcscBinding } from '../../../../drivers/chip/node-pcsc-binding.js';
import { DeviceFault } from '../../../../drivers/device.js';
import { ChipEmulator, chipEmulatorUnavailable, PrivatePcscd, VIRTUAL_READERS } from '../../../support/chip-emulator.js';

/**
 * The chip card reader driver over the real PC/SC stack: the `smartcard` addon, libpcsclite,
 * a pcscd of this file's own, vsmartcard's virtual reader and the ICAO 9303 card emulator in
 * ../shared/peers/chip-emulator. One driver handle lives through every card insertion and
 * removal and through a pcscd restart.
 */
const unavailable = chipEmulatorUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const apdu = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

/** Resolves with the next value a listener gets, or rejects naming what did not come. */
function next<T>(register: (listener: (value: T) => void) => void, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** The next card inserted into `reader` (the handle watches both virtual readers). */
function nextCard(handle: ChipReaderHandle, reader: string): Promise<ChipCard> {
  return next<ChipCard>((listener) => handle.onCardInserted((card) => card.reader === reader && listener(card)), `card inserted in ${reader}`);
}

function nextRemoval(handle: ChipReaderHandle, reader: string): Promise<string> {
  return next<string>((listener) => handle.onCardRemoved((name) => name === reader && listener(name)), `card removed from ${reader}`);
}

describe.runIf(unavailable !== undefined && inCi)('chip card reader over the real PC/SC stack: set-up', () => {
  it('has what it needs in CI', () => {
    throw new Error(`the chip card emulator cannot run in CI: ${unavailable ?? ''}`);
  });
});

describe.skipIf(unavailable !== undefined)(
  `chip card reader over the real PC/SC stack${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 90_000 },
  () => {
    let pcscd: PrivatePcscd;
    let handle: ChipReaderHandle;
    const emulators: ChipEmulator[] = [];

    beforeAll(async () => {
      pcscd = await PrivatePcscd.start();
      handle = await new ChipReaderDriver(new NodePcscBinding(), { reopenBackoff: { minMs: 100, maxMs: 500 } }).open();
    }, 60_000);

    // A card left in a reader by a failed test would keep vpcd's slot busy for the next one.
    // And its removal must have been seen: onCardInserted reports the cards still connected first.
    afterEach(async () => {
      for (const emulator of emulators) await emulator.kill();
      if (!pcscd.running) return;
      for (const reader of VIRTUAL_READERS) {
        await expect.poll(() => handle.card(reader), { timeout: 15_000 }).toBeUndefined();
        await waitUntilEmpty(reader);
      }
    });

    afterAll(async () => {
      await handle?.close();
      for (const emulator of emulators) await emulator.dispose();
      await pcscd?.dispose();
    });

    async function startCard(slot: 0 | 1 = 0): Promise<{ emulator: ChipEmulator; card: ChipCard }> {
      const inserted = nextCard(handle, VIRTUAL_READERS[slot]);
      const emulator = await ChipEmulator.start(pcscd, { slot });
      emulators.push(emulator);
      return { emulator, card: await inserted };
    }

    async function waitUntilEmpty(reader: string): Promise<void> {
      const driver = new ChipReaderDriver(new NodePcscBinding());
      await expect.poll(async () => (await driver.list()).find((listed) => listed.name === reader)?.hasCard, { timeout: 15_000 }).toBe(false);
    }

    it('lists the two virtual readers', async () => {
      const driver = new ChipReaderDriver(new NodePcscBinding());
      expect((await driver.list()).map((reader) => reader.name)).toEqual([...VIRTUAL_READERS]);
      expect(handle.readers).toEqual([...VIRTUAL_READERS]);
    });

    it('the card put in: inserted with its ATR over T=1; EF.CardAccess in plain, SELECT of the eMRTD application, a data group refused without a session', async () => {
      const { emulator, card } = await startCard();
      expect(card.reader).toBe('Virtual PCD 00 00');
      expect(hex(card.atr)).toBe('3B951381018073FF01000B');
      expect(card.protocol).toBe('T=1');
      // READ BINARY by short file id 1C (EF.CardAccess), readable before any session: one PACEInfo
      // (id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameter 13), as the emulator's README gives
      // it. Le 00 asks for up to 256 bytes; the file has 22, so the card says 6282 (end of file
      // reached before Le bytes, ISO/IEC 7816-4) after them.
      const cardAccess = ['3114', '3012', '060A', '04007F00070202040202', '020102', '02010D'].join('');
      expect(hex(await card.transmit(apdu('00 B0 9C 00 00')))).toBe(`${cardAccess}6282`);
      expect(hex(await card.transmit(apdu('00 B0 9C 00 16')))).toBe(`${cardAccess}9000`);
      expect(hex(await card.transmit(apdu('00 A4 04 0C 07 A0000002471001')))).toBe('9000');
      // READ BINARY of DG1 (short file id 01) without BAC or PACE: security status not satisfied.
      expect(hex(await card.transmit(apdu('00 B0 81 00 00')))).toBe('6982');
      const removed = nextRemoval(handle, card.reader);
      await emulator.kill();
      await removed;
      expect(card.usable).toBe(false);
    });

    it('the card taken out mid-transmit: a typed fault, never a hang; put back, it is inserted again on the same handle', async () => {
      const { emulator, card } = await startCard();
      const removed = nextRemoval(handle, card.reader);
      let failure: unknown;
      let answered = 0;
      const reading = (async () => {
        for (;;) {
          try {
            await card.transmit(apdu('00 A4 04 0C 07 A0000002471001'));
            answered += 1;
          } catch (error) {
            failure = error;
            return;
          }
        }
      })();
      await expect.poll(() => answered, { timeout: 10_000 }).toBeGreaterThan(20);
      await emulator.kill();
      await reading;
      expect(failure).toBeInstanceOf(DeviceFault);
      // Which one depends on whether pcscd saw the card leave before or during the command.
      expect(['unplugged', 'io']).toContain((failure as DeviceFault).kind);
      await removed;
      await expect(card.transmit(apdu('00 A4 04 0C 07 A0000002471001'))).rejects.toBeInstanceOf(DeviceFault);
      // The failed command told us first; a card put back before pcscd itself has seen the
      // reader empty would be the same insertion to its monitor (an edge it reports only once).
      await waitUntilEmpty(card.reader);

      const inserted = nextCard(handle, card.reader);
      await emulator.restart();
      const again = await inserted;
      expect(again).not.toBe(card);
      expect(hex(await again.transmit(apdu('00 A4 04 0C 07 A0000002471001')))).toBe('9000');
      await emulator.kill();
    });

    it('a second card in the second reader, both held at once', async () => {
      const first = await startCard(0);
      const second = await startCard(1);
      expect(second.card.reader).toBe('Virtual PCD 00 01');
      expect(hex(await second.card.transmit(apdu('00 A4 04 0C 07 A0000002471001')))).toBe('9000');
      expect(hex(await first.card.transmit(apdu('00 A4 04 0C 07 A0000002471001')))).toBe('9000');
      await first.emulator.kill();
      await second.emulator.kill();
    });

    it('pcscd stops: one fault "pcscd is not running", then back: readers and the card again, without reopening the driver', async () => {
      const { emulator } = await startCard();
      const faulted = next<DeviceFault>((listener) => handle.onFault(listener), 'fault');
      const readersGone = next<string>((listener) => handle.onReaderRemoved(listener), 'reader removed');
      await pcscd.stop();
      const fault = await faulted;
      await readersGone;
      expect(fault).toMatchObject({ kind: 'open-failed', deviceId: 'pcsc', message: expect.stringContaining(PCSCD_NOT_RUNNING) });
      expect(handle.state).toBe('fault');
      expect(handle.readers).toEqual([]);
      // vicc loses its reader with pcscd and exits.
      await emulator.kill();

      const ready = next<void>((listener) => handle.onReady(() => listener()), 'ready again');
      await pcscd.restart();
      await ready;
      expect(handle.readers).toEqual([...VIRTUAL_READERS]);
      const inserted = nextCard(handle, VIRTUAL_READERS[0]);
      await emulator.restart();
      const card = await inserted;
      expect(hex(await card.transmit(apdu('00 A4 04 0C 07 A0000002471001')))).toBe('9000');
      await emulator.kill();
    });
  },
);
