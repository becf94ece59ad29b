import { DeviceFault } from '../device.js';
import { asPcscError, type CardProtocol, type PcscCardConnection } from './pcsc-binding.js';
import { transmitT0 } from './t0-responses.js';

/** What a person is told when the card leaves the reader during a read. */
export const CARD_REMOVED = 'thẻ đã được rút ra khỏi đầu đọc · the card was removed from the reader';

/**
 * A chip card in a reader, connected exclusively: the port the ICAO 9303 protocol code talks
 * through (`transmit`: command APDU in, response data ‖ SW1 SW2 out).
 */
export interface ChipCard {
  readonly reader: string;
  /** The card's answer to reset, as the reader reported it. */
  readonly atr: Uint8Array;
  readonly protocol: CardProtocol;
  /** False once the card has left, stopped answering or the reader was closed: every transmit then rejects. */
  readonly usable: boolean;
  /**
   * Sends one command APDU; over T=0 the card's `61 XX` and `6C XX` are followed up
   * (t0-responses.ts), so the answer is the same as over T=1. Commands are sent one at a time, in call order (a second call
   * waits for the first). Rejects with a DeviceFault, never hangs: `unplugged` when the card
   * was removed (before or during the command), `io` when it failed or did not answer within
   * the reader's APDU timeout.
   */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/**
 * The driver's ChipCard over one exclusive PC/SC connection. Any failed command ends the
 * card: a lost response leaves the card's secure-messaging counter out of step, so the
 * protocol must start over on a fresh connection anyway.
 */
export class ConnectedChipCard implements ChipCard {
  readonly reader: string;
  readonly atr: Uint8Array;
  readonly #connection: PcscCardConnection;
  readonly #timeoutMs: number;
  readonly #onBroken: (card: ConnectedChipCard, fault: DeviceFault, timedOut: boolean) => void;
  /** Rejecters of the command in flight, so an end (removal, close) settles it at once. */
  readonly #inFlight = new Set<(fault: DeviceFault) => void>();
  #queue: Promise<unknown> = Promise.resolve();
  #ended: DeviceFault | undefined;

  constructor(
    reader: string,
    atr: Uint8Array,
    connection: PcscCardConnection,
    timeoutMs: number,
    onBroken: (card: ConnectedChipCard, fault: DeviceFault, timedOut: boolean) => void,
  ) {
    this.reader = reader;
    this.atr = Uint8Array.from(atr);
    this.#connection = connection;
    this.#timeoutMs = timeoutMs;
    this.#onBroken = onBroken;
  }

  get protocol(): CardProtocol {
    return this.#connection.protocol;
  }

  get usable(): boolean {
    return this.#ended === undefined;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const copy = Uint8Array.from(command);
    const sent = this.#queue.then(() => this.#send(copy));
    this.#queue = sent.catch(() => undefined);
    return sent;
  }

  /** The card is gone (removed, reader closed): the command in flight and every later one reject with `fault`. */
  end(fault: DeviceFault): void {
    this.#ended ??= fault;
    for (const reject of [...this.#inFlight]) reject(this.#ended);
  }

  /** Releases the PC/SC connection; failures are ignored (the card or daemon may already be gone). */
  async release(reset: boolean): Promise<void> {
    await this.#connection.disconnect(reset).catch(() => undefined);
  }

  #send(command: Uint8Array): Promise<Uint8Array> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const fail = (fault: DeviceFault): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight.delete(fail);
        reject(fault);
      };
      // A reader or card that never answers must not hang the gate: the command fails on its own.
      const timer = setTimeout(() => {
        const fault = new DeviceFault('io', this.reader, `the card did not answer within ${this.#timeoutMs} ms`);
        fail(fault);
        this.#broken(fault, true);
      }, this.#timeoutMs);
      this.#inFlight.add(fail);
      const connection = this.#connection;
      const exchange = connection.protocol === 'T=0' ? transmitT0(command, (apdu) => connection.transmit(apdu)) : connection.transmit(command);
      exchange.then(
        (response) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.#inFlight.delete(fail);
          if (response.length < 2) {
            // Nothing at all is what vpcd hands back when its card vanishes mid-command: no
            // answer, like a failed transmit. One byte is a broken answer.
            const fault =
              response.length === 0
                ? new DeviceFault('io', this.reader, 'the card stopped answering: an empty response')
                : new DeviceFault('protocol', this.reader, `the reader returned ${response.length} byte: a response needs at least SW1 SW2`);
            reject(fault);
            this.#broken(fault);
            return;
          }
          resolve(Uint8Array.from(response));
        },
        (error: unknown) => {
          if (settled) return;
          const fault = transmitFault(this.reader, error);
          fail(fault);
          this.#broken(fault);
        },
      );
    });
  }

  #broken(fault: DeviceFault, timedOut = false): void {
    if (this.#ended !== undefined) return;
    this.end(fault);
    this.#onBroken(this, fault, timedOut);
  }
}

/** A failed transmit as the fault the caller sees: removal is `unplugged`, the rest `io`. */
function transmitFault(reader: string, error: unknown): DeviceFault {
  const pcsc = asPcscError(error);
  switch (pcsc.kind) {
    case 'card-removed':
    case 'no-card':
    case 'reader-unavailable':
      return new DeviceFault('unplugged', reader, `${CARD_REMOVED} (${pcsc.message})`, { cause: error });
    default:
      return new DeviceFault('io', reader, `the card stopped answering: ${pcsc.message}`, { cause: error });
  }
}
