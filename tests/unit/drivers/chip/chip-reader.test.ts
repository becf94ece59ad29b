import { describe, expect, it } from 'vitest';
import { DeviceFault } from '../../../../drivers/device.js';
import type { ChipCard } from '../../../../drivers/chip/chip-card.js';
import { ChipReaderDriver, PCSCD_ACCESS_DENIED, PCSCD_NOT_RUNNING } from '../../../../drivers/chip/chip-reader.js';
import { FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';
import { PcscError } from '../../../../drivers/chip/pcsc-binding.js';

import { ATR, closedAfterTest, echoCard, next, OK, open, READER, SELECT_EMRTD, stalledCard } from './chip-reader-kit.js';

/** The chip card reader driver against the scriptable PC/SC fake: events, exclusive transmit, faults, pcscd restarts. */
describe('chip card reader over PC/SC (fake daemon)', () => {
  it('lists the readers and whether each holds a card', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    binding.addReader('Other 00 01');
    binding.insertCard('Other 00 01', echoCard());
    const driver = new ChipReaderDriver(binding);
    expect(await driver.list()).toEqual([
      { name: READER, hasCard: false },
      { name: 'Other 00 01', hasCard: true },
    ]);
    expect(await new ChipReaderDriver(binding, { readers: (name) => name.startsWith('ACS') }).list()).toEqual([{ name: READER, hasCard: false }]);
    expect(binding.openSessions).toBe(0);
  });

  it('pcscd not running: list and open reject with a typed, bilingual fault', async () => {
    const binding = new FakePcscBinding();
    binding.stopService();
    const driver = new ChipReaderDriver(binding);
    await expect(driver.list()).rejects.toMatchObject({ name: 'DeviceFault', kind: 'open-failed', deviceId: 'pcsc' });
    const failure = await driver.open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeviceFault);
    expect(failure).toMatchObject({ kind: 'open-failed', message: expect.stringContaining(PCSCD_NOT_RUNNING) });
    expect(PCSCD_NOT_RUNNING).toBe('pcscd không chạy · pcscd is not running');
  });

  it('pcscd refuses this user (polkit): list and open reject with a fault that says so, not "not running"', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    binding.denyAccess();
    const driver = new ChipReaderDriver(binding);
    const listed = await driver.list().catch((error: unknown) => error);
    expect(listed).toMatchObject({ name: 'DeviceFault', kind: 'open-failed', deviceId: 'pcsc', message: expect.stringContaining(PCSCD_ACCESS_DENIED) });
    expect((listed as DeviceFault).cause).toMatchObject({ name: 'PcscError', kind: 'access-denied' });
    await expect(driver.open()).rejects.toMatchObject({ kind: 'open-failed', message: expect.stringContaining(PCSCD_ACCESS_DENIED) });
    binding.denyAccess(false);
    expect(await driver.list()).toEqual([{ name: READER, hasCard: false }]);
  });

  it('reports readers added and removed, cards inserted (connected, with ATR and protocol) and removed', async () => {
    const binding = new FakePcscBinding();
    const handle = await open(binding);
    const added = next<string>((l) => handle.onReaderAdded(l));
    binding.addReader(READER);
    expect(await added).toBe(READER);
    expect(handle.readers).toEqual([READER]);

    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard({ protocol: 'T=0' }));
    const card = await inserted;
    expect(card).toMatchObject({ reader: READER, protocol: 'T=0', usable: true });
    expect([...card.atr]).toEqual([...ATR]);
    expect(handle.card(READER)).toBe(card);
    expect(binding.isHeld(READER)).toBe(true);

    const removed = next<string>((l) => handle.onCardRemoved(l));
    binding.removeCard(READER);
    expect(await removed).toBe(READER);
    expect(card.usable).toBe(false);
    expect(handle.card(READER)).toBeUndefined();

    const readerGone = next<string>((l) => handle.onReaderRemoved(l));
    binding.removeReader(READER);
    expect(await readerGone).toBe(READER);
    expect(handle.readers).toEqual([]);
  });

  it('a card already in the reader at open is connected once (the listing and the monitor both report it) and reported to a listener registered after open', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    binding.insertCard(READER, echoCard());
    const inserted: ChipCard[] = [];
    const driver = new ChipReaderDriver(binding);
    const handle = await driver.open();
    closedAfterTest(handle);
    await expect.poll(() => handle.card(READER)).toBeDefined();
    handle.onCardInserted((card) => inserted.push(card));
    const readers: string[] = [];
    handle.onReaderAdded((name) => readers.push(name));
    await expect.poll(() => inserted.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toBe(handle.card(READER));
    expect(readers).toEqual([READER]);
    expect(binding.commands.get(READER)).toBeUndefined();
  });

  it('an insertion or removal the monitor misses is caught by the resync from the listing', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { resyncIntervalMs: 10 });
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard(), { unseen: true });
    const card = await inserted;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    binding.removeCard(READER, { unseen: true });
    expect(await removed).toBe(READER);
    expect(card.usable).toBe(false);
  });

  it('a card that stopped answering, taken out and put back with both edges missed: the event counter shows the swap, and the new card is connected', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { resyncIntervalMs: 10 });
    let answering = true;
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard({ respond: () => (answering ? OK : new Uint8Array(0)) }));
    const first = await inserted;
    // A look at the reader with the card in it, before it breaks.
    const looked = binding.listings;
    await expect.poll(() => binding.listings).toBeGreaterThan(looked + 1);
    answering = false;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    await expect(first.transmit(SELECT_EMRTD)).rejects.toBeInstanceOf(DeviceFault);
    expect(await removed).toBe(READER);
    // The person lifts the card and puts it back faster than the monitor looks: no edge heard.
    const again = next<ChipCard>((l) => handle.onCardInserted(l));
    answering = true;
    binding.removeCard(READER, { unseen: true });
    binding.insertCard(READER, echoCard(), { unseen: true });
    const second = await again;
    expect(second).not.toBe(first);
    expect([...(await second.transmit(SELECT_EMRTD))]).toEqual([...OK]);
  });

  it('transmit sends the APDU and resolves with response ‖ SW; commands go one at a time, in order', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const first = stalledCard();
    let calls = 0;
    const handle = await open(binding);
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, {
      atr: ATR,
      respond: (command) => {
        calls += 1;
        return calls === 1 ? first.card.respond(command) : Uint8Array.from([command[1] ?? 0, 0x90, 0x00]);
      },
    });
    const card = await inserted;
    const a = card.transmit(SELECT_EMRTD);
    const b = card.transmit(Uint8Array.from([0x00, 0xb0, 0x9c, 0x00, 0x00]));
    await expect.poll(() => binding.commands.get(READER)?.length).toBe(1);
    // The second command waits for the first one's answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(binding.commands.get(READER)).toHaveLength(1);
    first.answer(Uint8Array.from([0x01, 0x02, 0x90, 0x00]));
    expect([...(await a)]).toEqual([0x01, 0x02, 0x90, 0x00]);
    expect([...(await b)]).toEqual([0xb0, 0x90, 0x00]);
    expect(binding.commands.get(READER)?.map((c) => [...c])).toEqual([[...SELECT_EMRTD], [0x00, 0xb0, 0x9c, 0x00, 0x00]]);
  });

  it('over T=0 the card is followed through 61 XX with GET RESPONSE: the caller gets the whole answer', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding);
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, {
      atr: ATR,
      protocol: 'T=0',
      respond: (command) => Uint8Array.from(command[1] === 0xc0 ? [0x0a, 0x0b, 0x90, 0x00] : [0x61, 0x02]),
    });
    const card = await inserted;
    expect([...(await card.transmit(Uint8Array.from([0x00, 0x84, 0x00, 0x00, 0x02])))]).toEqual([0x0a, 0x0b, 0x90, 0x00]);
    expect(binding.commands.get(READER)?.map((c) => [...c])).toEqual([
      [0x00, 0x84, 0x00, 0x00, 0x02],
      [0x00, 0xc0, 0x00, 0x00, 0x02],
    ]);
  });

  it('the card removed mid-transmit: the command rejects with an unplugged fault at once, and so does every later one', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { apduTimeoutMs: 60_000 });
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, stalledCard().card);
    const card = await inserted;
    const pending = card.transmit(SELECT_EMRTD);
    await expect.poll(() => binding.commands.get(READER)?.length).toBe(1);
    binding.removeCard(READER);
    const fault = await pending.catch((error: unknown) => error);
    expect(fault).toBeInstanceOf(DeviceFault);
    expect(fault).toMatchObject({ kind: 'unplugged', deviceId: READER });
    await expect(card.transmit(SELECT_EMRTD)).rejects.toMatchObject({ kind: 'unplugged' });
  });

  it('a card that does not answer within the APDU timeout: io fault, the card is reset and counts as removed', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding, { apduTimeoutMs: 30, resyncIntervalMs: 10 });
    const faults: DeviceFault[] = [];
    handle.onFault((fault) => faults.push(fault));
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, stalledCard().card);
    const card = await inserted;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    await expect(card.transmit(SELECT_EMRTD)).rejects.toMatchObject({
      name: 'DeviceFault',
      kind: 'io',
      message: expect.stringContaining('did not answer within 30 ms'),
    });
    expect(await removed).toBe(READER);
    expect(faults.map((f) => f.kind)).toEqual(['io']);
    expect(card.usable).toBe(false);
    expect(binding.isHeld(READER)).toBe(false);
    // A card that stopped answering is reset on the way out.
    expect(binding.disconnects).toEqual([{ reader: READER, reset: true }]);
    // Still in the reader, it is not connected again by the resync (it would only stall again)…
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handle.card(READER)).toBeUndefined();
    // …but taken out and put back, it gets a fresh connection.
    binding.removeCard(READER);
    const again = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard());
    expect([...(await (await again).transmit(SELECT_EMRTD))]).toEqual([0x90, 0x00]);
  });

  it('a command that fails (as when the card leaves the field mid-command): io fault, released without a reset', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding);
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard({ respond: () => Promise.reject(new PcscError('failed', 'Transaction failed')) }));
    const card = await inserted;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    await expect(card.transmit(SELECT_EMRTD)).rejects.toMatchObject({
      name: 'DeviceFault',
      kind: 'io',
      message: expect.stringContaining('Transaction failed'),
    });
    expect(await removed).toBe(READER);
    expect(binding.disconnects).toEqual([{ reader: READER, reset: false }]);
  });

  it.each([
    ['one byte: a protocol fault', [0x90], 'protocol'],
    ['nothing: no answer, an io fault', [], 'io'],
  ])('a response shorter than SW1 SW2, %s', async (_title, response, kind) => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await open(binding);
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard({ respond: () => Uint8Array.from(response) }));
    await expect((await inserted).transmit(SELECT_EMRTD)).rejects.toMatchObject({ kind });
  });

  it('connects exclusively: a card another program holds is a fault naming the cause, and the reader stays watched', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    binding.holdElsewhere(READER);
    const handle = await open(binding);
    const fault = next<DeviceFault>((l) => handle.onFault(l));
    binding.insertCard(READER, echoCard());
    expect(await fault).toMatchObject({ kind: 'open-failed', deviceId: READER, message: expect.stringContaining('another program holds the card') });
    expect(handle.state).toBe('ready');
    binding.removeCard(READER);
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, echoCard());
    expect((await inserted).usable).toBe(true);
  });

  it('pcscd stops and comes back: one fault, cards and readers gone, then everything back without reopening the driver', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    binding.insertCard(READER, echoCard());
    const handle = await open(binding);
    const faults: DeviceFault[] = [];
    handle.onFault((fault) => faults.push(fault));
    await expect.poll(() => handle.card(READER)).toBeDefined();
    const card = handle.card(READER) as ChipCard;
    const removed = next<string>((l) => handle.onCardRemoved(l));
    const readerGone = next<string>((l) => handle.onReaderRemoved(l));
    binding.stopService();
    expect(await removed).toBe(READER);
    expect(await readerGone).toBe(READER);
    await expect.poll(() => handle.state).toBe('fault');
    await expect(card.transmit(SELECT_EMRTD)).rejects.toBeInstanceOf(DeviceFault);
    // Retried with backoff while it is away, and said once.
    await expect.poll(() => binding.openAttempts).toBeGreaterThan(3);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ kind: 'open-failed', deviceId: 'pcsc', message: expect.stringContaining(PCSCD_NOT_RUNNING) });

    const ready = next<void>((l) => handle.onReady(() => l()));
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.startService();
    await ready;
    const again = await inserted;
    expect(handle.readers).toEqual([READER]);
    expect([...(await again.transmit(SELECT_EMRTD))]).toEqual([0x90, 0x00]);
    expect(binding.openSessions).toBe(1);
  });

  it('close releases the card and the session, and ends a pending command', async () => {
    const binding = new FakePcscBinding();
    binding.addReader(READER);
    const handle = await new ChipReaderDriver(binding).open();
    const inserted = next<ChipCard>((l) => handle.onCardInserted(l));
    binding.insertCard(READER, stalledCard().card);
    const card = await inserted;
    const pending = card.transmit(SELECT_EMRTD);
    await handle.close();
    await expect(pending).rejects.toBeInstanceOf(DeviceFault);
    expect(binding.isHeld(READER)).toBe(false);
    expect(binding.openSessions).toBe(0);
    expect(handle.state).toBe('closed');
  });
});
