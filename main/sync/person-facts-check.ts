import type { HubKeyStore } from '../../domain/credentials/verification.js';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { canonicalPersonFacts, isSignedPersonFacts } from '../../domain/protocol/person-facts.js';
import { decodeFacts } from '../../domain/sync/facts-codec.js';
import { REQUEST_CLOCK_WINDOW_MS } from '../../domain/sync/signed-request.js';

/** What the kiosk makes of the hub's answer about one person (docs/hub-api.md, "Person lookup"). */
export type PersonFactsCheck =
  /** The hub's facts about the person (`facts` undefined: the hub says it knows nobody by this ID). */
  | { readonly ok: true; readonly facts: PersonFacts | undefined; readonly seq: number; readonly issuedAt: number }
  /** Not an answer to believe: each reason is a way a forged, replayed or broken answer shows. */
  | { readonly ok: false; readonly why: 'malformed' | 'unknown-key' | 'bad-signature' | 'other-person' | 'other-kiosk' | 'stale' };

export interface PersonFactsExpectation {
  /** The ID the kiosk asked about. */
  readonly id12: string;
  /** This kiosk's device id. */
  readonly deviceId: string;
  /** The kiosk's clock when the answer arrived. */
  readonly nowMs: number;
  /**
   * How far the hub's signing instant may be from the kiosk's clock (default: the window a
   * signed request's timestamp has, the skew the hub accepts from the kiosk): an answer signed
   * long ago is a replay, whatever else it says.
   */
  readonly maxSkewMs?: number;
}

/**
 * Checks a person-lookup answer as a receipt is checked: the shape, a pinned hub key, its
 * signature, then that it is about the ID asked, for this kiosk, and fresh. Only then are the
 * facts decoded (the sync's own codec: damaged facts are `malformed`).
 */
export function checkPersonFacts(answer: unknown, expected: PersonFactsExpectation, keys: HubKeyStore): PersonFactsCheck {
  if (!isSignedPersonFacts(answer)) return { ok: false, why: 'malformed' };
  const { statement, signature } = answer;
  const key = keys.byKeyId(statement.hubKeyId);
  if (key === undefined) return { ok: false, why: 'unknown-key' };
  if (!key.verify(canonicalPersonFacts(statement), Buffer.from(signature, 'base64url'))) return { ok: false, why: 'bad-signature' };
  if (statement.id12 !== expected.id12) return { ok: false, why: 'other-person' };
  if (statement.kioskId !== expected.deviceId) return { ok: false, why: 'other-kiosk' };
  if (Math.abs(expected.nowMs - statement.issuedAt) > (expected.maxSkewMs ?? REQUEST_CLOCK_WINDOW_MS)) return { ok: false, why: 'stale' };
  let facts: PersonFacts | undefined;
  try {
    facts = statement.facts === null ? undefined : decodeFacts(Buffer.from(statement.facts, 'base64url'));
  } catch {
    return { ok: false, why: 'malformed' };
  }
  return { ok: true, facts, seq: statement.seq, issuedAt: statement.issuedAt };
}
