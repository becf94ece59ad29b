/**
 * The hub's clock, signed, in every `GET /v1/status` answer the kiosk asks for at each sync
 * (docs/hub-api.md): a witness the kiosk judges its own clock by (domain/time/clock-trust.ts).
 * Signed for one kiosk, so an answer given to one is not a witness for another. An older
 * hub sends none: the kiosk then knows less, which is not a fault by itself.
 */
export const HUB_TIME_VERSION = 'chot-time-1';

export interface HubTime {
  /** The kiosk that asked (its device id): the signature is for it alone. */
  readonly kioskId: string;
  /** The hub's clock when it signed, epoch milliseconds. */
  readonly issuedAt: number;
  /** Which hub key signed (hex of its first 4 bytes). */
  readonly hubKeyId: string;
}

export interface SignedHubTime {
  readonly time: HubTime;
  /** Base64url Ed25519 signature of canonicalHubTime(time) by the hub key time.hubKeyId. */
  readonly signature: string;
}

/** The bytes the hub signs: one field per line, in this order, after the version (as an upload receipt's). */
export function canonicalHubTime(time: HubTime): Uint8Array {
  return new TextEncoder().encode([HUB_TIME_VERSION, time.kioskId, String(time.issuedAt), time.hubKeyId].join('\n'));
}

/** Whether an answer's `signedTime` has the shape of one (its signature is checked apart). */
export function isSignedHubTime(value: unknown): value is SignedHubTime {
  if (typeof value !== 'object' || value === null) return false;
  const { time, signature } = value as { time?: unknown; signature?: unknown };
  if (typeof signature !== 'string' || typeof time !== 'object' || time === null) return false;
  const { kioskId, issuedAt, hubKeyId } = time as Partial<Record<keyof HubTime, unknown>>;
  return typeof kioskId === 'string' && Number.isSafeInteger(issuedAt) && typeof hubKeyId === 'string';
}
