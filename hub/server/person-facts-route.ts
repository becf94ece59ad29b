import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, sendJson } from './http-responses.js';
import { HUB_ROUTES, routePathParameters } from '../../domain/protocol/hub-routes.js';
import { canonicalPersonFacts, type PersonFactsStatement, type SignedPersonFacts } from '../../domain/protocol/person-facts.js';
import { encodeFacts } from '../../domain/sync/facts-codec.js';

/**
 * How long a kiosk (and nothing shared: `private`) may reuse an answer. Short: the answer is
 * a person's health facts, and a fact imported a minute later must reach the gate.
 */
export const PERSON_FACTS_MAX_AGE_SECONDS = 30;

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
