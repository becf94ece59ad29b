/**
 * The PC/SC transport the chip card reader driver is handed: the part of PC/SC it uses, so
 * that production passes the native binding (`node-pcsc-binding.ts`, the `smartcard` addon
 * over pcsc-lite / winscard) and tests pass a scriptable fake created per test
 * (`fake-pcsc-binding.ts`), with no module-global mock state (docs/architecture.md, "Drivers").
 *
 * One PcscSession is one PC/SC context, i.e. one connection to the pcscd daemon: when pcscd
 * stops, the session fails for good (a context does not survive a daemon restart) and the
 * driver opens a new one.
 */

/**
 * Why a PC/SC call failed, in the words the driver acts on:
 * - `no-service`: pcscd is not running, or the connection to it broke;
 * - `access-denied`: pcscd runs but refuses this user: its polkit check
 *   (`org.debian.pcsc-lite.access_pcsc`, `…access_card`) lets only the user at the seat in by
 *   default, not a kiosk service user (packaging/polkit/ has the rule that lets the kiosk in);
 * - `card-removed`: the card left the reader (or was reset) while in use;
 * - `no-card`: there is no card in the reader any more;
 * - `sharing-violation`: another program holds the card exclusively;
 * - `reader-unavailable`: the reader is gone;
 * - `failed`: anything else (a protocol mismatch, an internal error).
 */
export type PcscErrorKind = 'no-service' | 'access-denied' | 'card-removed' | 'no-card' | 'sharing-violation' | 'reader-unavailable' | 'failed';

export class PcscError extends Error {
  override readonly name = 'PcscError';

  constructor(
    readonly kind: PcscErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A reader as PC/SC lists it; `atr` is there exactly when a card is in it. */
export interface PcscReaderState {
  readonly name: string;
  readonly atr?: Uint8Array | undefined;
  /**
   * pcsc-lite's event counter of the reader (the high 16 bits of dwEventState): it counts card
   * insertions and removals, so two listings that both show a card but different counts saw
   * the card taken out and put back between them. Absent where the binding cannot tell.
   */
  readonly eventCount?: number;
}

/**
 * What the session's monitor reports. `reader-added` carries the card's ATR when the reader
 * already holds one. `failed` ends the session (pcscd stopped): no event follows it.
 */
export type PcscEvent =
  | { readonly type: 'reader-added'; readonly reader: string; readonly atr?: Uint8Array | undefined }
  | { readonly type: 'reader-removed'; readonly reader: string }
  | { readonly type: 'card-inserted'; readonly reader: string; readonly atr: Uint8Array }
  | { readonly type: 'card-removed'; readonly reader: string }
  | { readonly type: 'failed'; readonly error: PcscError };

/** The transmission protocol negotiated with the card (ISO/IEC 7816-3). */
export type CardProtocol = 'T=0' | 'T=1';

/** A card connected exclusively: no other program can talk to it until disconnect(). */
export interface PcscCardConnection {
  readonly protocol: CardProtocol;
  /** One command APDU; resolves with the response data followed by SW1 SW2. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Releases the card; `reset` also resets it (ends any secure-messaging session on it). */
  disconnect(reset: boolean): Promise<void>;
}

export interface PcscSession {
  readers(): Promise<PcscReaderState[]>;
  /** Monitor events, from the moment of the call. */
  onEvent(listener: (event: PcscEvent) => void): void;
  /** Connects to the card in `reader` exclusively, negotiating T=1 or T=0. */
  connect(reader: string): Promise<PcscCardConnection>;
  close(): Promise<void>;
}

export interface PcscBinding {
  /**
   * A new session (PC/SC context); rejects with a PcscError of kind `no-service` when pcscd is
   * not running, `access-denied` when it refuses this user.
   */
  open(): Promise<PcscSession>;
}

/** The error as a PcscError (a binding's own errors are classified by the binding itself). */
export function asPcscError(error: unknown): PcscError {
  if (error instanceof PcscError) return error;
  return new PcscError('failed', error instanceof Error ? error.message : String(error), { cause: error });
}
