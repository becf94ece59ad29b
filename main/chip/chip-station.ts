import type { ChipCanResult, ChipReadingState } from '../../domain/contract/chip-reading.js';
import { CHIP_CAN_REFUSALS } from '../../domain/contract/chip-reading.js';
import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import type { ChipReadProgress } from '../../domain/chip/read-chip.js';
import type { ChipSignatureVerifier } from '../../domain/chip/signature-verifier.js';
import { canFromId12, mrzCandidatesFromPrintedCard } from '../../domain/chip/vietnam-card-expiry.js';
import type { ScanSource } from '../../domain/scan/scan-event.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { ChipCard } from '../../drivers/chip/chip-card.js';
import { ChipReaderDriver, PCSC_DEVICE_ID, type ChipReaderHandle, type ChipReaderOptions } from '../../drivers/chip/chip-reader.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';
import { NodePcscBinding } from '../../drivers/chip/node-pcsc-binding.js';
import { nodeChipSignatureVerifier } from '../../drivers/chip/node-signature-verifier.js';
import type { PcscBinding } from '../../drivers/chip/pcsc-binding.js';
import { DeviceFault } from '../../drivers/device.js';
import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';
import type { CardQrDecided, ChipCanReceiver } from '../core/card-qr-hooks.js';
import type { LaneDeviceStatus } from '../core/kiosk-event-hub.js';
import type { ChipReadDecision, ScanGate } from '../core/scan-pipeline.js';
import type { ChipReaderSpec } from '../devices/device-spec.js';
import { AUTO } from '../devices/device-spec.js';
import { stderrLogger } from '../logging/kiosk-logger.js';
import { TrustedCscaFolder, type TrustedCscas } from '../trust/csca-certificates.js';
import { boundedChipRead, DEFAULT_CHIP_READ_TIMEOUT_MS } from './bounded-chip-read.js';
import { decodeFaceForDisplay, type FacePhotoPort } from './face-photo.js';
import { DEFAULT_KEY_TTL_MS, PendingChipKeys, type PendingChipKey } from './pending-chip-keys.js';

/** What the station needs of the core (KioskCore): decide a read durably, hear card QRs, tell the screen, serve typed CANs. */
export interface ChipStationCore {
  submitChipRead(read: ChipReadDecision, source: ScanSource, gate: ScanGate): Promise<Verdict>;
  onCardQrDecided(listener: (decided: CardQrDecided) => void): () => void;
  chipReadingChanged(state: ChipReadingState): void;
  attachChipStation(station: ChipCanReceiver | undefined): void;
}

export interface ChipStationOptions {
  readonly specs: readonly ChipReaderSpec[];
  readonly core: ChipStationCore;
  /** Where `trust/csca/` is: the folder is looked at before every read, so a certificate dropped in applies to the next card. */
  readonly dataDir: string;
  /** The kiosk clock (epoch ms): a document signer must be valid at the read. */
  readonly now: () => number;
  /** Default: the `smartcard` addon, loaded when the station first opens PC/SC. Tests pass a FakePcscBinding. */
  readonly binding?: PcscBinding;
  /** The face for the screen (face-photo.ts); default: decodeFaceForDisplay, JPEG as is and JPEG 2000 decoded in a worker. */
  readonly facePhoto?: FacePhotoPort;
  /** How long a key from a card QR or a typed CAN waits for its card (default 60 s). */
  readonly keyTtlMs?: number;
  /** One whole read's bound, when the reader's spec names none (default 20 s). */
  readonly readTimeoutMs?: number;
  readonly reader?: Pick<ChipReaderOptions, 'apduTimeoutMs' | 'reopenBackoff' | 'resyncIntervalMs' | 'brokenCardRetry'>;
  /** Retrying PC/SC when it is not there at start (pcscd down): default 500 ms doubling to 5 s. */
  readonly retry?: BackoffWindow;
  readonly crypto?: ChipCrypto;
  readonly verifier?: ChipSignatureVerifier;
  /** Reader states changed (the screen's device line is pushed from here). */
  readonly onChange?: () => void;
  readonly logger?: Logger;
}

interface ReaderSlot {
  readonly name: string;
  readonly spec: ChipReaderSpec;
  card: ChipCard | undefined;
  /** The card already read (or whose read failed): not read again until it leaves the reader. */
  spent: { readonly card: ChipCard; failed: boolean } | undefined;
  reading: boolean;
  lastReadAt?: string;
}

const DEFAULT_RETRY: BackoffWindow = { minMs: 500, maxMs: 5_000 };

