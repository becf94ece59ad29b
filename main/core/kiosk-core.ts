import { signInWithBadge } from '../staff/staff-badge.js';
import { join } from 'node:path';
import type { KioskApi, KioskInfo, ScanSubmission } from '../../domain/contract/kiosk-api.js';
import type { KioskStatus } from '../../domain/contract/kiosk-status.js';
import { OVERRIDE_LIMITS, OVERRIDE_PRESET_REASONS, type OverrideRequest, type OverrideResult } from '../../domain/contract/operator-override.js';
import { DEFAULT_SOUND_SETTINGS } from '../../domain/contract/sound-settings.js';
import { DEFAULT_THEME_SETTINGS } from '../../domain/contract/theme-settings.js';
import type { TodayStats } from '../../domain/contract/today-stats.js';
import type { Diagnostics } from '../../domain/devices/diagnostics.js';
import { DiagnosticsService } from '../diagnostics/diagnostics-service.js';
import { firmwareConfigDir } from '../diagnostics/firmware-config-dir.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { chotVersion } from '../config/paths.js';
import { demoCards, demoRecords } from '../demo/demo-people.js';
import { EntryLog } from '../store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../store/facts-database.js';
import { FactsStore } from '../store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../store/kiosk-database.js';
import { RuleSetRepository } from '../rules/rule-set-repository.js';
import { loadVerificationPorts } from '../trust/kiosk-trust.js';
import type { ConfirmRequest, ConfirmResult } from '../../domain/contract/staff-confirm.js';
import type { ChipCanRequest, ChipCanResult, ChipReadingState } from '../../domain/contract/chip-reading.js';
import { CardQrListeners, type CardQrDecided, type ChipCanReceiver } from './card-qr-hooks.js';
import { ScanPipeline, type ChipReadDecision, type EntryStation, type ScanGate } from './scan-pipeline.js';
import type { KioskEvent } from '../../domain/contract/kiosk-events.js';
import type { ScanEvent, ScanSource } from '../../domain/scan/scan-event.js';
import { gatePolicyFor, type GatePolicy } from '../devices/gate-policy.js';
import { devicesEvent, KioskEventHub, type DecidedVerdict } from './kiosk-event-hub.js';
import type { Logger } from '../../platform/logging/logger.js';
import { stderrLogger } from '../logging/kiosk-logger.js';
import type { StaffSessionState, StaffSignInRequest, StaffSignInResult } from '../../domain/contract/staff-session.js';
import { StaffPinStore } from '../staff/staff-pin-store.js';
import { StaffSessions } from '../staff/staff-sessions.js';
import type { InputDirectionRequest, InputDirectionResult } from '../../domain/contract/input-lanes.js';
import { VerdictRepeats } from './repeat-filter.js';
import { ScreenInputGates } from './screen-input-gates.js';
import { StaffDesk } from './staff-desk.js';
import { decideLogged } from './decision-log.js';
import { KioskStatusReport } from './kiosk-status-report.js';
import type { TypedIdRequest, TypedIdResult } from '../../domain/contract/typed-id.js';

import { DEFAULT_WEDGE_SETTINGS, stationOf, type KioskCoreOptions } from './kiosk-core-options.js';

export { DEFAULT_WEDGE_SETTINGS, type KioskCoreOptions } from './kiosk-core-options.js';

export { KIOSK_DATABASE_FILE } from '../store/kiosk-database.js';

/** The kiosk's core services, the same in Electron's main process and in browser mode. */
export class KioskCore implements KioskApi {
  private readonly pipeline: ScanPipeline;
  private readonly info: KioskInfo;
  private readonly rules: RuleSetRepository;
  private readonly stopWatchingRules: () => void;
  private readonly facts: FactsStore;
  private readonly log: EntryLog;
  private readonly station: EntryStation;
  private readonly hub: KioskEventHub;
  private readonly diagnostics: DiagnosticsService;
  private readonly logger: Logger;
  private readonly cardQrs: CardQrListeners;
  private readonly inputs: ScreenInputGates;
  private readonly repeats: VerdictRepeats;
  private readonly staffDesk: StaffDesk;
  private readonly report: KioskStatusReport;

