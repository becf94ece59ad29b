import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { canonicalHubTime, isSignedHubTime, type HubTime } from '../../domain/protocol/hub-time.js';

/** What the kiosk makes of a status answer's `signedTime` (docs/clock.md). */
export type HubTimeCheck =
  | { readonly ok: true; readonly time: HubTime }
  /** An older hub: no witness, not a fault. */
  | { readonly ok: false; readonly why: 'absent' }
  /** Not a time to believe: malformed, an unpinned key, a signature that does not match, or another kiosk's. */
  | { readonly ok: false; readonly why: 'malformed' | 'unknown-key' | 'bad-signature' | 'other-kiosk' };

/** What became of the hub's signed clock at a sync: `heard`, or why not (an older hub: `absent`; no answer: `unanswered`). */
export type HubClockResult = 'heard' | 'unanswered' | Extract<HubTimeCheck, { ok: false }>['why'];

/** Checks the hub's signed time against the pinned hub keys and this kiosk's id, as a receipt is checked. */
export function checkHubTime(signedTime: unknown, deviceId: string, keys: HubKeyStore): HubTimeCheck {
  if (signedTime === undefined) return { ok: false, why: 'absent' };
  if (!isSignedHubTime(signedTime)) return { ok: false, why: 'malformed' };
  const { time, signature } = signedTime;
  const key = keys.byKeyId(time.hubKeyId);
  if (key === undefined) return { ok: false, why: 'unknown-key' };
  if (!key.verify(canonicalHubTime(time), Buffer.from(signature, 'base64url'))) return { ok: false, why: 'bad-signature' };
  if (time.kioskId !== deviceId) return { ok: false, why: 'other-kiosk' };
  return { ok: true, time };
}
