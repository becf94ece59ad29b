import type { KioskStatus, UploadStatus } from '../../domain/contract/kiosk-status.js';
import type { InputGate, ScreenInput } from '../../domain/contract/input-lanes.js';
import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';
import type { SoundSettings } from '../../domain/contract/sound-settings.js';
import type { ThemeSettings } from '../../domain/contract/theme-settings.js';
import type { EntryDirection } from '../../domain/entries/entry-record.js';
import type { DeviceStatus } from '../../drivers/device.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { GatePolicies } from '../devices/gate-policy.js';
import { loadHubConfig } from '../hub-client/hub-config.js';
import type { StaffPinStore } from '../staff/staff-pin-store.js';
import { DEFAULT_STATION, type EntryStation } from './scan-pipeline.js';

/** How the kiosk core is set up: one object, built once by the runtime from the launch options. */
export interface KioskCoreOptions {
  readonly dataDir: string;
  /** Run on the built-in demo data set (the default while no hub is configured). */
  readonly demo: boolean;
  readonly now?: () => number;
  readonly wedge?: Partial<WedgeSettings>;
  readonly verdictHoldMs?: number;
  /** The verdicts' sound, for the renderer (default: DEFAULT_SOUND_SETTINGS). */
  readonly sound?: SoundSettings;
  /** The page's colour theme, for the renderer (default: DEFAULT_THEME_SETTINGS, dark). */
  readonly theme?: ThemeSettings;
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
 * Who logs the entries, and where: hub.json is read once, at start, as the runtime
 * decides at start whether the kiosk is enrolled (enrolling means a restart).
 */
export function stationOf(options: KioskCoreOptions): EntryStation {
  const hub = loadHubConfig(options.dataDir);
  return {
    kioskId: hub?.deviceId ?? DEFAULT_STATION.kioskId,
    location: hub?.location ?? DEFAULT_STATION.location,
    lane: options.gate?.lane ?? DEFAULT_STATION.lane,
    direction: options.gate?.direction ?? DEFAULT_STATION.direction,
  };
}
