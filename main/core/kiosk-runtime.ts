import type { KioskStatus, UploadStatus } from '../../domain/contract/kiosk-status.js';
import { kioskReportFrom } from '../../domain/sync/kiosk-report.js';
import { secureKioskDataDir } from '../config/data-dir-permissions.js';
import { chotVersion } from '../config/paths.js';
import { loadHubConfig } from '../hub-client/hub-config.js';
import { KioskSync } from '../sync/kiosk-sync.js';
import { asksOutsideScope, hubFactsLookupOf } from '../sync/hub-facts-lookup.js';
import type { ProvinceScope } from '../../domain/sync/province-scope.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { readPinnedHubKeys } from '../trust/hub-keys-file.js';
import { startKioskUpload, type KioskUpload } from '../upload/kiosk-upload.js';
import { uploadLogLine } from '../upload/upload-log-line.js';
import type { SyncSummary } from '../sync/sync-client.js';
import type { SyncLoop } from '../sync/sync-loop.js';
import { KioskCore, type KioskCoreOptions } from './kiosk-core.js';
import type { HidBinding } from '../../drivers/hid/hid-binding.js';
import type { SerialTransport } from '../../drivers/serial/serial-transport.js';
import { DeviceManager } from '../devices/device-manager.js';
import { isChipReaderSpec } from '../devices/device-spec.js';
import type { PcscBinding } from '../../drivers/chip/pcsc-binding.js';
import { ChipStation, type ChipStationOptions } from '../chip/chip-station.js';
import type { FacePhotoPort } from '../chip/face-photo.js';
import { loadUsableProfiles, type ProfileCatalog } from '../../drivers/profiles/profile-catalog.js';
import { firmwareConfigDir } from '../diagnostics/firmware-config-dir.js';
import type { DevicesConfig } from '../devices/devices-file.js';
import { messageOf } from '../../platform/message-of.js';
import { lineLog, type Logger, type LogLevel } from '../../platform/logging/logger.js';
import { openKioskLogger } from '../logging/kiosk-logger.js';
import { loadAtRestKey } from '../store/at-rest-key.js';
import { startApplianceService } from '../appliance/appliance-service.js';

export interface KioskRuntimeOptions extends Omit<KioskCoreOptions, 'demo' | 'syncState' | 'devices' | 'gates' | 'inputs'> {
  /** The scanners, relays and gate policies (devices.json merged with `--device`, see resolveDevicesConfig). */
  readonly devicesConfig?: DevicesConfig;
  /** Tests: the transports the drivers are handed (default: serialport and node-hid). */
  readonly serialTransport?: SerialTransport;
  readonly hidBinding?: HidBinding;
  /** Tests: the PC/SC daemon the chip card readers are reached through (default: the `smartcard` addon, loaded only when a chip reader is configured). */
  readonly pcscBinding?: PcscBinding;
  /** The chip face's decoder for the screen (default: decodeFaceForDisplay: JPEG as is, JPEG 2000 decoded to PNG in a worker). */
  readonly facePhoto?: FacePhotoPort;
  /** Tests: the chip station's timings (key lifetime, read timeout, PC/SC retries). */
  readonly chipTimings?: Pick<ChipStationOptions, 'keyTtlMs' | 'readTimeoutMs' | 'reader' | 'retry'>;
  /**
   * The kiosk's logger, which the shell opened (and closes) to log its own events too.
   * Absent: the runtime opens the kiosk's own (stderr and `<data-dir>/logs`) at `logLevel`.
   */
  readonly logger?: Logger;
  /** The threshold of the logger the runtime opens when none is given (`chot start --log-level`). */
  readonly logLevel?: LogLevel;
  /** The sync applier's worker script (tests run sources and pass a bundled one). */
  readonly syncWorkerUrl?: URL;
  /** How long the kiosk waits after a successful sync before asking again (default 60 s); a hub notice cuts it short. */
  readonly syncIntervalMs?: number;
  /** The wait between entry-log uploads (default 15 s). */
  readonly uploadIntervalMs?: number;
  /** How long entries stay on the kiosk after the hub's receipt (default 21 days). */
  readonly retentionMs?: number;
  /** A staff session ends after this long without a staff action (default 2 min). */
  readonly staffIdleMs?: number;
  /** The kiosk shows a page (Electron, `--open`): a page gone silent counts against the service watchdog's health. */
  readonly pageExpected?: boolean;
  /**
   * How long a scan waits for the hub's answer about a person outside the kiosk's data
   * (main/sync/hub-facts-lookup.ts): at most, and by default, 300 ms; a longer value is cut to it.
   */
  readonly hubLookupTimeoutMs?: number;
  /** `--db-key-file`: read when no atRestKey is handed in (loadAtRestKey: the systemd credential first). */
  readonly dbKeyFile?: string;
}

