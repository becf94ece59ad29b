import type { EntryDirection } from '../../domain/entries/entry-record.js';
import type { ScanEvent } from '../../domain/scan/scan-event.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { DeviceFault, type DeviceInfo, type DeviceState, type DeviceStatus, type RelayHandle, type ScannerHandle } from '../../drivers/device.js';
import type { HidBinding } from '../../drivers/hid/hid-binding.js';
import type { ProfileCatalog } from '../../drivers/profiles/profile-catalog.js';
import { switchOffRelaysOnExit } from '../../drivers/relay-pulser.js';
import type { SerialTransport } from '../../drivers/serial/serial-transport.js';
import { backoffWindow, type BackoffWindow } from '../../platform/backoff.js';
import type { DecidedVerdict, LaneDeviceStatus } from '../core/kiosk-event-hub.js';
import { AUTO, isScannerSpec, type DeviceSpec, type RelaySpec, type ScannerSpec } from './device-spec.js';
import { DeviceOpeners } from './device-openers.js';
import { resolvedPath } from './device-paths.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import { stderrLogger } from '../logging/kiosk-logger.js';

/** What the manager needs of the core: decide a device's scan (durably), and hear every committed verdict. */
export interface DeviceCore {
  /** May ask the hub about a person outside the kiosk's data first, bounded (scan-pipeline.ts: decideScanAsking). */
  submitDeviceScan(scan: ScanEvent, gate: { readonly lane: string; readonly direction: EntryDirection }): Promise<Verdict>;
  onVerdict(listener: (decided: DecidedVerdict) => void): () => void;
}

export interface DeviceManagerOptions {
  readonly specs: readonly DeviceSpec[];
  readonly core: DeviceCore;
  /** Default: serialport, loaded on first use. Tests pass a FakeSerialTransport. */
  readonly serialTransport?: SerialTransport;
  /** Default: node-hid, loaded on first use. Tests pass a FakeHidBinding. */
  readonly hidBinding?: HidBinding;
  /**
   * The device profiles, loaded once per kiosk start (the runtime passes them): a serial
   * scanner gets its model's settings and framing, and `serial-scanner=auto` finds the ports
   * whose VID/PID name a scanner model. None: built-in defaults, and `auto` finds no serial scanner.
   */
  readonly profiles?: ProfileCatalog;
  /** A device's state changed (the screen's device line is pushed from here). */
  readonly onChange?: () => void;
  /** Faults, recoveries and relays that did not pulse. Default: stderr only. */
  readonly logger?: Logger;
  /** Retrying a device whose first open failed (absent at start, busy): default 250 ms doubling to 2 s. */
  readonly retry?: BackoffWindow;
  /** How often `auto` devices are looked for. Default 2 s. */
  readonly discoveryIntervalMs?: number;
  readonly now?: () => number;
}

interface Managed {
  readonly spec: DeviceSpec;
  info: DeviceInfo;
  state: DeviceState;
  fault?: DeviceStatus['fault'];
  lastScanAt?: string;
  handle?: ScannerHandle | RelayHandle | undefined;
  failures: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Scanners: the newest scan not yet decided (see #scan). */
  pending?: ScanEvent | undefined;
  droppedScans: number;
  /** Relays: gate pulses handed to it (see LaneDeviceStatus.pulses). */
  pulses: number;
  /** A placeholder for an `auto` spec that found nothing yet. */
  readonly placeholder: boolean;
}

// No jitter: these are this kiosk's own USB and serial devices, not a thousand clients of
// one server, so a retry on the window alone comes back as soon as it may.
const DEFAULT_RETRY: BackoffWindow = { minMs: 250, maxMs: 2_000 };

/**
 * The kiosk's scanners and relays, running: opens every configured device (and, for `auto`,
 * every one discovery finds, also later), feeds each scan into the core with its scanner's
 * lane and direction, and pulses the relays of a lane when a committed verdict of that lane
 * opens the gate. Keeps each device's status for the screen and the diagnostics.
 *
 * Nothing here may take the kiosk down: an absent device is a fault retried with backoff,
 * a failing one a fault the drivers recover from, a relay that cannot pulse a logged line.
 * Relays are switched off when they open (the drivers do it) and by close().
 */
export class DeviceManager {
  readonly #options: DeviceManagerOptions;
  readonly #devices: Managed[] = [];
  readonly #openers: DeviceOpeners;
  readonly #unsubscribe: () => void;
  readonly #log: Logger;
  #discovery: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #discovering = false;

  private constructor(options: DeviceManagerOptions) {
    this.#options = options;
    this.#log = options.logger ?? stderrLogger();
    this.#openers = new DeviceOpeners(options);
    this.#unsubscribe = options.core.onVerdict((decided) => this.#onVerdict(decided));
  }