  /**
   * Two files, two write locks: the entry log commits every verdict before it is shown,
   * and must never wait for a sync swapping millions of people in (facts-database.ts).
   */
  private constructor(
    private readonly db: SqliteDatabase,
    private readonly factsDb: SqliteDatabase,
    private readonly options: KioskCoreOptions,
  ) {
    const now = options.now ?? Date.now;
    this.logger = (options.logger ?? stderrLogger()).child({ component: 'core' });
    this.hub = new KioskEventHub((message) => this.logger.error(message));
    this.cardQrs = new CardQrListeners((message) => this.logger.error(message));
    const facts = new FactsStore(factsDb);
    this.facts = facts;
    if (options.demo) {
      // The demo data set is dated relative to now, so it is as fresh as a sync that just happened.
      facts.upsertMany(demoRecords(now()));
      facts.markSynced(now());
    }
    const trust = loadVerificationPorts({ dataDir: options.dataDir });
    // Compile the DCC schemas at start, not at the first DCC scanned.
    trust.dccSchemas?.compileAll();
    const rulesLogger = this.logger.child({ component: 'rules' });
    this.rules = new RuleSetRepository(options.dataDir, trust.hubKeys, (message) => rulesLogger.warn(message));
    this.stopWatchingRules = this.rules.watch();
    const station = stationOf(options);
    this.station = station;
    this.inputs = new ScreenInputGates(options.inputs ?? {}, station);
    // Logged by code only: which entry was read again, from what kind of input.
    this.repeats = new VerdictRepeats(options.repeatWindowMs, (first, source) =>
      this.logger.debug('scan repeated', { entry: first.entrySeq, source: source.kind }),
    );
    this.log = new EntryLog(db);
    this.pipeline = new ScanPipeline({
      facts,
      log: this.log,
      rulesAt: (at) => this.rules.inForce(at),
      now,
      trust,
      station,
      gatePolicy: (lane) => this.gatePolicy(lane),
      // The sessions are made just below; a scan reaches this only once the core is built.
      staffBadge: (badge) => signInWithBadge(badge, sessions, staffLogger),
    });
    const staffLogger = this.logger.child({ component: 'staff' });
    const sessions = new StaffSessions({
      pins: options.staffPins ?? new StaffPinStore(options.dataDir),
      now,
      logger: staffLogger,
      ...(options.staffIdleMs === undefined ? {} : { idleMs: options.staffIdleMs }),
    });
    this.diagnostics = new DiagnosticsService({
      firmwareConfigDir: options.firmwareConfigDir ?? firmwareConfigDir(),
      now,
      ...(options.devices === undefined ? {} : { devices: options.devices }),
    });
    this.info = {
      version: chotVersion(),
      // The screen stands where its wedge does: the chip prompt shows that lane's reader.
      lane: this.inputs.gateOf('wedge').lane,
      wedge: { ...DEFAULT_WEDGE_SETTINGS, ...options.wedge },
      verdictHoldMs: options.verdictHoldMs ?? 5000,
      override: { presetReasons: OVERRIDE_PRESET_REASONS, ...OVERRIDE_LIMITS },
      sound: options.sound ?? DEFAULT_SOUND_SETTINGS,
      theme: options.theme ?? DEFAULT_THEME_SETTINGS,
      ...(options.demo ? { demoCards: demoCards() } : {}),
    };
    this.staffDesk = new StaffDesk({
      sessions,
      log: this.log,
      station,
      gatePolicy: (lane) => this.gatePolicy(lane),
      openGate: (decided) => this.hub.verdict(decided),
      pipeline: this.pipeline,
      screenGate: () => this.inputs.gateOf('manual'),
      screenLane: this.info.lane,
      now,
      logger: this.logger,
    });
    this.report = new KioskStatusReport({
      facts,
      log: this.log,
      rules: this.rules,
      now,
      demo: options.demo,
      readinessChanged: (readiness) => this.hub.event({ name: 'readiness', readiness }),
      ...(options.syncState === undefined ? {} : { syncState: options.syncState }),
      ...(options.uploadState === undefined ? {} : { uploadState: options.uploadState }),
      ...(options.devices === undefined ? {} : { devices: options.devices }),
    });
  }

