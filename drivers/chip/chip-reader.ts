import type { BackoffWindow } from '../../platform/backoff.js';
import { messageOf } from '../../platform/message-of.js';
import { KeptDeviceHandle } from '../device-handle.js';
import { DeviceKeeper } from '../device-keeper.js';
import { DeviceFault } from '../device.js';
import { Listeners } from '../listeners.js';
import { CARD_REMOVED, ConnectedChipCard, type ChipCard } from './chip-card.js';
import { asPcscError, type PcscBinding, type PcscError, type PcscEvent, type PcscSession } from './pcsc-binding.js';
import { ReaderSlot } from './reader-slot.js';

/** The fault text when the PC/SC daemon is down: what a technician must fix (start pcscd). */
export const PCSCD_NOT_RUNNING = 'pcscd không chạy · pcscd is not running';

/**
 * The fault text when pcscd refuses this user (its polkit check): what a technician must fix
 * (packaging/polkit/'s rule, and the kiosk user in its group).
 */
export const PCSCD_ACCESS_DENIED = 'pcscd từ chối người dùng này · pcscd refuses this user';

/** The device id of the PC/SC service as a whole: faults about pcscd carry it; card faults carry the reader's name. */
export const PCSC_DEVICE_ID = 'pcsc';

/**
 * How long one APDU may take. A real contactless read of a chip ID card answers each command
 * within tens of milliseconds (a 20–30 KB photo in 2–6 s, in ~224-byte READ BINARYs); five
 * seconds means the card or reader has stopped answering, not that it is slow.
 */
export const DEFAULT_APDU_TIMEOUT_MS = 5_000;

/**
 * Reconnecting to pcscd: soon after it went away (a restart by systemd takes well under a
 * second), then doubling up to 5 s while it stays away — one context attempt every 5 s costs nothing.
 */
export const PCSC_REOPEN_BACKOFF: BackoffWindow = { minMs: 500, maxMs: 5_000 };

/**
 * How often the handle compares the readers and cards with what pcscd says now. The monitor
 * reports edges, and an edge can be missed (a card taken out and put back between two of its
 * looks was seen on the emulator as one change of pcsc-lite's event counter with no insertion
 * reported): this look is the safety net, one local SCardListReaders a second.
 */
export const RESYNC_INTERVAL_MS = 1_000;

/**
 * A card that failed a command and that pcscd still lists, with the event count unchanged,
 * is connected again after this pause, doubling while it keeps failing: the reader may have
 * missed it leaving and coming back altogether (seen with vsmartcard under load: pcscd's
 * listing and count stayed as they were through the swap). A card really broken on the
 * reader costs one connection and one failed command per pause.
 */
export const BROKEN_CARD_RETRY: BackoffWindow = { minMs: 2_000, maxMs: 30_000 };

export interface ChipReaderOptions {
  /** Which readers to watch, by PC/SC name (default: all of them). */
  readonly readers?: (name: string) => boolean;
  readonly apduTimeoutMs?: number;
  readonly reopenBackoff?: BackoffWindow;
  readonly resyncIntervalMs?: number;
  readonly brokenCardRetry?: BackoffWindow;
}

/** A reader as listed, by its PC/SC name (e.g. "Virtual PCD 00 00", "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00"). */
export interface ChipReaderListing {
  readonly name: string;
  readonly hasCard: boolean;
}

/**
 * Chip ID card readers over PC/SC. One handle watches every reader PC/SC offers (a
 * dual-interface reader shows its contact and contactless slots as two readers), connects
 * exclusively to each card put in one, and survives pcscd restarts.
 */
export class ChipReaderDriver {
  readonly #binding: PcscBinding;
  readonly #options: ChipReaderOptions;

  constructor(binding: PcscBinding, options: ChipReaderOptions = {}) {
    this.#binding = binding;
    this.#options = options;
  }