  /** Starts every device; resolves once each has been tried once (opened or faulted), never rejects for a device. */
  static async start(options: DeviceManagerOptions): Promise<DeviceManager> {
    const manager = new DeviceManager(options);
    for (const spec of options.specs) {
      if (spec.path === AUTO) manager.#add(spec, { id: AUTO, kind: spec.kind }, true);
      else manager.#add(spec, { id: spec.path, kind: spec.kind }, false);
    }
    await Promise.all(manager.#devices.filter((device) => !device.placeholder).map((device) => manager.#open(device)));
    if (options.specs.some((spec) => spec.path === AUTO)) {
      await manager.#discover();
      manager.#discovery = setInterval(() => void manager.#discover(), options.discoveryIntervalMs ?? 2_000);
      manager.#discovery.unref?.();
    }
    return manager;
  }

  /** Every device's status, for the screen and the diagnostics (KioskCoreOptions.devices). */
  statuses(): readonly LaneDeviceStatus[] {
    return this.#devices.map((device) => ({
      info: device.info,
      state: device.state,
      lane: device.spec.lane,
      ...(isScannerSpec(device.spec) ? { direction: device.spec.direction } : {}),
      ...(device.fault === undefined ? {} : { fault: device.fault }),
      ...(device.lastScanAt === undefined ? {} : { lastScanAt: device.lastScanAt }),
      ...(device.droppedScans === 0 ? {} : { droppedScans: device.droppedScans }),
      ...(device.pulses === 0 ? {} : { pulses: device.pulses }),
    }));
  }

  /** Every relay all off, then every device closed; bounded, so a hung port cannot hold the exit. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    if (this.#discovery !== undefined) clearInterval(this.#discovery);
    for (const device of this.#devices) clearTimeout(device.timer);
    const relays = this.#devices.filter((device) => !isScannerSpec(device.spec) && device.handle !== undefined).map((device) => device.handle as RelayHandle);
    const scanners = this.#devices
      .filter((device) => isScannerSpec(device.spec) && device.handle !== undefined)
      .map((device) => device.handle as ScannerHandle);
    await Promise.all([switchOffRelaysOnExit(relays), ...scanners.map((handle) => handle.close().catch(() => undefined))]);
    for (const device of this.#devices) {
      device.handle = undefined;
      device.state = 'closed';
    }
  }

  #add(spec: DeviceSpec, info: DeviceInfo, placeholder: boolean): Managed {
    const device: Managed = { spec, info, state: placeholder ? 'fault' : 'opening', failures: 0, droppedScans: 0, pulses: 0, placeholder };
    if (placeholder) device.fault = { kind: 'unplugged', message: `no ${spec.kind} found yet`, at: this.#nowIso() };
    this.#devices.push(device);
    return device;
  }

  async #open(device: Managed): Promise<void> {
    if (this.#closed) return;
    try {
      const { handle, info } = await this.#openers.open(device.spec, device.info);
      device.info = info;
      if (this.#closed) {
        await (isScannerSpec(device.spec) ? handle.close() : switchOffRelaysOnExit([handle as RelayHandle]));
        return;
      }
      device.handle = handle;
      device.failures = 0;
      this.#attach(device, handle);
      this.#set(device, 'ready');
    } catch (error) {
      const fault = error instanceof DeviceFault ? error : new DeviceFault('open-failed', device.info.id, messageOf(error));
      if (device.state !== 'fault' || device.fault?.kind !== fault.kind)
        this.#log.warn(`${device.spec.kind} ${device.info.id}: ${fault.message}`, { device: device.info.id, fault: fault.kind });
      this.#set(device, 'fault', fault);
      device.timer = setTimeout(() => void this.#open(device), backoffWindow(device.failures, this.#options.retry ?? DEFAULT_RETRY));
      device.timer.unref?.();
      device.failures += 1;
    }
  }

  #attach(device: Managed, handle: ScannerHandle | RelayHandle): void {
    handle.onFault((fault) => {
      // A dropped half frame: the scanner still works; the fault is kept for the diagnostics only.
      if (isScannerSpec(device.spec) && fault.kind === 'protocol' && device.state === 'ready') {
        device.fault = { kind: fault.kind, message: fault.message, at: this.#nowIso() };
        return;
      }
      this.#log.warn(`${device.spec.kind} ${device.info.id}: ${fault.kind}: ${fault.message}`, { device: device.info.id, fault: fault.kind });
      this.#set(device, 'fault', fault);
    });
    handle.onReady?.(() => {
      this.#log.info(`${device.spec.kind} ${device.info.id}: ready again`, { device: device.info.id });
      this.#set(device, 'ready');
    });
    if ('onScan' in handle) handle.onScan((scan) => this.#scan(device, scan));
  }

  /**
   * A scanner's scan, decided on the next turn of the event loop. Only the newest scan per
   * scanner waits: a scanner cannot read two codes within one turn, so scans framed from the
   * same burst of bytes are garbage (1 MB of noise frames into thousands) and deciding,
   * logging and showing each would stall the kiosk. The newest one is the real scan after
   * the noise.
   */
  #scan(device: Managed, scan: ScanEvent): void {
    if (device.pending !== undefined) device.droppedScans += 1;
    const scheduled = device.pending !== undefined;
    device.pending = scan;
    if (scheduled) return;
    setImmediate(() => {
      const next = device.pending;
      device.pending = undefined;
      if (next === undefined || this.#closed) return;
      const spec = device.spec as ScannerSpec;
      device.lastScanAt = next.at;
      // Not committed, so not shown and no gate opens: the person scans again.
      const failed = (error: unknown): void =>
        this.#log.error(`a scan from ${device.info.id} could not be decided: ${messageOf(error)}`, { device: device.info.id });
      try {
        this.#options.core.submitDeviceScan(next, { lane: spec.lane, direction: spec.direction }).catch(failed);
      } catch (error) {
        failed(error);
      }
    });
  }

  #onVerdict(decided: DecidedVerdict): void {
    if (!decided.verdict.gate.open) return;
    for (const device of this.#devices) {
      if (isScannerSpec(device.spec) || device.spec.lane !== decided.lane) continue;
      const spec = device.spec as RelaySpec;
      const handle = device.handle as RelayHandle | undefined;
      if (handle === undefined || device.state !== 'ready') {
        this.#log.error(`gate relay ${device.info.id} (lane ${spec.lane}) is ${device.state}: the gate did not open for entry ${decided.verdict.entrySeq}`, {
          device: device.info.id,
          entry: decided.verdict.entrySeq,
        });
        continue;
      }
      device.pulses += 1;
      handle.pulse(spec.channel, spec.pulseMs).catch((error: unknown) => {
        this.#log.error(`gate relay ${device.info.id} could not pulse for entry ${decided.verdict.entrySeq}: ${messageOf(error)}`, {
          device: device.info.id,
          entry: decided.verdict.entrySeq,
        });
      });
    }
  }

  /**
   * `auto` specs: opens every device of their kind that is not open yet. A path the kiosk
   * already holds, or one named for any device (a relay board's port, say: CH340 boards and
   * scanners share ids), is never taken by discovery, even while that device is absent.
   */
  async #discover(): Promise<void> {
    // A slow port list must not let the next tick open the same device a second time.
    if (this.#discovering) return;
    this.#discovering = true;
    try {
      await this.#discoverOnce();
    } finally {
      this.#discovering = false;
    }
  }

  async #discoverOnce(): Promise<void> {
    for (const spec of this.#options.specs.filter((candidate) => candidate.path === AUTO)) {
      let found: DeviceInfo[];
      try {
        found = await this.#openers.list(spec.kind);
      } catch (error) {
        const placeholder = this.#devices.find((device) => device.placeholder && device.spec === spec);
        if (placeholder !== undefined) this.#set(placeholder, 'fault', new DeviceFault('io', AUTO, messageOf(error)));
        continue;
      }
      if (this.#closed) return;
      const taken = await this.#takenPaths();
      const fresh: DeviceInfo[] = [];
      for (const info of found) if (!taken.has(info.id) && !taken.has(await resolvedPath(info.id))) fresh.push(info);
      if (fresh.length === 0 || this.#closed) continue;
      const placeholder = this.#devices.findIndex((device) => device.placeholder && device.spec === spec);
      if (placeholder >= 0) this.#devices.splice(placeholder, 1);
      await Promise.all(fresh.map((info) => this.#open(this.#add(spec, info, false))));
      this.#options.onChange?.();
    }
  }

  /** Every path a device holds or is configured at, as written and resolved (by-id links). */
  async #takenPaths(): Promise<Set<string>> {
    const paths = [
      ...this.#devices.filter((device) => !device.placeholder).map((device) => device.info.id),
      ...this.#options.specs.filter((spec) => spec.path !== AUTO).map((spec) => spec.path),
    ];
    const taken = new Set(paths);
    for (const path of paths) taken.add(await resolvedPath(path));
    return taken;
  }

  #set(device: Managed, state: DeviceState, fault?: DeviceFault): void {
    const changed = device.state !== state || (fault !== undefined && fault.kind !== device.fault?.kind);
    device.state = state;
    if (fault !== undefined) device.fault = { kind: fault.kind, message: fault.message, at: this.#nowIso() };
    else if (state === 'ready') delete device.fault;
    if (changed) this.#options.onChange?.();
  }

  #nowIso(): string {
    return new Date((this.#options.now ?? Date.now)()).toISOString();
  }
}