  static open(options: KioskCoreOptions): KioskCore {
    // The kiosk database first: its migration 4 moves the people of an older kiosk into
    // the facts database, which must be complete before anything reads it.
    const db = openKioskDatabase(join(options.dataDir, KIOSK_DATABASE_FILE));
    let factsDb: SqliteDatabase | undefined;
    try {
      factsDb = openFactsDatabase(join(options.dataDir, FACTS_DATABASE_FILE));
      return new KioskCore(db, factsDb, options);
    } catch (error) {
      factsDb?.close();
      db.close();
      throw error;
    }
  }

  /** Where sync installs rule sets: the core's own repository, so a new set applies at once. */
  get ruleSets(): RuleSetRepository {
    return this.rules;
  }

  /** The facts database, for the sync applier (SyncApplierOptions.factsDatabaseFile) to open its own connection to. */
  get factsDatabaseFile(): string {
    return this.factsDb.name;
  }

  async submitScan(submission: ScanSubmission): Promise<Verdict> {
    const nowMs = (this.options.now ?? Date.now)();
    // The page's inputs are logged at their configured lane and direction (staff may switch it).
    const gate = this.inputs.gateOf(submission.source.kind);
    const scan = {
      source: submission.source,
      text: submission.text,
      overflow: submission.overflow === true,
      ...(submission.startLost === undefined ? {} : { startLost: submission.startLost }),
      at: toVietnamIso(nowMs),
    };
    // The renderer that asked shows it from the answer (a repeat: not again); the relays of the input's lane act on it.
    return this.decideRead(scan, gate, nowMs, (verdict) =>
      this.hub.verdict({ verdict, source: submission.source, lane: gate.lane, direction: gate.direction }),
    );
  }

  /**
   * A scan read by a device the core drives (serial or HID-POS scanner) at `gate`: decided
   * and committed like any scan, THEN the lane's relays act on it and the screen is told —
   * so nothing opens or shows before its entry is durable. Throws when it cannot be logged.
   */
  submitDeviceScan(scan: ScanEvent, gate: ScanGate): Verdict {
    const nowMs = (this.options.now ?? Date.now)();
    return this.decideRead(scan, gate, nowMs, (verdict) =>
      this.publishDeviceVerdict({ verdict, source: scan.source, lane: gate.lane, direction: gate.direction }),
    );
  }

  /**
   * One read of any input: a repeat of a read on the same input within the window
   * (repeat-filter.ts) is answered with the first verdict, marked, and changes nothing — no
   * entry, no relay pulse, no push; only its card QR's chip keys go to the lane's reader again.
   */
  private decideRead(scan: ScanEvent, gate: ScanGate, nowMs: number, publish: (verdict: Verdict) => void): Verdict {
    const repeat = this.repeats.repeatOf(scan.source, gate.lane, scan.text, nowMs);
    const decided = repeat ?? decideLogged(this.logger, () => this.pipeline.decideScan(scan, gate), scan.source.kind);
    if (repeat === undefined) {
      this.repeats.remember(scan.source, gate.lane, scan.text, decided, nowMs);
      publish(decided.verdict);
    }
    this.cardQrs.decided(decided.credential, decided.verdict, gate.lane);
    return decided.verdict;
  }

  /**
   * A chip card read (or a read that failed) by the chip card reader `source` at `gate`:
   * decided and committed like any scan, then the lane's relays act on it (the gate policy:
   * chip-verified opens by default) and the screen is told. Throws when it cannot be logged.
   */
  submitChipRead(read: ChipReadDecision, source: ScanSource, gate: ScanGate): Verdict {
    const { verdict } = decideLogged(this.logger, () => ({ verdict: this.pipeline.decideChip(read, source, gate) }), source.kind);
    this.publishDeviceVerdict({ verdict, source, lane: gate.lane, direction: gate.direction });
    return verdict;
  }

