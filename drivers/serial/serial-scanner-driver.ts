import { MAX_SCAN_CHARS } from '../../domain/scan/scan-event.js';
import type { BackoffWindow } from '../../platform/backoff.js';
import { messageOf } from '../../platform/message-of.js';
import { KeptScannerHandle } from '../device-handle.js';
import { DeviceFault, type DeviceInfo, type ScannerDriver } from '../device.js';
import { checkFraming, SerialFramer, type FramerOutput, type SerialFraming } from './serial-framing.js';
import { SERIAL_REOPEN_BACKOFF, serialKeeper, type SerialKeeper } from './serial-keeper.js';
import { SERIAL_9600_8N1, type SerialConnection, type SerialPortListing, type SerialSettings, type SerialTransport } from './serial-transport.js';

export interface SerialScannerConfig {
  readonly settings: SerialSettings;
  readonly framing: SerialFraming;
}

/** What `open` lays over the profile's config: single values, e.g. a baud rate from `--device …:115200`. */
export interface SerialScannerOverrides {
  readonly settings?: Partial<SerialSettings>;
  readonly framing?: Partial<SerialFraming>;
}

/**
 * 9600 8N1 with a CR suffix (any line ending accepted, see serial-framing.ts), the factory
 * setting of most scanners in USB CDC / RS-232 mode. 50 ms of silence ends a half frame: a
 * scanner sends a code in one burst (at 9600 baud a byte takes ~1 ms).
 */
export const DEFAULT_SERIAL_SCANNER_CONFIG: SerialScannerConfig = {
  settings: SERIAL_9600_8N1,
  framing: { suffix: 'cr', interByteTimeoutMs: 50, maxFrameBytes: MAX_SCAN_CHARS },
};

export interface SerialScannerDriverOptions {
  readonly transport: SerialTransport;
  /** Profile lookup: the config for a known scanner model, undefined for ports that are not known scanners. */
  readonly configFor?: (port: SerialPortListing) => SerialScannerConfig | undefined;
  /**
   * Which recognised ports `list()` offers for automatic opening (default: every one
   * configFor recognises). The profiles say no to a generic bridge chip's ids (CH340), which
   * a relay board may have as well: such a port gets its profile's config only when named.
   */
  readonly discoverable?: (port: SerialPortListing) => boolean;
  /** Default SERIAL_REOPEN_BACKOFF, 250 ms → 2 s: a replugged scanner scans again within about 2 s. */
  readonly reopenBackoff?: BackoffWindow;
  readonly now?: () => number;
}

export class SerialScannerDriver implements ScannerDriver {
  readonly #options: SerialScannerDriverOptions;

  constructor(options: SerialScannerDriverOptions) {
    this.#options = options;
  }

  /**
   * The ports that configFor recognises (by VID/PID from the profiles). A serial port says
   * nothing about what is behind it, so without a profile nothing is listed: unknown
   * scanners are named explicitly (`--device serial-scanner=/dev/ttyX`).
   */
  async list(): Promise<DeviceInfo[]> {
    const configFor = this.#options.configFor;
    if (configFor === undefined) return [];
    let ports: SerialPortListing[];
    try {
      ports = await this.#options.transport.list();
    } catch (error) {
      throw new DeviceFault('io', 'serial-scanner', `cannot list serial ports: ${messageOf(error)}`, { cause: error });
    }
    const discoverable = this.#options.discoverable ?? (() => true);
    return ports.filter((port) => configFor(port) !== undefined && discoverable(port)).map((port) => serialDeviceInfo(port, 'serial-scanner'));
  }

  /** Opens the port; `config` (e.g. a baud rate from `--device …:115200`) overrides the profile's, which overrides the default. */
  async open(info: DeviceInfo, config: SerialScannerOverrides = {}): Promise<SerialScannerHandle> {
    if (info.kind !== 'serial-scanner') throw new DeviceFault('open-failed', info.id, `not a serial scanner: ${info.kind}`);
    const profile = this.#options.configFor?.(listingOf(info)) ?? DEFAULT_SERIAL_SCANNER_CONFIG;
    const resolved: SerialScannerConfig = {
      settings: { ...profile.settings, ...config.settings },
      framing: { ...profile.framing, ...config.framing },
    };
    try {
      checkFraming(resolved.framing);
    } catch (error) {
      throw new DeviceFault('open-failed', info.id, `bad serial scanner configuration: ${messageOf(error)}`, { cause: error });
    }
    const handle = new SerialScannerHandle(
      this.#options.transport,
      info,
      resolved,
      this.#options.reopenBackoff ?? SERIAL_REOPEN_BACKOFF,
      this.#options.now ?? Date.now,
    );
    await handle.start();
    return handle;
  }
}

