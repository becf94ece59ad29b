import { OUTCOMES } from '../verdict/verdict.js';
import { CHIP_READING_PHASES } from './chip-reading.js';
import { READINESS_STATES } from './kiosk-status.js';
import type { KioskEvent } from './kiosk-events.js';
import { KIOSK_SETUP_PHASES } from './kiosk-setup.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The check a pushed event passes before it reaches a screen, shared by the Electron preload
 * (what may cross to the page) and the renderer (what it paints): a verdict event must carry
 * a verdict with a known outcome, a headline, reasons and a gate; a devices event a list and,
 * if any, a device line in both languages; a chip event a known phase and its lane; a readiness event a known state and its words. Anything else is dropped, so a malformed push
 * costs that push, never the screen.
 */
export function asKioskEvent(value: unknown): KioskEvent | undefined {
  if (!isObject(value)) return undefined;
  if (value.name === 'verdict') {
    const { verdict } = value;
    if (!isObject(verdict)) return undefined;
    if (!(OUTCOMES as readonly unknown[]).includes(verdict.outcome)) return undefined;
    if (!isObject(verdict.headline) || !Array.isArray(verdict.reasons) || !isObject(verdict.gate)) return undefined;
    return value as KioskEvent;
  }
  if (value.name === 'devices') {
    if (!Array.isArray(value.devices)) return undefined;
    const line = value.deviceLine;
    if (line !== undefined && (!isObject(line) || typeof line.vi !== 'string' || typeof line.en !== 'string')) return undefined;
    return value as KioskEvent;
  }
  if (value.name === 'chip') {
    const { state } = value;
    if (!isObject(state) || !(CHIP_READING_PHASES as readonly unknown[]).includes(state.phase) || typeof state.lane !== 'string') return undefined;
    return value as KioskEvent;
  }
  if (value.name === 'readiness') {
    const { readiness } = value;
    if (!isObject(readiness) || !(READINESS_STATES as readonly unknown[]).includes(readiness.state)) return undefined;
    if (!isBilingual(readiness.headline) || !isBilingual(readiness.line) || !isBilingual(readiness.advice)) return undefined;
    return value as KioskEvent;
  }
  if (value.name === 'setup') {
    const { setup } = value;
    if (!isObject(setup) || !(KIOSK_SETUP_PHASES as readonly unknown[]).includes(setup.phase)) return undefined;
    if (setup.reason !== undefined && !isBilingual(setup.reason)) return undefined;
    return value as KioskEvent;
  }
  return undefined;
}

const isBilingual = (value: unknown): boolean => isObject(value) && typeof value.vi === 'string' && typeof value.en === 'string';
