import { signInWithBadge } from '../staff/staff-badge.js';
import type { KioskApi, KioskInfo, ScanSubmission } from '../../domain/contract/kiosk-api.js';
import type { KioskStatus } from '../../domain/contract/kiosk-status.js';
import type { OverrideRequest, OverrideResult } from '../../domain/contract/operator-override.js';
import type { TodayStats } from '../../domain/contract/today-stats.js';
import type { Diagnostics } from '../../domain/devices/diagnostics.js';
import { DiagnosticsService } from '../diagnostics/diagnostics-service.js';
import { firmwareConfigDir } from '../diagnostics/firmware-config-dir.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { demoCards, demoRecords } from '../demo/demo-people.js';
import { EntryLog } from '../store/entry-log.js';
import { FactsStore } from '../store/facts-store.js';
import { KioskDatabases } from './kiosk-databases.js';
import { RuleSetRepository } from '../rules/rule-set-repository.js';
import { InstalledTrustFiles } from '../trust/installed-trust-files.js';
import { LiveVerificationPorts } from '../trust/live-verification-ports.js';
import type { ConfirmRequest, ConfirmResult } from '../../domain/contract/staff-confirm.js';
import type { ChipCanRequest, ChipCanResult, ChipReadingState } from '../../domain/contract/chip-reading.js';
import { CardQrListeners, type CardQrDecided, type ChipCanReceiver } from './card-qr-hooks.js';
import { ScanPipeline, type ChipReadDecision, type HubFactsPort, type ScanGate } from './scan-pipeline.js';
import { ScanDesk } from './scan-desk.js';
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
import { KioskStatusReport } from './kiosk-status-report.js';
import type { TypedIdRequest, TypedIdResult } from '../../domain/contract/typed-id.js';
import { ClockWitness, type HeardHubTime } from './clock-witness.js';

