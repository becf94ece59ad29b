/**
 * What the core pushes to the renderer without being asked: a verdict decided for a scan
 * the renderer did not submit (a serial or HID-POS scanner, read by the core), and every
 * change of a device's state. Carried by the browser-mode WebSocket (`{t:'event', event}`,
 * rpc-messages.ts) and by the Electron preload (EVENT_CHANNEL): a push, so a device verdict
 * reaches the screen as fast as a wedge verdict, with no polling.
 */
import type { ScanSource } from '../scan/scan-event.js';
import type { EntryDirection } from '../entries/entry-record.js';
import type { Verdict } from '../verdict/verdict.js';
import type { DataAgeLine } from './kiosk-status.js';
import type { DeviceReport } from './device-report.js';
import type { ChipReadingState } from './chip-reading.js';
import type { Readiness } from './kiosk-status.js';
import type { KioskSetup } from './kiosk-setup.js';

export type { DeviceReport, DeviceReportFaultKind, DeviceReportKind, DeviceReportState } from './device-report.js';

export type KioskEvent =
  | {
      readonly name: 'verdict';
      readonly verdict: Verdict;
      readonly source: ScanSource;
      readonly lane: string;
      readonly direction: EntryDirection;
    }
  | {
      readonly name: 'devices';
      readonly devices: readonly DeviceReport[];
      /** The screen's device-fault line, absent while every device works. */
      readonly deviceLine?: DataAgeLine;
    }
  /** What a lane's chip card reader is doing (chip-reading.ts): the screen's card prompt and read progress. */
  | { readonly name: 'chip'; readonly state: ChipReadingState }
  /** The data became usable or stopped being so (kiosk-readiness.ts): NOT READY appears or goes at once. */
  | { readonly name: 'readiness'; readonly readiness: Readiness }
  /** An enrolment by QR moved on (kiosk-setup.ts): enrolled, or refused and why. */
  | { readonly name: 'setup'; readonly setup: KioskSetup };

export type KioskEventName = KioskEvent['name'];
export const KIOSK_EVENT_NAMES = ['verdict', 'devices', 'chip', 'readiness', 'setup'] as const satisfies readonly KioskEventName[];
