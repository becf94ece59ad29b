/**
 * The one typed contract between the kiosk's core and its renderer. The interface IS
 * the contract: the Electron preload and the browser-mode WebSocket client both expose
 * exactly `KioskApi` as `window.chot`, and the core implements it once.
 */
import type { Diagnostics } from '../devices/diagnostics.js';
import type { ScanSource } from '../scan/scan-event.js';
import type { KioskStatus } from './kiosk-status.js';
import type { OverrideRequest, OverrideResult } from './operator-override.js';
import type { ConfirmRequest, ConfirmResult } from './staff-confirm.js';
import type { ChipCanRequest, ChipCanResult } from './chip-reading.js';
import type { StaffSessionState, StaffSignInRequest, StaffSignInResult } from './staff-session.js';
import type { InputDirectionRequest, InputDirectionResult, InputGates } from './input-lanes.js';
import type { TodayStats } from './today-stats.js';
import type { Bilingual } from '../text/bilingual.js';
import type { Outcome, Verdict } from '../verdict/verdict.js';
import type { SoundSettings } from './sound-settings.js';
import type { TypedIdRequest, TypedIdResult } from './typed-id.js';
import type { ThemeSettings } from './theme-settings.js';

/** A framed scan as the renderer hands it over (keyboard wedge, camera, demo card). */
export interface ScanSubmission {
  readonly source: ScanSource;
  readonly text: string;
  /** The renderer's framer cut an over-long burst: `text` is truncated. */
  readonly overflow?: boolean;
  /** The framer saw this many characters of the same code stop without a suffix just before `text`: `text` is a tail. */
  readonly startLost?: number;
}

/** How the renderer frames keyboard-wedge input into scans. */
export interface WedgeSettings {
  /** Keys further apart than this start a new burst: people type far slower than scanners. */
  readonly maxInterKeyMs: number;
  /** Shorter bursts are ignored: nobody types this many keys this fast. */
  readonly minLength: number;
  /** The key a scanner sends after the code. */
  readonly suffixKey: 'Enter' | 'Tab';
  /** Longer bursts are cut and reported as too long. */
  readonly maxLength: number;
}

/** A fictitious person's card in the demo data set, shown on the idle screen. */
export interface DemoCard {
  readonly label: string;
  readonly qrText: string;
  readonly expected: Outcome;
}

export interface OverrideSettings {
  readonly presetReasons: readonly (Bilingual & { readonly code: string })[];
  readonly byMaxChars: number;
  readonly reasonMaxChars: number;
  readonly windowMs: number;
}

export interface KioskInfo {
  readonly version: string;
  /** The lane this screen stands at: the chip card prompt shows this lane's reader only. */
  readonly lane: string;
  readonly wedge: WedgeSettings;
  /** How long a verdict stays on screen before the idle screen returns. */
  readonly verdictHoldMs: number;
  /** What the operator's override form offers and accepts (the core checks the same limits). */
  readonly override: OverrideSettings;
  /** How loud each verdict's tones are, or muted (`chot start --volume`, `--mute`). */
  readonly sound: SoundSettings;
  /** The page's colour theme: dark, bright, or by the time of day (`chot start --theme`, `--day-hours`). */
  readonly theme: ThemeSettings;
  /** The wedge's and the camera's lane and direction as the core logs them now (staff may switch the direction). */
  readonly inputs?: InputGates;
  /** Present only when the kiosk runs on the built-in demo data set. */
  readonly demoCards?: readonly DemoCard[];
}

export interface KioskApi {
  /** Decides one scan. Resolves only after the entry is durably committed. */
  submitScan(scan: ScanSubmission): Promise<Verdict>;
  getKioskInfo(): Promise<KioskInfo>;
  /** How old the facts are and what the sync is doing, worded for the idle screen. */
  getKioskStatus(): Promise<KioskStatus>;
  /** Today's decisions at this kiosk by colour and credential kind, for the operator. */
  getTodayStats(): Promise<TodayStats>;
  /**
   * Staff let through the person of the verdict on screen (yellow or red, or a `none` about a
   * known person; the newest decision, under 2 minutes old). Needs a staff session once staff
   * PINs are set: the log names its staff member. Logs a new green entry with who and why, and resolves
   * only after it is committed; a request that cannot be honoured resolves with a refusal.
   */
  overrideLastVerdict(request: OverrideRequest): Promise<OverrideResult>;
  /**
   * Staff confirm the verdict on screen whose gate waited for them (its colour opens the lane,
   * its credential is unsigned or a bare number), having compared card and face: logs a new
   * green entry with who and opens the gate, under the override's rules (newest, under 2
   * minutes); resolves only after it is committed, or with a refusal.
   */
  confirmLastVerdict(request: ConfirmRequest): Promise<ConfirmResult>;
  /** Every device with its state, last scan and fault, and the scanner programming codes, for the diagnostics screen (F4). */
  getDiagnostics(): Promise<Diagnostics>;
  /**
   * Staff typed the card access number printed on a chip ID card (no QR was scanned first): the
   * card on the lane's reader, or the next one put there within a minute, is read with it.
   */
  enterChipCan(request: ChipCanRequest): Promise<ChipCanResult>;
  /**
   * Opens the staff session with a PIN (staff-session.ts): staff actions are then made as the
   * staff member it names, until they sign out or leave it idle. Wrong PINs lock it a while.
   */
  staffSignIn(request: StaffSignInRequest): Promise<StaffSignInResult>;
  staffSignOut(): Promise<StaffSessionState>;
  /** Whether staff PINs are set, and who is signed in: read by staff screens; not a staff action. */
  getStaffSession(): Promise<StaffSessionState>;
  /**
   * Staff switch the direction the wedge's and the camera's entries are logged with (a bus
   * point: boarding / alighting), until the kiosk restarts; resolves with the inputs now in force.
   */
  setInputDirection(request: InputDirectionRequest): Promise<InputDirectionResult>;
  /**
   * Staff typed a person's ID on the staff keypad (typed-id.ts): decided like a scan of a bare
   * number at the screen's lane and direction, logged with source `manual` and who typed it;
   * resolves only after the entry is committed, or with a refusal (nothing logged). Needs a
   * staff session once staff PINs are set.
   */
  enterTypedId(request: TypedIdRequest): Promise<TypedIdResult>;
  /**
   * The page is alive: sent every PAGE_HEARTBEAT_MS while it runs. A kiosk that keeps the
   * browser (`chot start --open`) restarts one whose page has gone silent.
   */
  pageHeartbeat(): Promise<void>;
}

/** How often the page says it is alive (KioskApi.pageHeartbeat). */
export const PAGE_HEARTBEAT_MS = 5_000;

export type KioskMethod = keyof KioskApi;

/** Every method of the contract, for the bridges that must name them (preload, dispatcher). */
export const KIOSK_API_METHODS = [
  'submitScan',
  'getKioskInfo',
  'getKioskStatus',
  'getTodayStats',
  'pageHeartbeat',
  'overrideLastVerdict',
  'confirmLastVerdict',
  'getDiagnostics',
  'enterChipCan',
  'staffSignIn',
  'staffSignOut',
  'getStaffSession',
  'setInputDirection',
  'enterTypedId',
] as const satisfies readonly KioskMethod[];

// Compile-time proof that the list above names every method of KioskApi.
type MissingMethods = Exclude<KioskMethod, (typeof KIOSK_API_METHODS)[number]>;
const everyMethodListed: MissingMethods extends never ? true : never = true;
void everyMethodListed;

/** Every call has a timeout; a core that does not answer in time is a fault the screen shows. */
export const CALL_TIMEOUT_MS = 10_000;