export class SerialScannerHandle extends KeptScannerHandle<SerialConnection> {
  readonly config: SerialScannerConfig;
  protected readonly keeper: SerialKeeper;
  readonly #info: DeviceInfo;
  readonly #framer: SerialFramer;
  readonly #now: () => number;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #silenceAt = 0;

  constructor(transport: SerialTransport, info: DeviceInfo, config: SerialScannerConfig, backoff: BackoffWindow, now: () => number) {
    super();
    this.config = config;
    this.#info = info;
    this.#now = now;
    this.#framer = new SerialFramer(config.framing);
    this.keeper = serialKeeper({
      transport,
      path: info.id,
      settings: config.settings,
      backoff,
      setup: async () => {
        // A half frame from before the port was lost can never be completed.
        this.#resetFraming();
      },
      onData: (chunk) => this.#handle(this.#framer.push(chunk, this.#now())),
      ...this.keeperEvents,
    });
  }

  protected override faulted(fault: DeviceFault): void {
    this.#resetFraming();
    super.faulted(fault);
  }

  protected async beforeRelease(): Promise<void> {
    this.#resetFraming();
  }

  #handle(outputs: readonly FramerOutput[]): void {
    for (const output of outputs) {
      if (output.kind === 'dropped') {
        // Not a scan: the scanner stays ready, the diagnostics screen shows why a code was lost
        // (super, not this.faulted: the port is fine and the framer keeps the bytes that followed).
        super.faulted(
          new DeviceFault(
            'protocol',
            this.#info.id,
            `an incomplete scan of ${output.length} bytes was dropped: its suffix never came (check the scanner's suffix setting)`,
          ),
        );
        continue;
      }
      this.scanned({
        source: { kind: 'serial', deviceId: this.#info.id },
        // Decoded by us as UTF-8: invalid sequences become U+FFFD here; `bytes` keeps them, and the
        // credential parser decodes those strictly.
        text: UTF8.decode(output.bytes),
        bytes: output.bytes,
        ...(output.overflow ? { overflow: true } : {}),
        at: new Date(output.atMs).toISOString(),
      });
    }
    this.#armSilenceTimer();
  }

  /** One timer for the framer's deadline, moved forward lazily instead of re-created per chunk. */
  #armSilenceTimer(): void {
    const deadline = this.#framer.deadline;
    if (deadline === undefined) return;
    if (this.#silenceTimer !== undefined && this.#silenceAt <= deadline) return;
    this.#startTimer(deadline);
  }

  #startTimer(deadline: number): void {
    if (this.#silenceTimer !== undefined) clearTimeout(this.#silenceTimer);
    this.#silenceAt = deadline;
    this.#silenceTimer = setTimeout(
      () => {
        this.#silenceTimer = undefined;
        const nowMs = this.#now();
        const next = this.#framer.deadline;
        if (next !== undefined && nowMs < next) this.#startTimer(next);
        else this.#handle(this.#framer.expire(nowMs));
      },
      Math.max(0, deadline - this.#now()),
    );
    this.#silenceTimer.unref?.();
  }

  #resetFraming(): void {
    if (this.#silenceTimer !== undefined) clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
    this.#framer.reset();
  }
}

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function serialDeviceInfo(port: SerialPortListing, kind: DeviceInfo['kind']): DeviceInfo {
  return {
    id: port.path,
    kind,
    ...(port.vendorId === undefined ? {} : { vendorId: port.vendorId }),
    ...(port.productId === undefined ? {} : { productId: port.productId }),
    ...(port.manufacturer === undefined ? {} : { manufacturer: port.manufacturer }),
    ...(port.serialNumber === undefined ? {} : { serialNumber: port.serialNumber }),
  };
}

function listingOf(info: DeviceInfo): SerialPortListing {
  return { path: info.id, vendorId: info.vendorId, productId: info.productId, manufacturer: info.manufacturer, serialNumber: info.serialNumber };
}