import { KioskStation, kioskInfoOf, type KioskCoreOptions } from './kiosk-core-options.js';
import type { UploadStatus } from '../../domain/contract/kiosk-status.js';
import { KioskHubLink } from './kiosk-hub-link.js';
import type { EnrolledKiosk } from '../enrollment/enroll-kiosk.js';

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
  private readonly station: KioskStation;
  private readonly trust: LiveVerificationPorts;
  private readonly link: KioskHubLink;
  private readonly hub: KioskEventHub;
  private readonly diagnostics: DiagnosticsService;
  private readonly logger: Logger;
  private readonly cardQrs: CardQrListeners;
  private readonly inputs: ScreenInputGates;
  private readonly repeats: VerdictRepeats;
  private readonly staffDesk: StaffDesk;
  private readonly report: KioskStatusReport;
  private readonly clock: ClockWitness;
  private readonly pageHeartbeatListeners = new Set<() => void>();
  private readonly scanDesk: ScanDesk;

  private constructor(
    private readonly databases: KioskDatabases,
    private readonly options: KioskCoreOptions,
  ) {
    const { kiosk: db, facts: factsDb } = databases;
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
    const trustLogger = this.logger.child({ component: 'trust' });
    const trust = new LiveVerificationPorts(options.dataDir, (message) => trustLogger.warn(message));
    this.trust = trust;
    const rulesLogger = this.logger.child({ component: 'rules' });
    this.rules = new RuleSetRepository(options.dataDir, trust.current().hubKeys, (message) => rulesLogger.warn(message));
    this.stopWatchingRules = this.rules.watch();
    const station = new KioskStation(options);
    this.station = station;
    this.inputs = new ScreenInputGates(options.inputs ?? {}, station);
    // Logged by code only: which entry was read again, from what kind of input.
    this.repeats = new VerdictRepeats(options.repeatWindowMs, (first, source) =>
      this.logger.debug('scan repeated', { entry: first.entrySeq, source: source.kind }),
    );
    this.log = new EntryLog(db);
    const trustFiles = new InstalledTrustFiles(options.dataDir);
    // The hub's signed instants judge the clock: upload receipts, and the trust files it issued.
    const clock = (this.clock = new ClockWitness({
      db,
      now,
      signedInstants: () => trustFiles.held().map((held) => Date.parse(held.issuedAt)),
      ...(options.clockPolicy === undefined ? {} : { policy: options.clockPolicy }),
    }));
    this.pipeline = new ScanPipeline({
      clock: () => clock.assess(),
      facts,
      log: this.log,
      rulesAt: (at) => this.rules.inForce(at),
      now,
      trust: () => trust.current(),
      station,
      gatePolicy: (lane) => this.gatePolicy(lane),
      // The sessions are made just below; a scan reaches this only once the core is built.
      staffBadge: (badge) => signInWithBadge(badge, sessions, staffLogger),
      hubFacts: () => this.scanDesk.hubFactsPort(),
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
    // The screen stands where its wedge does: the chip prompt shows that lane's reader.
    this.info = kioskInfoOf(options, this.inputs.gateOf('wedge').lane);
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
      clock: () => clock.assess(),
      clockPolicy: clock.policy,
      facts,
      log: this.log,
      rules: this.rules,
      trustFiles: () => trustFiles.held(),
      now,
      demo: () => this.link.demo,
      readinessChanged: (readiness) => this.hub.event({ name: 'readiness', readiness }),
      syncState: () => this.link.syncState(),
      uploadState: () => this.link.uploadState(),
      ...(options.devices === undefined ? {} : { devices: options.devices }),
    });
    this.link = new KioskHubLink({
      demo: options.demo,
      syncState: options.syncState,
      uploadState: options.uploadState,
      setup: {
        dataDir: options.dataDir,
        logger: this.logger.child({ component: 'setup' }),
        mayAct: () => this.staffDesk.mayAct(),
        publish: (setup) => this.hub.event({ name: 'setup', setup }),
        now,
        ...(options.enrollmentClient === undefined ? {} : { client: options.enrollmentClient }),
      },
      enrolled: (kiosk, wasDemo) => this.enrolledByQr(kiosk, wasDemo),
    });
    this.scanDesk = new ScanDesk({
      pipeline: () => this.pipeline,
      repeats: this.repeats,
      cardQrs: this.cardQrs,
      hub: this.hub,
      link: this.link,
      inputs: this.inputs,
      now,
      logger: this.logger,
    });
  }

  static open(options: KioskCoreOptions): KioskCore {
    const databases = KioskDatabases.open(options.dataDir, options.atRestKey);
    try {
      return new KioskCore(databases, options);
    } catch (error) {
      databases.close();
      throw error;
    }
  }

  /** The sync heard the hub's signed clock (checked): the clock is judged by it from now on (docs/clock.md). */
  heardHubTime(heard: HeardHubTime): void {
    this.clock.heardHubTime(heard);
  }

  /** Where sync installs rule sets: the core's own repository, so a new set applies at once. */
  get ruleSets(): RuleSetRepository {
    return this.rules;
  }

  /** The facts database, for the sync applier (SyncApplierOptions.factsDatabaseFile) to open its own connection to. */
  get factsDatabaseFile(): string {
    return this.databases.factsFile;
  }

  /** The key the databases are encrypted with (absent: not encrypted): the sync worker and the upload open them with it. */
  get atRestKey(): KioskCoreOptions['atRestKey'] {
    return this.options.atRestKey;
  }

  /** The entry log's database file, for the service watchdog to check it can still be written. */
  get entryLogFile(): string {
    return this.databases.entryLogFile;
  }

  /** The watchdog's check that the facts can be read (kiosk-databases.ts). */
  readFactsProbe(): void {
    this.databases.readFactsProbe();
  }

  async pageHeartbeat(): Promise<void> {
    this.pageHeartbeatListeners.forEach((listener) => listener());
  }

  /** Called at each page heartbeat (the launcher's window keeper counts the page's silence). */
  onPageHeartbeat(listener: () => void): () => void {
    this.pageHeartbeatListeners.add(listener);
    return () => this.pageHeartbeatListeners.delete(listener);
  }

  async submitScan(submission: ScanSubmission): Promise<Verdict> {
    return this.scanDesk.submitScan(submission);
  }

  /** A scan read by a device the core drives, at `gate`: committed before the relays act or the screen is told (scan-desk.ts). */
  async submitDeviceScan(scan: ScanEvent, gate: ScanGate): Promise<Verdict> {
    return this.scanDesk.submitDeviceScan(scan, gate);
  }

  /** The hub lookup for a person outside the kiosk's data, attached by the runtime once the sync runs; undefined detaches it. */
  attachHubFacts(port: HubFactsPort | undefined): void {
    this.scanDesk.attachHubFacts(port);
  }

  /** A chip card read (or a read that failed) by the chip card reader `source` at `gate`, decided like a scan (scan-desk.ts). */
  submitChipRead(read: ChipReadDecision, source: ScanSource, gate: ScanGate): Promise<Verdict> {
    return this.scanDesk.submitChipRead(read, source, gate);
  }

  /**
   * Enrolled by QR while running: from now on the kiosk logs as its hub's device at its
   * location, trusts the key it pinned, forgets the demo data set (its people are nobody's),
   * and the runtime (onEnrolled) starts the sync and the upload.
   */
  private enrolledByQr(kiosk: EnrolledKiosk, wasDemo: boolean): void {
    this.station.enrolledAs(kiosk.config.deviceId, kiosk.config.location);
    this.trust.reloadHubKeys();
    if (wasDemo) this.facts.forgetAll();
    this.repeats.clear();
    this.statusChanged();
  }

  /** The runtime's hook: the kiosk was enrolled by QR while running (start the sync and upload now). */
  onEnrolled(listener: (kiosk: EnrolledKiosk) => Promise<void>): () => void {
    return this.link.onEnrolled(listener);
  }

  /** The sync and upload started after an enrolment by QR: the status line reads them from now on. */
  attachHub(state: { readonly sync: () => KioskStatus['sync']; readonly upload: () => UploadStatus }): void {
    this.link.attachHub(state);
  }

  /** The enrolment by QR in progress, if any (tests, and close, wait for it). */
  get setupSettled(): Promise<void> {
    return this.link.settled;
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
    // Demo cards only while on the demo data: a kiosk enrolled by QR shows none after its reload.
    return { ...this.info, inputs: this.inputs.current, ...(this.link.demo ? { demoCards: demoCards() } : {}) };
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

  /** The same status, at once: what the kiosk reports to the hub with each request (domain/sync/kiosk-report.ts). */
  currentStatus(): KioskStatus {
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
    this.databases.close();
  }
}