  /** A chip card reader's state changed: the screen's card prompt and progress (chip-reading.ts). */
  chipReadingChanged(state: ChipReadingState): void {
    this.hub.event({ name: 'chip', state });
  }

  /** Every committed verdict of a chip ID card's QR with its 12-digit ID: the chip station takes its keys from them. */
  onCardQrDecided(listener: (decided: CardQrDecided) => void): () => void {
    return this.cardQrs.add(listener);
  }

  /** The chip station that serves typed card access numbers (enterChipCan); none: every CAN is refused. */
  attachChipStation(station: ChipCanReceiver | undefined): void {
    this.staffDesk.attachChipStation(station);
  }

  private publishDeviceVerdict(decided: DecidedVerdict): void {
    this.hub.verdict(decided);
    this.hub.event({ name: 'verdict', ...decided });
  }

  /** Every committed verdict, with its lane (the device manager pulses that lane's relays). */
  onVerdict(listener: (decided: DecidedVerdict) => void): () => void {
    return this.hub.onVerdict(listener);
  }

  /** What the core pushes to the renderer (kiosk-events.ts): device verdicts and device states. */
  onEvent(listener: (event: KioskEvent) => void): () => void {
    return this.hub.onEvent(listener);
  }

  /** The device manager says a device changed state: the screen hears at once. */
  devicesChanged(): void {
    this.hub.event(devicesEvent(this.options.devices?.() ?? []));
  }

  async getKioskInfo(): Promise<KioskInfo> {
    return { ...this.info, inputs: this.inputs.current };
  }

  /**
   * Staff switched which way people pass the wedge and the camera. Reads remembered as repeats
   * are forgotten: a card read again after the switch is logged with the new direction.
   */
  async setInputDirection(request: InputDirectionRequest): Promise<InputDirectionResult> {
    // A staff action: a page without a staff session cannot change how entries are logged.
    const may = this.staffDesk.mayAct();
    if (!may.ok) return may;
    const inputs = this.inputs.setDirection(request.direction);
    this.repeats.clear();
    this.logger.info('staff switched the input direction', { direction: request.direction, wedgeLane: inputs.wedge.lane, cameraLane: inputs.camera.lane });
    return { ok: true, inputs };
  }

  async getKioskStatus(): Promise<KioskStatus> {
    return this.report.status();
  }

  /** The sync moved or time passed: the screen hears of a readiness change at once (kiosk-status-report.ts). */
  statusChanged(): void {
    this.report.statusChanged();
  }

  async getTodayStats(): Promise<TodayStats> {
    return this.report.todayStats();
  }

  async overrideLastVerdict(request: OverrideRequest): Promise<OverrideResult> {
    return this.staffDesk.override(request);
  }

  async confirmLastVerdict(request: ConfirmRequest): Promise<ConfirmResult> {
    return this.staffDesk.confirm(request);
  }

  private gatePolicy(lane: string): GatePolicy {
    return gatePolicyFor(this.options.gates, lane);
  }

  async enterChipCan(request: ChipCanRequest): Promise<ChipCanResult> {
    return this.staffDesk.enterChipCan(request);
  }

  async enterTypedId(request: TypedIdRequest): Promise<TypedIdResult> {
    return this.staffDesk.enterTypedId(request);
  }

  async staffSignIn(request: StaffSignInRequest): Promise<StaffSignInResult> {
    return this.staffDesk.signIn(request.pin);
  }

  async staffSignOut(): Promise<StaffSessionState> {
    return this.staffDesk.signOut();
  }

  async getStaffSession(): Promise<StaffSessionState> {
    return this.staffDesk.session();
  }

  async getDiagnostics(): Promise<Diagnostics> {
    return this.diagnostics.getDiagnostics();
  }

  close(): void {
    this.stopWatchingRules();
    this.factsDb.close();
    this.db.close();
  }
}