/**
 * The chip card readers at the gate. A card QR decided on a lane with a reader leaves a key
 * for that lane (the CAN: the last 6 digits of the ID; MRZ keys from the ID, the birth date
 * and the expiry the card's age rule allows) for a minute, and the screen asks for the card;
 * staff may type the CAN instead. A card put on the lane's reader with a key waiting is read
 * (PACE or BAC, the files, passive and active authentication, the photo), and the read — or
 * its failure — is decided, logged and shown like any scan; the lane's relays act on it
 * under the gate policy. A card with no key gets `needs-key` and is read as soon as one comes.
 *
 * Never a hang: each command is bounded by the reader's APDU timeout, each read by its own;
 * one read at a time per reader; a card is read once per insertion; PC/SC going away is a
 * device fault the driver's keeper recovers from.
 */
export class ChipStation implements ChipCanReceiver {
  readonly #options: ChipStationOptions;
  readonly #log: Logger;
  readonly #slots = new Map<string, ReaderSlot>();
  readonly #keys: PendingChipKeys;
  readonly #lastState = new Map<string, string>();
  readonly #unsubscribe: () => void;
  #handle: ChipReaderHandle | undefined;
  #fault: LaneDeviceStatus['fault'];
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #cscaProblems = new Set<string>();
  readonly #cscas: TrustedCscaFolder;

  private constructor(options: ChipStationOptions) {
    this.#options = options;
    this.#log = options.logger ?? stderrLogger();
    this.#cscas = new TrustedCscaFolder(options.dataDir);
    this.#keys = new PendingChipKeys(options.keyTtlMs ?? DEFAULT_KEY_TTL_MS, options.now, (lane) => this.#publish(lane));
    this.#unsubscribe = options.core.onCardQrDecided((decided) => this.#cardQr(decided));
    options.core.attachChipStation(this);
  }

  /** Opens PC/SC (or keeps trying, as a device fault, when pcscd is not there); resolves after the first try. */
  static async start(options: ChipStationOptions): Promise<ChipStation> {
    const station = new ChipStation(options);
    await station.#open();
    return station;
  }