export interface KioskRuntime {
  readonly core: KioskCore;
  readonly logger: Logger;
  /** Whether the kiosk is enrolled with a hub (else it runs on the demo data set); turns true on an enrolment by QR. */
  readonly enrolled: boolean;
  /** The scanners and relays, when any are configured. */
  readonly devices?: DeviceManager;
  /** The chip card readers, when any are configured. */
  readonly chip?: ChipStation;
  close(): Promise<void>;
}

/**
 * The kiosk as `chot start` runs it, in Electron or browser mode: the core, and — when
 * enrolled with a hub (`chot enroll`, or an enrolment QR scanned while it runs) — the
 * continuous sync and upload beside it. Without a hub the kiosk runs on the built-in demo data set.
 *
 * Offline first: the core is open and deciding before the sync has done anything, and
 * nothing the sync does (an unreachable hub, refused data, a damaged enrolment) stops it:
 * the failure shows on the idle screen's data line and the kiosk decides on its last data.
 */
const READINESS_TICK_MS = 60_000;

export async function startKioskRuntime(options: KioskRuntimeOptions): Promise<KioskRuntime> {
  const ownLogger = options.logger === undefined ? openKioskLogger(options.dataDir, options.logLevel) : undefined;
  const logger = options.logger ?? (ownLogger as Logger);
  const runtimeLog = logger.child({ component: 'runtime' });
  // Before anything opens or writes a file there: a fresh kiosk gets 0700/0600, an older
  // install with world-readable files is tightened.
  secureKioskDataDir(options.dataDir, lineLog(runtimeLog, 'warn'));
  const enrolled = loadHubConfig(options.dataDir) !== undefined;
  // A key named but unreadable stops the start here: never an unencrypted kiosk instead.
  const atRestKey = options.atRestKey ?? loadAtRestKey({ keyFile: options.dbKeyFile });
  if (atRestKey === undefined) runtimeLog.warn('the databases are not encrypted at rest: no chot-db-key credential nor --db-key-file (docs/encryption.md)');
  else runtimeLog.info('the databases are encrypted at rest', { source: atRestKey.source });
  let syncState: KioskStatus['sync'] = { state: 'syncing' };
  let loop: SyncLoop | undefined;
  const loopState = (): KioskStatus['sync'] => {
    if (loop === undefined) return syncState;
    const { state, lastError } = loop.status();
    return { state, ...(lastError === undefined ? {} : { lastError: { code: lastError.code, message: lastError.message } }) };
  };
  let upload: KioskUpload | undefined;
  const uploadState = (): UploadStatus =>
    upload?.status() ?? { state: 'error', pending: 0, lastError: { code: 'upload.setup', message: 'the upload did not start' } };
  // Not enrolled: the core says 'demo' itself.
  const allSpecs = options.devicesConfig?.devices ?? [];
  // Chip card readers are the chip station's; scanners and relays the device manager's.
  const chipSpecs = allSpecs.filter(isChipReaderSpec);
  const specs = allSpecs.filter((spec) => !isChipReaderSpec(spec));
  let devices: DeviceManager | undefined;
  let chip: ChipStation | undefined;
  const core = KioskCore.open({
    ...options,
    ...(atRestKey === undefined ? {} : { atRestKey }),
    logger,
    demo: !enrolled,
    ...(enrolled ? { syncState: loopState, uploadState } : {}),
    ...(options.devicesConfig === undefined ? {} : { gates: options.devicesConfig.gates }),
    ...(options.devicesConfig?.inputs === undefined ? {} : { inputs: options.devicesConfig.inputs }),
    ...(options.devicesConfig?.wedge === undefined ? {} : { wedge: { ...options.wedge, ...options.devicesConfig.wedge } }),
    ...(allSpecs.length === 0 ? {} : { devices: () => [...(devices?.statuses() ?? []), ...(chip?.statuses() ?? [])] }),
  });
  if (specs.length > 0) {
    const profiles = specs.some((spec) => spec.kind === 'serial-scanner')
      ? loadDeviceProfiles(options.firmwareConfigDir ?? firmwareConfigDir(), runtimeLog)
      : undefined;
    try {
      // Never throws for a device (an absent or failing one is a fault on screen, retried); a
      // bug here must not stop the kiosk deciding either: wedge and camera scans still work.
      devices = await DeviceManager.start({
        specs,
        core,
        onChange: () => core.devicesChanged(),
        logger: logger.child({ component: 'devices' }),
        ...(profiles === undefined ? {} : { profiles }),
        ...(options.serialTransport === undefined ? {} : { serialTransport: options.serialTransport }),
        ...(options.hidBinding === undefined ? {} : { hidBinding: options.hidBinding }),
      });
    } catch (error) {
      runtimeLog.error('the devices cannot start', { error: messageOf(error) });
    }
    core.devicesChanged();
  }
  if (chipSpecs.length > 0) {
    try {
      // Never throws for PC/SC being away (a device fault, retried); a bug here must not stop the kiosk either.
      chip = await ChipStation.start({
        specs: chipSpecs,
        core,
        dataDir: options.dataDir,
        now: options.now ?? Date.now,
        onChange: () => core.devicesChanged(),
        logger: logger.child({ component: 'chip' }),
        ...options.chipTimings,
        ...(options.pcscBinding === undefined ? {} : { binding: options.pcscBinding }),
        ...(options.facePhoto === undefined ? {} : { facePhoto: options.facePhoto }),
      });
    } catch (error) {
      runtimeLog.error('the chip card readers cannot start', { error: messageOf(error) });
    }
    core.devicesChanged();
  }
  let sync: KioskSync | undefined;
  // Unknown until the first sync's status: every ID the data lacks is asked about meanwhile.
  let hubScope: ProvinceScope | undefined;
  // Started at start on an enrolled kiosk, or later, when the running kiosk is enrolled by QR.
  const startHubLink = async (): Promise<void> => {
    try {
      const appVersion = chotVersion();
      sync = await KioskSync.open({
        dataDir: options.dataDir,
        factsDatabaseFile: core.factsDatabaseFile,
        ...(core.atRestKey === undefined ? {} : { atRestKey: core.atRestKey }),
        rules: core.ruleSets,
        // The hub's signed clock, heard at each sync, judges the kiosk's (docs/clock.md).
        hubTime: (heard) => core.heardHubTime(heard),
        // The provinces it syncs, as the hub signed them: the person lookup asks about anyone outside.
        hubScope: (scope) => {
          hubScope = scope;
        },
        now: options.now ?? Date.now,
        // A fallback from the artefact store to the hub's API is said in the kiosk's log.
        logger: logger.child({ component: 'sync' }),
        // Every request tells the hub the data's age, the backlog, the rule set, the version and what is wrong, signed with it.
        client: { report: () => kioskReportFrom(core.currentStatus(), appVersion) },
        ...(options.syncWorkerUrl === undefined ? {} : { workerUrl: options.syncWorkerUrl }),
      });
      let lastReported: string | undefined;
      const syncLog = logger.child({ component: 'sync' });
      // Trust files installed are said once; a refusal once until it changes (it comes back at every sync until the hub fixes it).
      let trustSummary: SyncSummary | undefined;
      let trustRefusals = '';
      const reportTrustFiles = (summary: SyncSummary | undefined): void => {
        if (summary === undefined || summary === trustSummary) return;
        trustSummary = summary;
        for (const installed of summary.trustInstalled)
          syncLog.info(`trust file ${installed.kind} version ${installed.version} installed`, { file: installed.file });
        const refusals = summary.trustRefused.map((r) => `${r.kind ?? '(no kind)'}: ${r.code}: ${r.message}`).join('; ');
        if (refusals !== '' && refusals !== trustRefusals) syncLog.warn(`trust file refused, the last good one kept: ${refusals}`);
        trustRefusals = refusals;
      };
      loop = await sync?.startLoop({
        ...(options.syncIntervalMs === undefined ? {} : { pollMs: options.syncIntervalMs }),
        // The upload backs off as the sync does while the hub is away: both resume when it is back.
        onHubBack: () => upload?.loop.resume(),
        onStatus: (status) => {
          // One line per change of state or error, not one per retry.
          const line =
            status.lastError === undefined
              ? `sync ${status.state} at sequence ${status.watermark}`
              : `sync ${status.state}: ${status.lastError.code}: ${status.lastError.message}`;
          if (line !== lastReported) {
            if (status.lastError === undefined) syncLog.info(line, { watermark: status.watermark });
            else syncLog.warn(line, { code: status.lastError.code });
          }
          lastReported = line;
          reportTrustFiles(status.lastSummary);
          core.statusChanged();
        },
      });
      if (sync !== undefined) {
        upload = startUpload(sync, core, options, logger.child({ component: 'upload' }));
        core.attachHubFacts(hubLookup(sync, options, () => hubScope, logger.child({ component: 'lookup' })));
      }
    } catch (error) {
      const message = messageOf(error);
      syncState = { state: 'error', lastError: { code: 'sync.setup', message } };
      runtimeLog.error(`sync cannot start: ${message}; the kiosk decides on its last data`);
    }
  };
  if (enrolled) await startHubLink();
  let enrolledNow = enrolled;
  core.onEnrolled(async () => {
    await startHubLink();
    core.attachHub({ sync: loopState, upload: uploadState });
    enrolledNow = true;
  });
  // Data ages while nothing happens: a minute's tick lets OUT OF DATE / NOT READY appear on
  // their own when the age crosses a threshold, without waiting for a sync to fail.
  core.statusChanged();
  const readinessTick = setInterval(() => core.statusChanged(), READINESS_TICK_MS);
  readinessTick.unref();
  // Under systemd (NOTIFY_SOCKET): READY once the core decides, watchdog pings while its scan path is healthy.
  const service = startApplianceService({
    env: process.env,
    entryLogFile: core.entryLogFile,
    readFacts: () => core.readFactsProbe(),
    logger,
    ...(options.pageExpected === true ? { pageHeartbeats: (listener: () => void) => core.onPageHeartbeat(listener) } : {}),
  });
  return {
    core,
    logger,
    get enrolled() {
      return enrolledNow;
    },
    ...(devices === undefined ? {} : { devices }),
    ...(chip === undefined ? {} : { chip }),
    close: async () => {
      clearInterval(readinessTick);
      // An enrolment by QR under way would start the sync after the close below: let it end first.
      await core.setupSettled;
      // Relays all off first: the gate must not stay open whatever happens after.
      await devices?.close();
      await chip?.close();
      // After the relays: telling systemd STOPPING is one exec the gate must not wait on.
      await service?.close();
      core.attachHubFacts(undefined);
      await upload?.close();
      await loop?.stop();
      await sync?.close();
      core.close();
      ownLogger?.close();
    },
  };
}

