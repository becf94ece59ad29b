import type { ScanSubmission } from '../../domain/contract/kiosk-api.js';
import { isEnrollmentQr } from '../../domain/enrollment/enrollment-qr.js';
import type { ScanEvent, ScanSource } from '../../domain/scan/scan-event.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { CardQrListeners } from './card-qr-hooks.js';
import { decideLogged } from './decision-log.js';
import type { DecidedVerdict, KioskEventHub } from './kiosk-event-hub.js';
import type { KioskHubLink } from './kiosk-hub-link.js';
import type { DecidedRead, VerdictRepeats } from './repeat-filter.js';
import type { ChipReadDecision, HubFactsPort, ScanGate, ScanPipeline } from './scan-pipeline.js';
import type { ScreenInputGates } from './screen-input-gates.js';

export interface ScanDeskOptions {
  /** The core's pipeline, built with this desk's hub lookup (hubFactsPort) as its ScanPipelineDeps.hubFacts. */
  readonly pipeline: () => ScanPipeline;
  readonly repeats: VerdictRepeats;
  readonly cardQrs: CardQrListeners;
  /** Where verdicts go: the relays of their lane, and the screen for reads it did not ask for. */
  readonly hub: KioskEventHub;
  /** An enrolment QR is read by the link, never decided as an entry (qr-enrollment.ts). */
  readonly link: Pick<KioskHubLink, 'readSetupQr'>;
  readonly inputs: ScreenInputGates;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * Every read the core decides — the page's scans, the scanners it drives, the chip card
 * readers — from the read to the committed verdict and whom it is told to, with the hub
 * lookup for people outside the kiosk's data wired in: the port the runtime attaches once
 * the sync runs (main/sync/hub-facts-lookup.ts), which a scan may wait on, bounded
 * (ScanPipeline.decideScanAsking).
 */
export class ScanDesk {
  #hubFacts: HubFactsPort | undefined;

  constructor(private readonly options: ScanDeskOptions) {}

  /** The lookup attached now, for ScanPipelineDeps.hubFacts; none: a person outside the data is unknown, as offline. */
  readonly hubFactsPort = (): HubFactsPort | undefined => this.#hubFacts;

  /** Attached by the runtime once the sync runs; undefined detaches it. */
  attachHubFacts(port: HubFactsPort | undefined): void {
    this.#hubFacts = port;
  }

  /** A scan the page submitted: the renderer that asked shows it from the answer (a repeat: not again); the relays of the input's lane act on it. */
  async submitScan(submission: ScanSubmission): Promise<Verdict> {
    const nowMs = this.options.now();
    // An enrolment QR is never an entry, a person or a remembered read (qr-enrollment.ts); the page shows its set-up screen from the answer.
    if (isEnrollmentQr(submission.text)) return this.options.link.readSetupQr(submission.text, nowMs).verdict;
    // The page's inputs are logged at their configured lane and direction (staff may switch it).
    const gate = this.options.inputs.gateOf(submission.source.kind);
    const scan = {
      source: submission.source,
      text: submission.text,
      overflow: submission.overflow === true,
      ...(submission.startLost === undefined ? {} : { startLost: submission.startLost }),
      at: toVietnamIso(nowMs),
    };
    return this.#decideRead(scan, gate, nowMs, (verdict) =>
      this.options.hub.verdict({ verdict, source: submission.source, lane: gate.lane, direction: gate.direction }),
    );
  }

  /**
   * A scan read by a device the core drives (serial or HID-POS scanner) at `gate`: decided
   * and committed like any scan, THEN the lane's relays act on it and the screen is told —
   * so nothing opens or shows before its entry is durable. Throws when it cannot be logged.
   */
  async submitDeviceScan(scan: ScanEvent, gate: ScanGate): Promise<Verdict> {
    const nowMs = this.options.now();
    if (isEnrollmentQr(scan.text)) {
      // Read by a scanner the core drives: the screen hears of the set-up as it hears of a verdict.
      const { verdict, setup } = this.options.link.readSetupQr(scan.text, nowMs);
      this.options.hub.event({ name: 'setup', setup });
      return verdict;
    }
    return this.#decideRead(scan, gate, nowMs, (verdict) =>
      this.#publishDeviceVerdict({ verdict, source: scan.source, lane: gate.lane, direction: gate.direction }),
    );
  }

  /**
   * A chip card read (or a read that failed) by the chip card reader `source` at `gate`:
   * decided and committed like any scan, then the lane's relays act on it (the gate policy:
   * chip-verified opens by default) and the screen is told. Throws when it cannot be logged.
   */
  async submitChipRead(read: ChipReadDecision, source: ScanSource, gate: ScanGate): Promise<Verdict> {
    const pipeline = this.options.pipeline();
    const { verdict } = await decideLogged(this.options.logger, async () => ({ verdict: await pipeline.decideChipAsking(read, source, gate) }), source.kind);
    this.#publishDeviceVerdict({ verdict, source, lane: gate.lane, direction: gate.direction });
    return verdict;
  }

  /**
   * One read of any input: a repeat of a read on the same input within the window
   * (repeat-filter.ts) is answered with the first verdict, marked, and changes nothing — no
   * entry, no relay pulse, no push; only its card QR's chip keys go to the lane's reader again.
   * A person outside the kiosk's data may first be asked about at the hub, bounded
   * (ScanPipeline.decideScanAsking); a repeat is answered at once, as ever.
   */
  async #decideRead(scan: ScanEvent, gate: ScanGate, nowMs: number, publish: (verdict: Verdict) => void): Promise<Verdict> {
    const { repeats, logger, pipeline } = this.options;
    const repeat = repeats.repeatOf(scan.source, gate.lane, scan.text, nowMs);
    if (repeat !== undefined) return this.#settleRead(scan, gate, nowMs, publish, repeat, repeat);
    const once = await repeats.decideOnce(scan.source, gate.lane, scan.text, () =>
      decideLogged(logger, () => pipeline().decideScanAsking(scan, gate), scan.source.kind),
    );
    return this.#settleRead(scan, gate, nowMs, publish, once.repeat ? once.decided : undefined, once.decided);
  }

  /** A read decided (or a repeat answered): remembered and published unless a repeat; its card QR's chip keys go to the lane's reader. */
  #settleRead(
    scan: ScanEvent,
    gate: ScanGate,
    nowMs: number,
    publish: (verdict: Verdict) => void,
    repeat: DecidedRead | undefined,
    decided: DecidedRead,
  ): Verdict {
    if (repeat === undefined) {
      this.options.repeats.remember(scan.source, gate.lane, scan.text, decided, nowMs);
      publish(decided.verdict);
    }
    this.options.cardQrs.decided(decided.credential, decided.verdict, gate.lane);
    return decided.verdict;
  }

  #publishDeviceVerdict(decided: DecidedVerdict): void {
    this.options.hub.verdict(decided);
    this.options.hub.event({ name: 'verdict', ...decided });
  }
}