  /** A CAN typed by staff for `lane`'s reader. */
  enterCan(can: string, lane: string): ChipCanResult {
    if (!this.#options.specs.some((spec) => spec.lane === lane)) return { ok: false, refusal: CHIP_CAN_REFUSALS.noReader };
    this.#setKey(lane, { key: { can }, forEntrySeq: 0 });
    return { ok: true };
  }

  /** Each configured reader's status, for the screen's device line and the diagnostics. */
  statuses(): readonly LaneDeviceStatus[] {
    return this.#options.specs.map((spec) => {
      const slots = [...this.#slots.values()].filter((slot) => slot.spec === spec);
      const lastReadAt = slots
        .map((slot) => slot.lastReadAt)
        .filter((at) => at !== undefined)
        .sort()
        .at(-1);
      const base = {
        info: { id: spec.path, kind: 'chip-reader' as const },
        lane: spec.lane,
        direction: spec.direction,
        ...(lastReadAt === undefined ? {} : { lastScanAt: lastReadAt }),
      };
      const handle = this.#handle;
      if (handle === undefined || handle.state === 'fault')
        return { ...base, state: this.#fault === undefined ? 'opening' : 'fault', ...(this.#fault === undefined ? {} : { fault: this.#fault }) };
      if (slots.length === 0) {
        const message = spec.path === AUTO ? 'no chip card reader found yet' : `chip card reader "${spec.path}" is not connected`;
        return { ...base, state: 'fault', fault: { kind: 'unplugged', message, at: this.#nowIso() } };
      }
      return { ...base, state: handle.state === 'ready' ? 'ready' : 'opening' };
    });
  }

  /** Stops reading: pending keys forgotten, the reader handle closed (a read in flight ends as its card does). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#unsubscribe();
    this.#options.core.attachChipStation(undefined);
    this.#keys.clear();
    await this.#handle?.close().catch(() => undefined);
  }

  async #open(): Promise<void> {
    if (this.#closed) return;
    const specs = this.#options.specs;
    const driver = new ChipReaderDriver(this.#options.binding ?? new NodePcscBinding(), {
      ...this.#options.reader,
      readers: (name) => this.#specFor(name) !== undefined,
    });
    try {
      const handle = await driver.open();
      if (this.#closed) return void (await handle.close());
      this.#handle = handle;
      this.#fault = undefined;
      this.#failures = 0;
      this.#attach(handle);
      this.#log.info(`chip card readers: PC/SC open (${specs.map((spec) => `${spec.path} on lane ${spec.lane}`).join(', ')})`);
      this.#changed();
    } catch (error) {
      const fault = error instanceof DeviceFault ? error : new DeviceFault('open-failed', PCSC_DEVICE_ID, messageOf(error));
      if (this.#fault?.message !== fault.message) this.#log.warn(`chip card reader: ${fault.message}`, { device: fault.deviceId, fault: fault.kind });
      this.#fault = { kind: fault.kind, message: fault.message, at: this.#nowIso() };
      this.#changed();
      this.#retryTimer = setTimeout(() => void this.#open(), backoffWindow(this.#failures, this.#options.retry ?? DEFAULT_RETRY));
      this.#retryTimer.unref?.();
      this.#failures += 1;
    }
  }

  #attach(handle: ChipReaderHandle): void {
    handle.onReaderAdded((name) => {
      const spec = this.#specFor(name);
      if (spec === undefined || this.#slots.has(name)) return;
      this.#slots.set(name, { name, spec, card: undefined, spent: undefined, reading: false });
      this.#changed();
    });
    handle.onReaderRemoved((name) => {
      const slot = this.#slots.get(name);
      if (slot === undefined) return;
      this.#slots.delete(name);
      this.#publish(slot.spec.lane);
      this.#changed();
    });
    handle.onCardInserted((card) => {
      const slot = this.#slots.get(card.reader);
      if (slot === undefined) return;
      slot.card = card;
      this.#tryRead(slot);
    });
    handle.onCardRemoved((name) => {
      const slot = this.#slots.get(name);
      if (slot === undefined) return;
      slot.card = undefined;
      // A card put back is a new insertion, read again.
      slot.spent = undefined;
      this.#publish(slot.spec.lane);
    });
    handle.onFault((fault) => {
      if (fault.deviceId === PCSC_DEVICE_ID) this.#fault = { kind: fault.kind, message: fault.message, at: this.#nowIso() };
      this.#log.warn(`chip card reader ${fault.deviceId}: ${fault.kind}: ${fault.message}`, { device: fault.deviceId, fault: fault.kind });
      this.#changed();
    });
    handle.onReady(() => {
      this.#fault = undefined;
      this.#log.info('chip card readers: PC/SC ready again');
      this.#changed();
    });
  }

  /** The spec serving a reader: the one naming it, else an `auto` one. */
  #specFor(name: string): ChipReaderSpec | undefined {
    const specs = this.#options.specs;
    return specs.find((spec) => spec.path === name) ?? specs.find((spec) => spec.path === AUTO);
  }

  #cardQr(decided: CardQrDecided): void {
    if (!this.#options.specs.some((spec) => spec.lane === decided.lane)) return;
    const can = canFromId12(decided.id12);
    const mrzCandidates = mrzCandidatesFromPrintedCard(decided);
    this.#setKey(decided.lane, { key: { ...(can === undefined ? {} : { can }), mrzCandidates }, personId: decided.id12, forEntrySeq: decided.entrySeq });
  }

  #setKey(lane: string, key: Omit<PendingChipKey, 'untilMs'>): void {
    this.#keys.set(lane, key);
    for (const slot of this.#laneSlots(lane)) {
      // A new key is a new try for a card whose read failed (a wrong key from another QR); a card read well is not read twice.
      if (slot.spent?.failed === true && slot.spent.card === slot.card) slot.spent = undefined;
    }
    this.#publish(lane);
    for (const slot of this.#laneSlots(lane)) this.#tryRead(slot);
  }

  #laneSlots(lane: string): ReaderSlot[] {
    return [...this.#slots.values()].filter((slot) => slot.spec.lane === lane);
  }

  /** Reads the card on `slot` when there is one not read yet and a key waits; otherwise says what the lane waits for. */
  #tryRead(slot: ReaderSlot): void {
    const lane = slot.spec.lane;
    const card = slot.card;
    const pending = this.#keys.get(lane);
    if (this.#closed || slot.reading || card === undefined || !card.usable || slot.spent?.card === card || pending === undefined) {
      this.#publish(lane);
      return;
    }
    slot.reading = true;
    slot.spent = { card, failed: false };
    const gate: ScanGate = { lane, direction: slot.spec.direction };
    const started = performance.now();
    this.#reading(slot, { step: 'handshake', bytesRead: 0 });
    const read = boundedChipRead({
      card,
      key: pending.key,
      ...(pending.personId === undefined ? {} : { personId: pending.personId }),
      timeoutMs: slot.spec.readTimeoutMs ?? this.#options.readTimeoutMs ?? DEFAULT_CHIP_READ_TIMEOUT_MS,
      crypto: this.#options.crypto ?? nodeChipCrypto,
      verifier: this.#options.verifier ?? nodeChipSignatureVerifier,
      trustedCscas: this.#trustedCscas(),
      scanTime: this.#options.now(),
      clock: () => performance.now(),
      facePhoto: this.#options.facePhoto ?? decodeFaceForDisplay,
      onProgress: (progress) => this.#reading(slot, progress),
    });
    void read.unexpected.then((error) => {
      if (error !== undefined) this.#log.error(`chip card reader ${slot.name}: the read failed unexpectedly: ${messageOf(error)}`, { device: slot.name });
    });
    // The verdict first, then — once nothing of this read touches the card — the reader serves the next one.
    void read.decision
      .then(async (decision) => {
        if (decision.ok) this.#keys.consume(lane, pending);
        else if (slot.spent?.card === card) slot.spent.failed = true;
        // A card taken out mid-read is coming back: its key waits afresh, not what is left of the wait since the QR.
        if (!decision.ok && decision.reason.code === 'chip.card-removed') this.#keys.renew(lane, pending);
        slot.lastReadAt = this.#nowIso();
        await this.#decide(slot, decision, gate, performance.now() - started);
        return read.settled;
      })
      .then(() => {
        slot.reading = false;
        // The next card may already lie there (this one was removed mid-read): one read at a time, in order.
        this.#tryRead(slot);
        this.#changed();
      });
  }

  async #decide(slot: ReaderSlot, decision: ChipReadDecision, gate: ScanGate, ms: number): Promise<void> {
    const source: ScanSource = { kind: 'chip', deviceId: slot.name };
    try {
      await this.#options.core.submitChipRead(decision, source, gate);
    } catch (error) {
      // The core logged it: nothing was shown, nothing opened.
      this.#log.error(`chip card reader ${slot.name}: the read could not be logged: ${messageOf(error)}`, { device: slot.name });
    }
    // Codes only: which reader, how the chip opened and what it proved, never what it holds.
    const fields = decision.ok
      ? {
          device: slot.name,
          access: decision.credential.chip.accessPath,
          passive: decision.credential.chip.passive,
          active: decision.credential.chip.active ?? 'none',
          ms: Math.round(ms),
        }
      : { device: slot.name, reason: decision.reason.code, ms: Math.round(ms) };
    this.#log.info(decision.ok ? 'chip read' : 'chip not read', fields);
  }