  async list(): Promise<ChipReaderListing[]> {
    let session: PcscSession;
    try {
      session = await this.#binding.open();
    } catch (error) {
      throw serviceFault(error);
    }
    try {
      const readers = await session.readers();
      const wanted = this.#options.readers ?? (() => true);
      return readers.filter((reader) => wanted(reader.name)).map((reader) => ({ name: reader.name, hasCard: reader.atr !== undefined }));
    } catch (error) {
      throw serviceFault(error);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  /** The first connection to pcscd: rejects with a typed fault (`open-failed`, "pcscd is not running") instead of retrying. */
  async open(): Promise<ChipReaderHandle> {
    const handle = new ChipReaderHandle(this.#binding, this.#options);
    await handle.start();
    return handle;
  }
}

export class ChipReaderHandle extends KeptDeviceHandle<PcscSession> {
  protected readonly keeper: DeviceKeeper<PcscSession>;
  readonly #wanted: (name: string) => boolean;
  readonly #apduTimeoutMs: number;
  readonly #resyncIntervalMs: number;
  readonly #brokenCardRetry: BackoffWindow;
  #resyncTimer: ReturnType<typeof setInterval> | undefined;
  readonly #slots = new Map<string, ReaderSlot>();
  readonly #readerAdded = new Listeners<[string]>();
  readonly #readerRemoved = new Listeners<[string]>();
  readonly #cardInserted = new Listeners<[ChipCard]>();
  readonly #cardRemoved = new Listeners<[string]>();
  /** The session events are taken from; events of an older one (before a pcscd restart) are stale. */
  #session: PcscSession | undefined;

  constructor(binding: PcscBinding, options: ChipReaderOptions) {
    super();
    this.#wanted = options.readers ?? (() => true);
    this.#apduTimeoutMs = options.apduTimeoutMs ?? DEFAULT_APDU_TIMEOUT_MS;
    this.#resyncIntervalMs = options.resyncIntervalMs ?? RESYNC_INTERVAL_MS;
    this.#brokenCardRetry = options.brokenCardRetry ?? BROKEN_CARD_RETRY;
    const { minMs, maxMs } = options.reopenBackoff ?? PCSC_REOPEN_BACKOFF;
    this.keeper = new DeviceKeeper<PcscSession>({
      transport: {
        open: () => binding.open(),
        // A session reports its own end as a `failed` event, handled in #onEvent with the fault's own kind.
        watch: () => undefined,
        openFailure: (_path, error) => {
          const fault = serviceFault(error);
          return { kind: fault.kind, message: fault.message };
        },
      },
      deviceId: PCSC_DEVICE_ID,
      path: PCSC_DEVICE_ID,
      timings: { afterLossMs: minMs, pollIntervalMs: minMs, reopenBackoff: { minMs: Math.min(2 * minMs, maxMs), maxMs } },
      setup: (session) => this.#attach(session),
      ...this.keeperEvents,
    });
  }

  /** The readers watched now, by name. */
  get readers(): string[] {
    return [...this.#slots.keys()];
  }

  /** The usable card in `reader`, if one is connected. */
  card(reader: string): ChipCard | undefined {
    const card = this.#slots.get(reader)?.card;
    return card?.usable === true ? card : undefined;
  }

  /** Called for each reader watched now (on a later turn), then for each reader that comes. */
  onReaderAdded(listener: (reader: string) => void): void {
    this.#readerAdded.add(listener);
    const present = this.readers;
    replay(() => present.filter((name) => this.#slots.has(name)), listener);
  }

  onReaderRemoved(listener: (reader: string) => void): void {
    this.#readerRemoved.add(listener);
  }

  /**
   * A card was put in a reader and is connected (exclusively): its transmit is ready. Called
   * first for each card already connected (on a later turn): a card lying on the reader when
   * the kiosk starts is read like one put there afterwards.
   */
  onCardInserted(listener: (card: ChipCard) => void): void {
    this.#cardInserted.add(listener);
    const connected = [...this.#slots.values()].flatMap((slot) => (slot.card === undefined ? [] : [slot.card]));
    replay(() => connected.filter((card) => card.usable && this.#slots.get(card.reader)?.card === card), listener);
  }

  /** The card left `reader`, or stopped answering (then it counts as removed until it is put in again). */
  onCardRemoved(listener: (reader: string) => void): void {
    this.#cardRemoved.add(listener);
  }

  protected async beforeRelease(): Promise<void> {
    this.#session = undefined;
    this.#stopResync();
    const closing = new DeviceFault('io', PCSC_DEVICE_ID, 'the card reader was closed');
    const cards = [...this.#slots.values()].flatMap((slot) => (slot.card === undefined ? [] : [slot.card]));
    this.#slots.clear();
    for (const card of cards) card.end(closing);
    await Promise.all(cards.map((card) => card.release(false)));
  }

  protected override clearListeners(): void {
    super.clearListeners();
    this.#readerAdded.clear();
    this.#readerRemoved.clear();
    this.#cardInserted.clear();
    this.#cardRemoved.clear();
  }

  async #attach(session: PcscSession): Promise<void> {
    this.#session = session;
    session.onEvent((event) => {
      if (this.#session === session) this.#onEvent(session, event);
    });
    let readers;
    try {
      readers = await session.readers();
    } catch (error) {
      throw serviceFault(error);
    }
    if (this.#session !== session) return;
    for (const reader of readers) this.#readerPresent(session, reader.name, reader.atr);
    this.#stopResync();
    this.#resyncTimer = setInterval(() => void this.#resync(session), this.#resyncIntervalMs);
    // Like the keeper's timers: never what keeps a CLI or a test process alive.
    this.#resyncTimer.unref?.();
  }

  #stopResync(): void {
    if (this.#resyncTimer !== undefined) clearInterval(this.#resyncTimer);
    this.#resyncTimer = undefined;
  }

  /** Brings readers and cards in line with pcscd's listing (see RESYNC_INTERVAL_MS). */
  async #resync(session: PcscSession): Promise<void> {
    if (this.#session !== session) return;
    // A failing listing says the session is ending: its monitor reports that, with the fault.
    const listed = await session.readers().catch(() => undefined);
    if (listed === undefined || this.#session !== session) return;
    const names = new Set(listed.map((reader) => reader.name));
    for (const name of [...this.#slots.keys()]) if (!names.has(name)) this.#readerGone(name);
    for (const reader of listed) {
      const slot = this.#slots.get(reader.name);
      if (slot !== undefined && reader.atr === undefined) this.#cardGone(reader.name);
      else {
        // Out and back in between two looks, with neither edge heard: the card there now is a new insertion.
        if (slot?.swappedUnseen(reader.eventCount) === true) this.#cardGone(reader.name);
        else slot?.retryIfDue(Date.now());
        this.#readerPresent(session, reader.name, reader.atr);
        if (reader.atr !== undefined) this.#slots.get(reader.name)?.listedWithCard(reader.eventCount);
      }
    }
  }

  #onEvent(session: PcscSession, event: PcscEvent): void {
    switch (event.type) {
      case 'reader-added':
        this.#readerPresent(session, event.reader, event.atr);
        return;
      case 'reader-removed':
        this.#readerGone(event.reader);
        return;
      case 'card-inserted':
        this.#readerPresent(session, event.reader, event.atr);
        return;
      case 'card-removed':
        this.#cardGone(event.reader);
        return;
      case 'failed':
        this.#sessionFailed(session, event.error);
    }
  }

  #readerPresent(session: PcscSession, name: string, atr: Uint8Array | undefined): void {
    if (!this.#wanted(name)) return;
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      slot = new ReaderSlot(this.#brokenCardRetry);
      this.#slots.set(name, slot);
      this.#readerAdded.emit(name);
    }
    if (atr !== undefined) void this.#connect(session, name, slot, atr);
  }

  async #connect(session: PcscSession, name: string, slot: ReaderSlot, atr: Uint8Array): Promise<void> {
    // The monitor, the first listing and the resync may all report one insertion: connect once.
    if (!slot.mayConnect) return;
    const attempt = {};
    slot.connecting = attempt;
    let connection;
    try {
      connection = await session.connect(name);
    } catch (error) {
      if (slot.connecting === attempt) slot.connecting = undefined;
      if (this.#session !== session || this.#slots.get(name) !== slot) return;
      const pcsc = asPcscError(error);
      // A card pulled out while connecting is just a removal; anything else is worth a fault.
      if (pcsc.kind === 'card-removed' || pcsc.kind === 'no-card') return;
      const hint = pcsc.kind === 'sharing-violation' ? ' (another program holds the card: close it and put the card in again)' : '';
      this.faulted(new DeviceFault('open-failed', name, `cannot connect to the card in ${name}: ${pcsc.message}${hint}`, { cause: error }));
      return;
    }
    if (slot.connecting !== attempt || this.#session !== session || this.#slots.get(name) !== slot) {
      // Removed, or the session ended, while connecting: this connection is stale.
      await connection.disconnect(false).catch(() => undefined);
      return;
    }
    slot.connecting = undefined;
    const card = new ConnectedChipCard(name, atr, connection, this.#apduTimeoutMs, (broken, fault, timedOut) =>
      this.#cardBroken(name, broken, fault, timedOut),
    );
    slot.card = card;
    this.#cardInserted.emit(card);
  }

  /**
   * A command failed or timed out: the card counts as removed until it is put in again. A card
   * that stopped answering is also reset (its chip may be stuck mid-command); one whose command
   * failed is left alone: that is how a card leaving the field shows, and a reset sent to a
   * card that is gone wedged vsmartcard's reader slot for the next card.
   */
  #cardBroken(name: string, card: ConnectedChipCard, fault: DeviceFault, timedOut: boolean): void {
    const slot = this.#slots.get(name);
    if (slot?.card !== card) return;
    slot.broke(Date.now());
    void card.release(timedOut);
    this.#cardRemoved.emit(name);
    // A removal mid-command is the person's doing, not a device problem: only a failure is a fault.
    if (fault.kind !== 'unplugged') this.faulted(fault);
  }

  #cardGone(name: string): void {
    const slot = this.#slots.get(name);
    const card = slot?.emptied();
    if (card === undefined) return;
    card.end(new DeviceFault('unplugged', name, CARD_REMOVED));
    void card.release(false);
    this.#cardRemoved.emit(name);
  }

  #readerGone(name: string): void {
    if (!this.#slots.has(name)) return;
    this.#cardGone(name);
    this.#slots.delete(name);
    this.#readerRemoved.emit(name);
  }

  /** pcscd went away: every card and reader is gone with it; the keeper reconnects with backoff. */
  #sessionFailed(session: PcscSession, error: PcscError): void {
    this.#session = undefined;
    this.#stopResync();
    for (const name of [...this.#slots.keys()]) this.#readerGone(name);
    const fault = serviceFault(error);
    this.keeper.lost(fault.kind, fault.message, error, session);
  }
}

/**
 * Tells a listener registered late what it missed, on a later turn (so that registering never
 * calls back into the caller's own code), and only what is still true by then.
 */
function replay<T>(stillThere: () => T[], listener: (value: T) => void): void {
  const listeners = new Listeners<[T]>();
  listeners.add(listener);
  queueMicrotask(() => {
    for (const value of stillThere()) listeners.emit(value);
  });
}

/** A failure to reach pcscd (or of the service) as the fault a technician reads. */
function serviceFault(error: unknown): DeviceFault {
  if (error instanceof DeviceFault) return error;
  const pcsc = asPcscError(error);
  if (pcsc.kind === 'no-service') return new DeviceFault('open-failed', PCSC_DEVICE_ID, `${PCSCD_NOT_RUNNING} (${pcsc.message})`, { cause: error });
  if (pcsc.kind === 'access-denied') return new DeviceFault('open-failed', PCSC_DEVICE_ID, `${PCSCD_ACCESS_DENIED} (${pcsc.message})`, { cause: error });
  return new DeviceFault('io', PCSC_DEVICE_ID, `PC/SC: ${messageOf(error)}`, { cause: error });
}
