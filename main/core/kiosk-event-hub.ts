import { describeDevices } from '../../domain/contract/device-line.js';
import type { DeviceReport, KioskEvent } from '../../domain/contract/kiosk-events.js';
import type { EntryDirection } from '../../domain/entries/entry-record.js';
import type { ScanSource } from '../../domain/scan/scan-event.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { DeviceStatus } from '../../drivers/device.js';
import { messageOf } from '../../platform/message-of.js';

/** A verdict the core committed, with where it was decided: the relays of that lane act on it. */
export interface DecidedVerdict {
  readonly verdict: Verdict;
  readonly source: ScanSource;
  readonly lane: string;
  readonly direction: EntryDirection;
}

/** A device's status as the device manager keeps it: the driver contract's, plus where it serves. */
export interface LaneDeviceStatus extends DeviceStatus {
  readonly lane?: string;
  readonly direction?: EntryDirection;
  /** Scanners: scans framed from one burst of bytes and not decided (only the newest is; see DeviceManager). */
  readonly droppedScans?: number;
  /** Relays: gate pulses handed to it since the kiosk started (whether or not the board then made them). */
  readonly pulses?: number;
}

/** A DeviceStatus as the contract carries it to the screen (flat, no driver types). */
export function deviceReport(status: DeviceStatus): DeviceReport {
  const { lane, direction, pulses } = status as LaneDeviceStatus;
  return {
    id: status.info.id,
    kind: status.info.kind,
    state: status.state,
    lane: lane ?? '',
    ...(direction === undefined ? {} : { direction }),
    ...(status.fault === undefined ? {} : { fault: status.fault }),
    ...(status.lastScanAt === undefined ? {} : { lastScanAt: status.lastScanAt }),
    ...(pulses === undefined ? {} : { pulses }),
  };
}

/** The 'devices' event for a set of statuses: the reports and the worded line. */
export function devicesEvent(statuses: readonly DeviceStatus[]): KioskEvent {
  const devices = statuses.map(deviceReport);
  const deviceLine = describeDevices(devices);
  return { name: 'devices', devices, ...(deviceLine === undefined ? {} : { deviceLine }) };
}

/**
 * The core's listeners: verdicts for the relays (every committed verdict, whoever asked),
 * and events for the renderer's push channel. A listener that throws is reported and
 * skipped: a broken relay or a closed socket never undoes a committed verdict.
 */
export class KioskEventHub {
  readonly #verdicts = new Set<(decided: DecidedVerdict) => void>();
  readonly #events = new Set<(event: KioskEvent) => void>();

  constructor(private readonly report: (message: string) => void) {}

  onVerdict(listener: (decided: DecidedVerdict) => void): () => void {
    this.#verdicts.add(listener);
    return () => this.#verdicts.delete(listener);
  }

  onEvent(listener: (event: KioskEvent) => void): () => void {
    this.#events.add(listener);
    return () => this.#events.delete(listener);
  }

  verdict(decided: DecidedVerdict): void {
    for (const listener of [...this.#verdicts]) this.#call(() => listener(decided));
  }

  event(event: KioskEvent): void {
    for (const listener of [...this.#events]) this.#call(() => listener(event));
  }

  #call(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.report(`event listener failed: ${messageOf(error)}`);
    }
  }
}