/**
 * The device profiles, once per kiosk start: a serial scanner's settings and framing, and
 * what `serial-scanner=auto` may open. A broken profile file is logged and skipped (the
 * diagnostics screen shows it too); the kiosk starts with the others.
 */
function loadDeviceProfiles(dir: string, logger: Logger): ProfileCatalog {
  const { catalog, problems } = loadUsableProfiles(dir);
  for (const problem of problems) logger.warn(`device profile skipped: ${problem}`);
  return catalog;
}

/**
 * The hub lookup for people outside the kiosk's data, on the sync's client and enrolment.
 * Its no-answers are logged by code only (never the ID) and at debug: offline, every unknown
 * traveller would otherwise fill the log.
 */
function hubLookup(sync: KioskSync, options: KioskRuntimeOptions, scope: () => ProvinceScope | undefined, logger: Logger): ReturnType<typeof hubFactsLookupOf> {
  return hubFactsLookupOf(sync, hubKeyStoreFromKeys(readPinnedHubKeys(options.dataDir)), {
    asks: (id12) => asksOutsideScope(id12, scope()),
    ...(options.hubLookupTimeoutMs === undefined ? {} : { timeoutMs: options.hubLookupTimeoutMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onNoAnswer: (why) => logger.debug('the hub gave no answer about a person outside the data', { why }),
  });
}

/** The entry log's upload beside the sync, on the same enrolment; one log line per change of state. */
function startUpload(sync: KioskSync, core: KioskCore, options: KioskRuntimeOptions, logger: Logger): KioskUpload {
  let lastReported: string | undefined;
  return startKioskUpload({
    dataDir: options.dataDir,
    ...(core.atRestKey === undefined ? {} : { atRestKey: core.atRestKey }),
    client: sync.client,
    deviceId: sync.hub.deviceId,
    hubKeys: readPinnedHubKeys(options.dataDir),
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    ...(options.uploadIntervalMs === undefined ? {} : { intervalMs: options.uploadIntervalMs }),
    onStatus: (status) => {
      if (status.state === 'syncing') return;
      const line = uploadLogLine(status);
      if (line !== lastReported) {
        if (status.lastError === undefined) logger.info(line, { watermark: status.watermark });
        else logger.warn(line, { code: status.lastError.code });
      }
      lastReported = line;
    },
  });
}
