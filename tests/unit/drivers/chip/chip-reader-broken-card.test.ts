import { describe, expect, it } from 'vitest';
import type { ChipCard } from '../../../../drivers/chip/chip-card.js';
import { FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';
import { DeviceFault } from '../../../../drivers/device.js';
import { echoCard, next, OK, open, READER, SELECT_EMRTD } from './chip-reader-kit.js';

/**
 * A card that failed a command while pcscd goes on listing a card with the same event count.
 * Either the reader missed the card leaving and coming back (seen on the emulator under load:
 * no edge and no change of count through the swap, so the card put back was never read), or
 * the card is broken and still lies there. The driver cannot tell: it connects again after a
 * pause that doubles while the card keeps failing.
 */
const EMPTY = new Uint8Array(0);

async function breakCard(card: ChipCard): Promise<void> {
  await expect(card.transmit(SELECT_EMRTD)).rejects.toBeInstanceOf(DeviceFault);
}

describe('a card that failed a command and is still listed, unchanged', () => {
  it('swapped with neither an edge nor a new event count: the card put back is connected after the pause', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { resyncIntervalMs: 10, brokenCardRetry: { minMs: 50, maxMs: 50 } });
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard({ respond: () => EMPTY }));
    const first = await inserted;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    // Before the break: the pause is counted from it, whatever the machine does after.
    const brokeAt = performance.now();
    await breakCard(first);
    expect(await removed).toBe(READER);

    const again = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.swapCardUnnoticed(READER, echoCard());
    const second = await again;
    expect(performance.now() - brokeAt).toBeGreaterThanOrEqual(45);
    expect(second).not.toBe(first);
    expect([...(await second.transmit(SELECT_EMRTD))]).toEqual([...OK]);
  });

  it('a card that keeps failing is connected again at doubling pauses, not in a loop; taken out, the next card starts from the first pause', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { resyncIntervalMs: 5, brokenCardRetry: { minMs: 40, maxMs: 10_000 } });
    const connectedAt: number[] = [];
    handle.onCardInserted((card) => {
      connectedAt.push(performance.now());
      void card.transmit(SELECT_EMRTD).catch(() => undefined);
    });
    const pauses = (): number[] => connectedAt.slice(1).map((at, index) => at - (connectedAt[index] ?? 0));
    binding.insertCard(READER, echoCard({ respond: () => EMPTY }));
    await expect.poll(() => connectedAt.length, { timeout: 10_000 }).toBe(5);
    // Lower bounds only: a loaded machine makes pauses longer, never shorter.
    const [first, second, third, fourth] = pauses();
    expect(first).toBeGreaterThanOrEqual(35);
    expect(second).toBeGreaterThanOrEqual(75);
    expect(third).toBeGreaterThanOrEqual(155);
    expect(fourth).toBeGreaterThanOrEqual(315);

    // Taken out and another failing card put in: its first pause is the first window again, not the sixth (1.3 s).
    binding.removeCard(READER);
    await new Promise((resolve) => setTimeout(resolve, 20));
    binding.insertCard(READER, echoCard({ respond: () => EMPTY }));
    await expect.poll(() => connectedAt.length, { timeout: 10_000 }).toBe(7);
    expect(pauses()[5]).toBeLessThan(640);
  });
});
