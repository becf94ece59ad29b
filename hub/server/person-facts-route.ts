import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, sendJson } from './http-responses.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { HUB_ROUTES, routePathParameters } from '../../domain/protocol/hub-routes.js';
import { canonicalPersonFacts, type PersonFactsStatement, type SignedPersonFacts } from '../../domain/protocol/person-facts.js';
import { encodeFacts } from '../../domain/sync/facts-codec.js';

/**
 * How long a kiosk (and nothing shared: `private`) may reuse an answer. Short: the answer is
 * a person's health facts, and a fact imported a minute later must reach the gate.
 */
export const PERSON_FACTS_MAX_AGE_SECONDS = 30;

/**
 * Lookups per kiosk, and per hub process in all. A gate meets a person from outside its scope
 * now and then, a busload at most: 30 at once and one a second after that is far above a
 * gate's need and far below what walking the ID space needs. The answers are people's health
 * facts, so a kiosk (or a stolen kiosk key) asking past that is refused and named in the log.
 */
export const PERSON_LOOKUP_LIMITS = { perDevice: { burst: 30, perMinute: 60 }, overall: { burst: 3_000, perMinute: 60_000 } } as const;
/** A kiosk over its limit is named in the log at most this often. */
const LIMIT_WARNING_EVERY_MS = 10 * 60_000;
const warnedAt = new WeakMap<HubContext, Map<string, number>>();

/**
 * `GET /v1/person/:id/facts`: what the hub knows of one person, for a kiosk whose synced data
 * does not hold them (a person from outside its scope at its gate). Answered from storage
 * and signed with the hub key for the asking kiosk, the ID and the instant
 * (domain/protocol/person-facts.ts); a person the hub does not know gets a signed "not known",
 * so a kiosk can tell "the hub says nobody" from "no answer". The request log never shows the
 * ID: the route logs no query, and ID-like digits in its path are masked (request-log.ts).
 */
export async function handlePersonFacts(hub: HubContext, exchange: Exchange): Promise<void> {
  const id12 = routePathParameters(HUB_ROUTES.personFacts.path, exchange.path)?.id;
  if (id12 === undefined || !/^\d{12}$/.test(id12)) throw new HttpError('bad-request', 'the ID in /v1/person/:id/facts must be a 12-digit citizen ID');
  const device = exchange.device;
  if (device === undefined) throw new Error('the person lookup is a signed route: the router authenticates the kiosk first');
  const allowed = hub.lookupLimiter.take(device.deviceId);
  if (!allowed.ok) {
    warnOverLimit(hub, device.deviceId, allowed.scope);
    throw new HttpError(
      'too-many-lookups',
      `too many person lookups ${allowed.scope === 'address' ? 'from this kiosk' : 'at this hub'}: try again in ${allowed.retryAfterSeconds} s`,
      {
        [HUB_HEADERS.retryAfter]: String(allowed.retryAfterSeconds),
      },
    );
  }
  // The sequence first: the person read after it is at least as new, so the answer is never older than it says.
  const seq = await hub.storage.currentSeq();
  const person = await hub.storage.findPerson(id12);
  const statement: PersonFactsStatement = {
    id12,
    kioskId: device.deviceId,
    seq: Math.max(seq, person?.seq ?? 0),
    issuedAt: hub.now(),
    hubKeyId: hub.key.keyId,
    facts: person === undefined ? null : Buffer.from(encodeFacts(person.facts)).toString('base64url'),
  };
  const answer: SignedPersonFacts = { statement, signature: Buffer.from(hub.key.sign(canonicalPersonFacts(statement))).toString('base64url') };
  sendJson(exchange.response, 200, answer, { 'Cache-Control': `private, max-age=${PERSON_FACTS_MAX_AGE_SECONDS}` });
}

/** Names a kiosk asking past its limit (never the IDs it asked about), once per LIMIT_WARNING_EVERY_MS. */
function warnOverLimit(hub: HubContext, deviceId: string, scope: 'address' | 'hub'): void {
  const key = scope === 'hub' ? '*' : deviceId;
  const seen = warnedAt.get(hub) ?? new Map<string, number>();
  warnedAt.set(hub, seen);
  const now = hub.now();
  if (now - (seen.get(key) ?? Number.NEGATIVE_INFINITY) < LIMIT_WARNING_EVERY_MS) return;
  seen.set(key, now);
  if (seen.size > 10_000) seen.clear();
  hub.log.warn(
    scope === 'hub'
      ? 'person lookups: this hub process refuses lookups, over its overall limit'
      : `person lookups: kiosk ${deviceId} refused, over its limit of ${PERSON_LOOKUP_LIMITS.perDevice.perMinute} a minute (a kiosk asking that much is not serving a gate: check it)`,
    { device: deviceId },
  );
}
