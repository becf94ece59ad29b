import type * as SmartcardNamespace from 'smartcard';
import {
  PcscError,
  type CardProtocol,
  type PcscBinding,
  type PcscCardConnection,
  type PcscErrorKind,
  type PcscEvent,
  type PcscReaderState,
  type PcscSession,
} from './pcsc-binding.js';

/**
 * The production PC/SC transport: the `smartcard` addon (N-API, over libpcsclite on Linux,
 * winscard on Windows). Chosen by measurement: drivers/README.md, "Chip card readers".
 *
 * Loaded on first use rather than imported at the top: a kiosk whose native addon cannot load
 * must still start and show a device fault for its card reader instead of failing whole.
 */
type SmartcardModule = typeof SmartcardNamespace;
type NativeContext = SmartcardNamespace.ContextInterface;
type NativeCard = SmartcardNamespace.CardInterface;

let loading: Promise<SmartcardModule> | undefined;

function loadSmartcard(): Promise<SmartcardModule> {
  loading ??= import('smartcard').then((module) => {
    // CommonJS: depending on the loader its exports arrive as named exports or on `default`.
    const withDefault = module as SmartcardModule & { default?: SmartcardModule };
    return withDefault.default ?? withDefault;
  });
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * The addon reports PC/SC failures as plain Errors whose message is pcsc-lite's code in words
 * (its src/pcsc_errors.h): the one place those words become kinds.
 */
const KIND_BY_MESSAGE: ReadonlyMap<string, PcscErrorKind> = new Map([
  ['PC/SC service not running', 'no-service'], // SCARD_E_NO_SERVICE
  ['PC/SC service stopped', 'no-service'], // SCARD_E_SERVICE_STOPPED
  ['Communication error', 'no-service'], // SCARD_F_COMM_ERROR: the socket to pcscd broke
  ['Invalid handle', 'no-service'], // SCARD_E_INVALID_HANDLE: a context from before a pcscd restart
  ['Context is not valid', 'no-service'],
  ['Card was removed', 'card-removed'], // SCARD_W_REMOVED_CARD
  ['Card was reset', 'card-removed'], // SCARD_W_RESET_CARD: another program reset it; our session on it is gone
  ['Card is unpowered', 'card-removed'], // SCARD_W_UNPOWERED_CARD
  ['No smart card present', 'no-card'], // SCARD_E_NO_SMARTCARD
  ['Sharing violation', 'sharing-violation'], // SCARD_E_SHARING_VIOLATION
  ['Reader unavailable', 'reader-unavailable'], // SCARD_E_READER_UNAVAILABLE
  ['Unknown reader', 'reader-unavailable'], // SCARD_E_UNKNOWN_READER
]);

/** An error from the addon as a PcscError of the right kind. */
export function classifySmartcardError(error: unknown): PcscError {
  if (error instanceof PcscError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PcscError(KIND_BY_MESSAGE.get(message) ?? 'failed', message, { cause: error });
}

/**
 * The addon's words for a code it has no text for (its src/pcsc_errors.h). Establishing a
 * context, the only such code pcsc-lite returns is SCARD_W_SECURITY_VIOLATION.
 */
const UNNAMED_CODE = 'Unknown PC/SC error';

/**
 * An error from establishing a context (SCardEstablishContext), as a PcscError. pcscd's polkit
 * check refuses a client by closing its socket before reading its first message (pcsc-lite's
 * winscard_svc.c, ContextThread: "Rejected unauthorized PC/SC client"); the client, waiting for
 * the answer to that message, reads ECONNRESET, which libpcsclite reports as
 * SCARD_W_SECURITY_VIOLATION ("Access was denied by the daemon (Polkit issue?)", winscard_clnt.c,
 * since pcsc-lite 1.9.9). The addon words that code as UNNAMED_CODE; here it becomes
 * `access-denied`.
 */
export function classifyContextError(error: unknown): PcscError {
  const classified = classifySmartcardError(error);
  if (classified.message !== UNNAMED_CODE) return classified;
  return new PcscError('access-denied', 'pcscd refused this user (polkit: org.debian.pcsc-lite.access_pcsc)', { cause: error });
}

/** Large enough for an extended-length response (65 536 bytes of data ‖ SW1 SW2). */
const MAX_RESPONSE_BYTES = 65_538;

export class NodePcscBinding implements PcscBinding {
  async open(): Promise<PcscSession> {
    const smartcard = await loadSmartcard();
    let context: NativeContext;
    try {
      context = new smartcard.Context();
    } catch (error) {
      throw classifyContextError(error);
    }
    return new NodePcscSession(smartcard, context);
  }
}

class NodePcscSession implements PcscSession {
  readonly #smartcard: SmartcardModule;
  readonly #context: NativeContext;
  readonly #monitor: SmartcardNamespace.ReaderMonitorInterface;
  readonly #listeners: ((event: PcscEvent) => void)[] = [];
  #monitoring = false;
  #failed = false;
  #closed = false;

  constructor(smartcard: SmartcardModule, context: NativeContext) {
    this.#smartcard = smartcard;
    this.#context = context;
    this.#monitor = new smartcard.ReaderMonitor();
  }

  async readers(): Promise<PcscReaderState[]> {
    const { SCARD_STATE_PRESENT } = this.#smartcard;
    try {
      return this.#context.listReaders().map((reader) => ({
        name: reader.name,
        atr: (reader.state & SCARD_STATE_PRESENT) !== 0 && reader.atr !== null ? Uint8Array.from(reader.atr) : undefined,
        eventCount: (reader.state >>> 16) & 0xffff,
      }));
    } catch (error) {
      throw classifySmartcardError(error);
    }
  }

  onEvent(listener: (event: PcscEvent) => void): void {
    this.#listeners.push(listener);
    if (this.#monitoring || this.#closed) return;
    this.#monitoring = true;
    // The addon's monitor waits on SCardGetStatusChange in a thread of its own (not libuv's
    // pool) and reports every reader already there first.
    this.#monitor.start((event) => this.#onMonitorEvent(event));
  }

  async connect(name: string): Promise<PcscCardConnection> {
    const { SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } = this.#smartcard;
    try {
      const reader = this.#context.listReaders().find((candidate) => candidate.name === name);
      if (reader === undefined) throw new PcscError('reader-unavailable', `no reader ${name}`);
      const card = await reader.connect(SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1);
      return new NodeCardConnection(this.#smartcard, card);
    } catch (error) {
      throw classifySmartcardError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // stop() cancels the monitor's wait and joins its thread; the context goes after it.
    if (this.#monitoring) this.#monitor.stop();
    this.#context.close();
  }

  #onMonitorEvent(event: SmartcardNamespace.MonitorEvent): void {
    if (this.#closed || this.#failed) return;
    const present = (event.state & this.#smartcard.SCARD_STATE_PRESENT) !== 0;
    const atr = event.atr === null ? undefined : Uint8Array.from(event.atr);
    switch (event.type) {
      case 'reader-attached':
        this.#emit({ type: 'reader-added', reader: event.reader, atr: present ? atr : undefined });
        return;
      case 'reader-detached':
        this.#emit({ type: 'reader-removed', reader: event.reader });
        return;
      case 'card-inserted':
        if (atr !== undefined) this.#emit({ type: 'card-inserted', reader: event.reader, atr });
        return;
      case 'card-removed':
        this.#emit({ type: 'card-removed', reader: event.reader });
        return;
      case 'error': {
        // The monitor keeps retrying a dead context every second; one report ends this session.
        this.#failed = true;
        const error = classifySmartcardError(new Error(event.reader));
        this.#emit({ type: 'failed', error: error.kind === 'failed' ? new PcscError('no-service', error.message, { cause: error }) : error });
      }
    }
  }

  #emit(event: PcscEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

class NodeCardConnection implements PcscCardConnection {
  readonly protocol: CardProtocol;
  readonly #smartcard: SmartcardModule;
  readonly #card: NativeCard;

  constructor(smartcard: SmartcardModule, card: NativeCard) {
    this.#smartcard = smartcard;
    this.#card = card;
    this.protocol = card.protocol === smartcard.SCARD_PROTOCOL_T0 ? 'T=0' : 'T=1';
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    try {
      const response = await this.#card.transmit(Buffer.from(command.buffer, command.byteOffset, command.byteLength), { maxRecvLength: MAX_RESPONSE_BYTES });
      return new Uint8Array(response.buffer, response.byteOffset, response.byteLength);
    } catch (error) {
      throw classifySmartcardError(error);
    }
  }

  async disconnect(reset: boolean): Promise<void> {
    try {
      this.#card.disconnect(reset ? this.#smartcard.SCARD_RESET_CARD : this.#smartcard.SCARD_LEAVE_CARD);
    } catch (error) {
      throw classifySmartcardError(error);
    }
  }
}
