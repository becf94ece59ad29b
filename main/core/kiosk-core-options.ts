import type { ClockTrustPolicy } from '../../domain/time/clock-trust.js';
import type { KioskStatus, UploadStatus } from '../../domain/contract/kiosk-status.js';
import type { InputGate, ScreenInput } from '../../domain/contract/input-lanes.js';
import type { KioskInfo, WedgeSettings } from '../../domain/contract/kiosk-api.js';
import { OVERRIDE_LIMITS, OVERRIDE_PRESET_REASONS } from '../../domain/contract/operator-override.js';
import { DEFAULT_SOUND_SETTINGS, type SoundSettings } from '../../domain/contract/sound-settings.js';
import type { AtRestKey } from '../store/at-rest-key.js';
import { DEFAULT_THEME_SETTINGS, type ThemeSettings } from '../../domain/contract/theme-settings.js';
import { chotVersion } from '../config/paths.js';
import type { EntryDirection } from '../../domain/entries/entry-record.js';
import type { DeviceStatus } from '../../drivers/device.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { GatePolicies } from '../devices/gate-policy.js';
import { loadHubConfig } from '../hub-client/hub-config.js';
import type { StaffPinStore } from '../staff/staff-pin-store.js';
import type { EnrollKioskOptions } from '../enrollment/enroll-kiosk.js';
import { DEFAULT_STATION, type EntryStation } from './scan-pipeline.js';

/** How the kiosk core is set up: one object, built once by the runtime from the launch options. */
export interface KioskCoreOptions {
  readonly dataDir: string;
  /** Run on the built-in demo data set (the default while no hub is configured). */
  readonly demo: boolean;
  readonly now?: () => number;
  /** How far the clock may be off the hub's signed times, and what that does (domain/time/clock-trust.ts); default DEFAULT_CLOCK_TRUST_POLICY. */
  readonly clockPolicy?: ClockTrustPolicy;
  readonly wedge?: Partial<WedgeSettings>;
  readonly verdictHoldMs?: number;
  /** The verdicts' sound, for the renderer (default: DEFAULT_SOUND_SETTINGS). */
  readonly sound?: SoundSettings;
  /** The page's colour theme, for the renderer (default: DEFAULT_THEME_SETTINGS, dark). */
  readonly theme?: ThemeSettings;
  /** The key kiosk.sqlite and facts.sqlite are encrypted with (docs/encryption.md); absent: not encrypted. */
  readonly atRestKey?: AtRestKey;
  /**
   * What the sync is doing, from the sync loop when the kiosk is enrolled with a hub.
   * Absent: 'demo' on the demo data, else 'not-enrolled'.
   */
  readonly syncState?: () => KioskStatus['sync'];
  /** Enrolled kiosks: the entry log's upload, for the status line. */
  readonly uploadState?: () => UploadStatus;
  /** The lane this kiosk watches and which way people pass it, for the entry log. Default: lane '1', 'in'. */
  readonly gate?: { readonly lane: string; readonly direction: EntryDirection };
  /** Which verdicts open each lane's gate (devices.json `gates`); lanes not named: green, for signed credentials. */
  readonly gates?: GatePolicies;
  /** The wedge's and the camera's lane and direction (devices.json `inputs`); absent: the station's. */
  readonly inputs?: Partial<Record<ScreenInput, InputGate>>;
  /** The same code on the same input within this many ms is one entry (`chot start --repeat-window`; default 3 s, 0: off). */
  readonly repeatWindowMs?: number;
  /** The scanners and relays the kiosk drives, for the screen's device line and the diagnostics screen. */
  readonly devices?: () => readonly DeviceStatus[];
  /** Where the device profiles are (default: firmware-config/ of the installation). */
  readonly firmwareConfigDir?: string;
  /** Decisions (codes, never content), refusals, faults and rule-set problems. Default: stderr only. */
  readonly logger?: Logger;
  /** A staff session ends after this long without a staff action (default 2 min; `chot start --staff-idle-seconds`). */
  readonly staffIdleMs?: number;
  /** Tests: the hub client's timeouts and fetch for an enrolment by QR. */
  readonly enrollmentClient?: EnrollKioskOptions['client'];
  /** Tests: the staff PINs (default: `<data-dir>/staff-pins.json` at the default cost). */
  readonly staffPins?: StaffPinStore;
}

export const DEFAULT_WEDGE_SETTINGS: WedgeSettings = {
  // Scanners send keys 1–15 ms apart; even a fast typist rarely keeps under 50 ms for long.
  maxInterKeyMs: 50,
  minLength: 6,
  suffixKey: 'Enter',
  maxLength: 8192,
};

/**
 * Who logs the entries, and where: hub.json as read at start, until an enrolment by QR
 * (qr-enrollment.ts) makes the running kiosk a device of its hub (`enrolledAs`). The pipeline
 * and the staff desk hold this one object, so both log as the new device from then on.
 */
export class KioskStation implements EntryStation {
  #kioskId: string;
  #location: string;
  readonly lane: string;
  readonly direction: EntryDirection;

  constructor(options: Pick<KioskCoreOptions, 'dataDir' | 'gate'>) {
    const hub = loadHubConfig(options.dataDir);
    this.#kioskId = hub?.deviceId ?? DEFAULT_STATION.kioskId;
    this.#location = hub?.location ?? DEFAULT_STATION.location;
    this.lane = options.gate?.lane ?? DEFAULT_STATION.lane;
    this.direction = options.gate?.direction ?? DEFAULT_STATION.direction;
  }

  get kioskId(): string {
    return this.#kioskId;
  }

  get location(): string {
    return this.#location;
  }

  enrolledAs(deviceId: string, location: string): void {
    this.#kioskId = deviceId;
    this.#location = location;
  }
}

/** What the page asks once at start (getKioskInfo): the settings it shows and plays by. */
export function kioskInfoOf(options: KioskCoreOptions, screenLane: string): KioskInfo {
  return {
    version: chotVersion(),
    lane: screenLane,
    wedge: { ...DEFAULT_WEDGE_SETTINGS, ...options.wedge },
    verdictHoldMs: options.verdictHoldMs ?? 5000,
    override: { presetReasons: OVERRIDE_PRESET_REASONS, ...OVERRIDE_LIMITS },
    sound: options.sound ?? DEFAULT_SOUND_SETTINGS,
    theme: options.theme ?? DEFAULT_THEME_SETTINGS,
  };
}
