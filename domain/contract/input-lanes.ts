import { ENTRY_DIRECTIONS, type EntryDirection } from '../entries/entry-record.js';
import type { Bilingual, Reason } from '../text/bilingual.js';

/**
 * The inputs the page reads itself — the keyboard wedge and the camera — and the lane and
 * direction their entries are logged with (devices.json `inputs`; default the kiosk's own
 * lane, 'in'). Devices the core drives carry their own lane in their spec.
 */
export const SCREEN_INPUTS = ['wedge', 'camera'] as const;
export type ScreenInput = (typeof SCREEN_INPUTS)[number];

export interface InputGate {
  readonly lane: string;
  readonly direction: EntryDirection;
}

export type InputGates = Readonly<Record<ScreenInput, InputGate>>;

/**
 * Staff switch which way people pass the wedge and camera (a bus point: boarding, then
 * alighting at the stop). Applies to both inputs, as they stand at the screen together.
 */
export interface InputDirectionRequest {
  readonly direction: EntryDirection;
}

/**
 * The inputs' lanes and directions now in force, after the switch; or a refusal (a staff
 * action: with staff PINs set, only within a staff session), the direction unchanged.
 */
export type InputDirectionResult = { readonly ok: true; readonly inputs: InputGates } | InputDirectionRefused;

export interface InputDirectionRefused {
  readonly ok: false;
  readonly refusal: Reason;
}

/** Every direction, worded for the staff screen's switch (Vietnamese first). */
export const DIRECTION_NAMES: Readonly<Record<EntryDirection, Bilingual>> = {
  in: { vi: 'Vào', en: 'In' },
  out: { vi: 'Ra', en: 'Out' },
  boarding: { vi: 'Lên xe', en: 'Boarding' },
  alighting: { vi: 'Xuống xe', en: 'Alighting' },
};

export function isEntryDirection(value: unknown): value is EntryDirection {
  return (ENTRY_DIRECTIONS as readonly unknown[]).includes(value);
}
