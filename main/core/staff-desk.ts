import { CHIP_CAN_REFUSALS, type ChipCanRequest, type ChipCanResult } from '../../domain/contract/chip-reading.js';
import type { OverrideRequest, OverrideResult } from '../../domain/contract/operator-override.js';
import type { ConfirmRequest, ConfirmResult } from '../../domain/contract/staff-confirm.js';
import { STAFF_REFUSALS, type StaffSessionState, type StaffSignInResult } from '../../domain/contract/staff-session.js';
import { TYPED_ID_DEVICE, type TypedIdRequest, type TypedIdResult } from '../../domain/contract/typed-id.js';
import { isParseError } from '../../domain/credentials/credential.js';
import { parseManualEntry } from '../../domain/credentials/manual-entry.js';
import type { ScanEvent } from '../../domain/scan/scan-event.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { GatePolicy } from '../devices/gate-policy.js';
import type { StaffSessions } from '../staff/staff-sessions.js';
import type { EntryLog } from '../store/entry-log.js';
import type { ChipCanReceiver } from './card-qr-hooks.js';
import type { DecidedVerdict } from './kiosk-event-hub.js';
import { entryGate, overrideLastVerdict } from './operator-override.js';
import type { EntryStation, ScanGate, ScanPipeline } from './scan-pipeline.js';
import { decideLogged } from './decision-log.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { confirmLastVerdict } from './staff-confirm.js';
import { staffIdentity } from './staff-identity.js';

export interface StaffDeskOptions {
  readonly sessions: StaffSessions;
  readonly log: EntryLog;
  readonly station: EntryStation;
  readonly gatePolicy: (lane: string) => GatePolicy;
  /** A staff decision was committed: the relays of the person's lane act on it. */
  readonly openGate: (decided: DecidedVerdict) => void;
  /** Where a typed ID is decided: the same pipeline, and so the same commit, as every scan. */
  readonly pipeline: ScanPipeline;
  /** The lane and direction of what is entered at the screen (the wedge's, as a demo card's): a typed ID's. */
  readonly screenGate: () => ScanGate;
  /** The screen's own lane: a CAN typed without one is for that lane's reader. */
  readonly screenLane: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * Everything staff do at the kiosk through the core — sign in and out, override, confirm, type a
 * card access number or a person's ID — behind one rule: with staff PINs set, only within a staff session, and
 * who decided is the session's staff member, never a name typed on the screen (staff-identity.ts).
 */
export class StaffDesk {
  private chipStation: ChipCanReceiver | undefined;

  constructor(private readonly options: StaffDeskOptions) {}

  signIn(pin: string): Promise<StaffSignInResult> {
    return this.options.sessions.signIn(pin);
  }

  signOut(): StaffSessionState {
    this.options.sessions.signOut();
    return this.options.sessions.state();
  }

  session(): StaffSessionState {
    return this.options.sessions.state();
  }

  override(request: OverrideRequest): OverrideResult {
    const who = staffIdentity(this.options.sessions, request.by);
    const result: OverrideResult = who.ok
      ? overrideLastVerdict(this.options.log, this.options.station, { ...request, by: who.by }, this.options.now())
      : { ok: false, refusal: who.refusal };
    this.logDecision('override', request.seq, result);
    if (result.ok) this.openedGate(result.verdict);
    return result;
  }

  confirm(request: ConfirmRequest): ConfirmResult {
    const who = staffIdentity(this.options.sessions, request.by);
    const result: ConfirmResult = who.ok
      ? confirmLastVerdict(this.options.log, this.options.station, this.options.gatePolicy, { ...request, by: who.by }, this.options.now())
      : { ok: false, refusal: who.refusal };
    this.logDecision('confirm', request.seq, result);
    if (result.ok) this.openedGate(result.verdict);
    return result;
  }

  /** The chip station that serves typed card access numbers; none: every CAN is refused. */
  attachChipStation(station: ChipCanReceiver | undefined): void {
    this.chipStation = station;
  }

  /**
   * Whether a staff action with no staff name to log (the CAN keypad, the inputs' direction)
   * may go ahead: with PINs set, only within a staff session.
   */
  mayAct(): { readonly ok: true } | { readonly ok: false; readonly refusal: typeof STAFF_REFUSALS.signInRequired } {
    const { sessions } = this.options;
    return sessions.pinsConfigured() && sessions.identity() === undefined ? { ok: false, refusal: STAFF_REFUSALS.signInRequired } : { ok: true };
  }

  /** A typed CAN for the chip card reader of the lane (default: the screen's own); refused where the lane has none. */
  enterChipCan(request: ChipCanRequest): ChipCanResult {
    // The CAN keypad is a staff action: with PINs set, only in a staff session (no typed name to log here).
    const may = this.mayAct();
    if (!may.ok) return may;
    const lane = request.lane ?? this.options.screenLane;
    return this.chipStation?.enterCan(request.can, lane) ?? { ok: false, refusal: CHIP_CAN_REFUSALS.noReader };
  }

  /**
   * A person's ID typed by staff: refused (nothing logged) without a staff session where PINs are
   * set, or when the digits are not an ID by the parser's own rules (the keypad says the same
   * before it sends); else decided like a scan, the entry naming the staff member — a person
   * outside the kiosk's data asked about at the hub as for a scan, within the same bound.
   */
  async enterTypedId(request: TypedIdRequest): Promise<TypedIdResult> {
    const who = staffIdentity(this.options.sessions, request.by);
    if (!who.ok) {
      this.options.logger.info('staff typed ID refused', { code: who.refusal.code });
      return { ok: false, refusal: who.refusal };
    }
    const parsed = parseManualEntry(request.id);
    if (isParseError(parsed)) {
      this.options.logger.info('staff typed ID refused', { code: parsed.code });
      return { ok: false, refusal: { code: parsed.code, ...parsed.message } };
    }
    return { ok: true, verdict: await this.decideTyped(request.id, who.by) };
  }

  /**
   * A typed ID, read at the screen: never a repeat (staff typed it on purpose), committed like
   * any scan, then the lane's relays act on it. Throws when it cannot be logged.
   */
  private async decideTyped(id: string, enteredBy: string): Promise<Verdict> {
    const { pipeline, screenGate, now, logger, openGate } = this.options;
    const gate = screenGate();
    const source: ScanEvent['source'] = { kind: 'manual', deviceId: TYPED_ID_DEVICE };
    const scan = { source, text: id, at: toVietnamIso(now()) };
    const { verdict } = await decideLogged(logger, () => pipeline.decideScanAsking(scan, gate, { enteredBy }), source.kind);
    openGate({ verdict, source, lane: gate.lane, direction: gate.direction });
    return verdict;
  }

  /** Staff decisions: which entry, and the outcome; never who (a staff name) or their words. */
  private logDecision(kind: 'override' | 'confirm', seq: number, result: OverrideResult | ConfirmResult): void {
    if (result.ok) this.options.logger.info(`staff ${kind}`, { entry: result.verdict.entrySeq, of: seq });
    else this.options.logger.info(`staff ${kind} refused`, { of: seq, code: result.refusal.code });
  }

  /** A staff decision is committed: the relays of the lane the person scanned at open, as for any verdict. */
  private openedGate(verdict: Verdict): void {
    const entry = this.options.log.get(verdict.entrySeq);
    const gate = entry === undefined ? this.options.station : entryGate(entry, this.options.station);
    const source = { kind: (entry?.sourceKind ?? 'manual') as ScanEvent['source']['kind'], deviceId: entry?.sourceDeviceId ?? 'staff' };
    this.options.openGate({ verdict, source, lane: gate.lane, direction: gate.direction });
  }
}
