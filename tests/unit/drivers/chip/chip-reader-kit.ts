import { afterEach } from 'vitest';
import { ChipReaderDriver, type ChipReaderHandle, type ChipReaderOptions } from '../../../../drivers/chip/chip-reader.js';
import type { FakeCard, FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';

/** What the chip card reader driver's tests share: a reader, an ATR, the handles they open (closed after each test) and fake cards. */
export const READER = 'ACS ACR1252 Dual Reader PICC 00 00';
export const ATR = Uint8Array.from([0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09]);
export const SELECT_EMRTD = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x07, 0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]);
export const OK = Uint8Array.from([0x90, 0x00]);

const handles: ChipReaderHandle[] = [];
afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.close();
});

export async function open(binding: FakePcscBinding, options: ChipReaderOptions = {}): Promise<ChipReaderHandle> {
  return closedAfterTest(await new ChipReaderDriver(binding, { reopenBackoff: { minMs: 5, maxMs: 20 }, ...options }).open());
}

/** A handle the test opened itself, closed after it like those from open(). */
export function closedAfterTest(handle: ChipReaderHandle): ChipReaderHandle {
  handles.push(handle);
  return handle;
}

/** Resolves with the next value a listener registration delivers. */
export function next<T>(register: (listener: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve) => register(resolve));
}

export function echoCard(overrides: Partial<FakeCard> = {}): FakeCard {
  return { atr: ATR, respond: () => OK, ...overrides };
}

/** A card that never answers until `answer` is called. */
export function stalledCard(): { card: FakeCard; answer: (response: Uint8Array) => void } {
  let answer: (response: Uint8Array) => void = () => undefined;
  const card: FakeCard = { atr: ATR, respond: () => new Promise<Uint8Array>((resolve) => (answer = resolve)) };
  return { card, answer: (response) => answer(response) };
}
