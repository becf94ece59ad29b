import {
  PcscError,
  type CardProtocol,
  type PcscBinding,
  type PcscCardConnection,
  type PcscEvent,
  type PcscReaderState,
  type PcscSession,
} from './pcsc-binding.js';

/** How a fake card answers a command APDU (response data ‖ SW1 SW2); a promise that never settles is a card that hangs. */
export type FakeCardResponder = (command: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface FakeCard {
  readonly atr: Uint8Array;
  readonly protocol?: CardProtocol;
  readonly respond: FakeCardResponder;
}

interface FakeReader {
  card: FakeCard | undefined;
  /** The connection that holds the card (PC/SC exclusive mode), if any. */
  holder: FakeCardConnection | undefined;
  /** Another program holds the card: connects fail with a sharing violation. */
  heldElsewhere: boolean;
  /** pcsc-lite's event counter: one more at each insertion and removal, seen or not. */
  events: number;
}

/**
 * A scriptable PC/SC daemon, created per test (or per demo kiosk): stop and start the
 * service, plug and unplug readers, put cards in and take them out, and see every command a
 * card received. Holds the driver to pcsc-lite's rules: a context does not survive a daemon
 * restart, a card held exclusively cannot be connected twice, a card removed mid-command
 * fails that command.
 */
export class FakePcscBinding implements PcscBinding {
  readonly #readers = new Map<string, FakeReader>();
  readonly #sessions = new Set<FakePcscSession>();
  #running = true;
  #accessDenied = false;
  /** Every command each reader's card received, in order. */
  readonly commands = new Map<string, Uint8Array[]>();
  /** Every disconnect of a card, in order, with whether it reset the card. */
  readonly disconnects: { reader: string; reset: boolean }[] = [];
  /** Every open() call, failed or not: reconnect attempts are visible in tests. */
  openAttempts = 0;
  /** Every listing of the readers (a session's readers(), the driver's resync): tests wait for a look. */
  listings = 0;

  get running(): boolean {
    return this.#running;
  }

  /** How many sessions (PC/SC contexts) are open now. */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /** pcscd stops: every session fails (its monitor reports it), new ones are refused. */
  stopService(): void {
    this.#running = false;
    for (const session of [...this.#sessions]) session.fail(new PcscError('no-service', 'PC/SC service not running'));
  }

  startService(): void {
    this.#running = true;
  }

  /**
   * pcscd refuses (or lets in again) this user, as its polkit check does a user outside the
   * seat: new sessions are refused with `access-denied`; sessions already open are not touched
   * (pcscd checks once, when the context is established).
   */
  denyAccess(denied = true): void {
    this.#accessDenied = denied;
  }

  addReader(name: string): void {
    if (this.#readers.has(name)) throw new Error(`fake PC/SC: reader ${name} is already there`);
    this.#readers.set(name, { card: undefined, holder: undefined, heldElsewhere: false, events: 0 });
    this.#emit({ type: 'reader-added', reader: name });
  }

  removeReader(name: string): void {
    const reader = this.#reader(name);
    reader.holder?.lose(new PcscError('reader-unavailable', 'Reader unavailable'));
    this.#readers.delete(name);
    this.#emit({ type: 'reader-removed', reader: name });
  }

  /** The card goes in; `unseen`: the monitor misses it (only a listing shows it), as a monitor can miss an edge. */
  insertCard(name: string, card: FakeCard, options: { unseen?: boolean } = {}): void {
    const reader = this.#reader(name);
    if (reader.card !== undefined) throw new Error(`fake PC/SC: ${name} already holds a card`);
    reader.card = card;
    reader.events += 1;
    if (options.unseen !== true) this.#emit({ type: 'card-inserted', reader: name, atr: Uint8Array.from(card.atr) });
  }

  /** The card leaves: its command in flight fails as pcsc-lite reports it (SCARD_W_REMOVED_CARD). */
  removeCard(name: string, options: { unseen?: boolean } = {}): void {
    const reader = this.#reader(name);
    reader.card = undefined;
    reader.events += 1;
    reader.holder?.lose(new PcscError('card-removed', 'Card was removed'));
    reader.holder = undefined;
    reader.heldElsewhere = false;
    if (options.unseen !== true) this.#emit({ type: 'card-removed', reader: name });
  }

  /**
   * The card in `name` is taken out and another (or the same) put back so fast that the reader
   * itself missed it: no edge, and the listing's event count stays as it was.
   */
  swapCardUnnoticed(name: string, card: FakeCard): void {
    const reader = this.#reader(name);
    if (reader.card === undefined) throw new Error(`fake PC/SC: ${name} holds no card to swap`);
    reader.holder?.lose(new PcscError('card-removed', 'Card was removed'));
    reader.holder = undefined;
    reader.card = card;
  }

  /** Another program takes (or releases) the card in `name` exclusively. */
  holdElsewhere(name: string, held = true): void {
    this.#reader(name).heldElsewhere = held;
  }

  /** Whether a connection of ours holds the card in `name` now. */
  isHeld(name: string): boolean {
    return this.#readers.get(name)?.holder !== undefined;
  }

  async open(): Promise<PcscSession> {
    this.openAttempts += 1;
    if (!this.#running) throw new PcscError('no-service', 'PC/SC service not running');
    if (this.#accessDenied) throw new PcscError('access-denied', 'pcscd refused this user (polkit: org.debian.pcsc-lite.access_pcsc)');
    const session = new FakePcscSession(this, () => this.#sessions.delete(session));
    this.#sessions.add(session);
    return session;
  }

  /** @internal Used by the fake's sessions. */
  listReaders(): PcscReaderState[] {
    this.listings += 1;
    if (!this.#running) throw new PcscError('no-service', 'PC/SC service not running');
    return [...this.#readers].map(([name, reader]) => ({
      name,
      atr: reader.card === undefined ? undefined : Uint8Array.from(reader.card.atr),
      eventCount: reader.events,
    }));
  }

  /** @internal Used by the fake's sessions: SCardConnect, exclusive. */
  connect(name: string): FakeCardConnection {
    if (!this.#running) throw new PcscError('no-service', 'PC/SC service not running');
    const reader = this.#readers.get(name);
    if (reader === undefined) throw new PcscError('reader-unavailable', 'Unknown reader');
    const card = reader.card;
    if (card === undefined) throw new PcscError('no-card', 'No smart card present');
    if (reader.heldElsewhere || reader.holder !== undefined) throw new PcscError('sharing-violation', 'Sharing violation');
    const connection = new FakeCardConnection(
      card,
      (command) => this.#record(name, command),
      () => {
        if (reader.holder === connection) reader.holder = undefined;
      },
      (reset) => this.disconnects.push({ reader: name, reset }),
    );
    reader.holder = connection;
    return connection;
  }

  #record(name: string, command: Uint8Array): void {
    const list = this.commands.get(name) ?? [];
    list.push(Uint8Array.from(command));
    this.commands.set(name, list);
  }

  #reader(name: string): FakeReader {
    const reader = this.#readers.get(name);
    if (reader === undefined) throw new Error(`fake PC/SC: no reader ${name}`);
    return reader;
  }

  #emit(event: PcscEvent): void {
    for (const session of this.#sessions) session.deliver(event);
  }
}

class FakePcscSession implements PcscSession {
  readonly #binding: FakePcscBinding;
  readonly #forget: () => void;
  readonly #listeners: ((event: PcscEvent) => void)[] = [];
  readonly #connections = new Set<FakeCardConnection>();
  #open = true;

  constructor(binding: FakePcscBinding, forget: () => void) {
    this.#binding = binding;
    this.#forget = forget;
  }

  async readers(): Promise<PcscReaderState[]> {
    this.#requireOpen();
    return this.#binding.listReaders();
  }

  onEvent(listener: (event: PcscEvent) => void): void {
    this.#listeners.push(listener);
  }

  async connect(reader: string): Promise<PcscCardConnection> {
    this.#requireOpen();
    const connection = this.#binding.connect(reader);
    this.#connections.add(connection);
    return connection;
  }

  async close(): Promise<void> {
    this.#end();
  }

  deliver(event: PcscEvent): void {
    if (!this.#open) return;
    // As a native monitor thread does: events reach JavaScript on a later turn.
    queueMicrotask(() => {
      if (this.#open || event.type === 'failed') for (const listener of this.#listeners) listener(event);
    });
  }

  /** The daemon went away: the session's cards and monitor fail with it. */
  fail(error: PcscError): void {
    if (!this.#open) return;
    for (const connection of this.#connections) connection.lose(error);
    this.deliver({ type: 'failed', error });
    this.#end();
  }

  #end(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const connection of this.#connections) connection.release();
    this.#forget();
  }

  #requireOpen(): void {
    if (!this.#open) throw new PcscError('no-service', 'Invalid handle: the context was released');
  }
}

class FakeCardConnection implements PcscCardConnection {
  readonly protocol: CardProtocol;
  readonly #card: FakeCard;
  readonly #record: (command: Uint8Array) => void;
  readonly #release: () => void;
  readonly #onDisconnect: (reset: boolean) => void;
  readonly #inFlight = new Set<(error: PcscError) => void>();
  #lost: PcscError | undefined;
  #connected = true;
  constructor(card: FakeCard, record: (command: Uint8Array) => void, release: () => void, onDisconnect: (reset: boolean) => void) {
    this.#card = card;
    this.protocol = card.protocol ?? 'T=1';
    this.#record = record;
    this.#release = release;
    this.#onDisconnect = onDisconnect;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    if (!this.#connected) return Promise.reject(new PcscError('failed', 'Invalid handle'));
    this.#record(command);
    return new Promise((resolve, reject) => {
      this.#inFlight.add(reject);
      Promise.resolve()
        .then(() => this.#card.respond(Uint8Array.from(command)))
        .then(
          (response) => {
            this.#inFlight.delete(reject);
            if (this.#lost === undefined) resolve(Uint8Array.from(response));
          },
          (error: unknown) => {
            this.#inFlight.delete(reject);
            reject(error instanceof PcscError ? error : new PcscError('failed', String(error)));
          },
        );
    });
  }

  async disconnect(reset: boolean): Promise<void> {
    this.#onDisconnect(reset);
    this.release();
  }

  lose(error: PcscError): void {
    this.#lost ??= error;
    for (const reject of [...this.#inFlight]) reject(error);
    this.#inFlight.clear();
  }

  release(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#release();
  }
}