  #reading(slot: ReaderSlot, progress: ChipReadProgress): void {
    if (this.#closed) return;
    const state: ChipReadingState = {
      phase: 'reading',
      lane: slot.spec.lane,
      reader: slot.name,
      step: progress.step,
      bytesRead: progress.bytesRead,
      ...(progress.bytesExpected === undefined ? {} : { bytesExpected: progress.bytesExpected }),
    };
    this.#push(state);
  }

  /** What the lane's screen shows when no read is running: a card without key, a key waiting for its card, or nothing. */
  #publish(lane: string): void {
    if (this.#closed) return;
    const slots = this.#laneSlots(lane);
    if (slots.some((slot) => slot.reading)) return;
    const pending = this.#keys.get(lane);
    const keyless = pending === undefined ? slots.find((slot) => slot.card?.usable === true && slot.spent === undefined) : undefined;
    if (keyless !== undefined) this.#push({ phase: 'needs-key', lane, reader: keyless.name });
    else if (pending !== undefined) this.#push({ phase: 'waiting-for-card', lane, forEntrySeq: pending.forEntrySeq, untilMs: pending.untilMs });
    else this.#push({ phase: 'idle', lane });
  }

  #push(state: ChipReadingState): void {
    const text = JSON.stringify(state);
    if (this.#lastState.get(state.lane) === text) return;
    this.#lastState.set(state.lane, text);
    this.#options.core.chipReadingChanged(state);
  }

  /** The CSCAs now (files parsed again only when changed); a file that is not a certificate is said once. */
  #trustedCscas(): TrustedCscas['certificates'] {
    const { certificates, problems } = this.#cscas.current();
    for (const problem of problems) {
      if (this.#cscaProblems.has(problem)) continue;
      this.#cscaProblems.add(problem);
      this.#log.warn(`trusted CSCA skipped: ${problem}`);
    }
    return certificates;
  }

  #changed(): void {
    this.#options.onChange?.();
  }

  #nowIso(): string {
    return new Date(this.#options.now()).toISOString();
  }
}
