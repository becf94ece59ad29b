import type { KioskEvent } from '../../domain/contract/kiosk-events.js';

/**
 * The renderer's check of a pushed event before it reaches the screen. The renderer may
 * import domain types only, so the shapes are restated here: a verdict event must carry a
 * verdict with an outcome and a headline, a devices event a list; anything else is dropped.
 */
export function asKioskEvent(value: unknown): KioskEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  if (event.name === 'verdict') {
    const verdict = event.verdict as Record<string, unknown> | null | undefined;
    if (typeof verdict !== 'object' || verdict === null) return undefined;
    if (!['green', 'yellow', 'red', 'none'].includes(verdict.outcome as string)) return undefined;
    if (typeof verdict.headline !== 'object' || verdict.headline === null || !Array.isArray(verdict.reasons)) return undefined;
    if (typeof verdict.gate !== 'object' || verdict.gate === null) return undefined;
    return value as KioskEvent;
  }
  if (event.name === 'devices') {
    if (!Array.isArray(event.devices)) return undefined;
    const line = event.deviceLine as Record<string, unknown> | undefined;
    if (line !== undefined && (typeof line !== 'object' || line === null || typeof line.vi !== 'string' || typeof line.en !== 'string')) return undefined;
    return value as KioskEvent;
  }
  return undefined;
}
