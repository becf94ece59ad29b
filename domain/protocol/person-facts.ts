/**
 * The hub's answer to `GET /v1/person/:id/facts` (docs/hub-api.md): what it knows of one
 * person, signed with the hub key, for the kiosk that asked. A kiosk asks about a person
 * outside its synced data while they stand at the gate; the answer binds the ID, the kiosk
 * and the instant, so it cannot be replayed for another person, another kiosk or much later.
 */
export const PERSON_FACTS_VERSION = 'chot-person-facts-1';

export interface PersonFactsStatement {
  /** The 12-digit ID asked about. */
  readonly id12: string;
  /** The kiosk that asked (its device id): the answer is for it alone. */
  readonly kioskId: string;
  /** The hub's sequence the answer is true at. */
  readonly seq: number;
  /** The hub's clock when it signed, epoch milliseconds. */
  readonly issuedAt: number;
  /** Which hub key signed (hex of its first 4 bytes). */
  readonly hubKeyId: string;
  /**
   * The person's facts as a sync record carries them (domain/sync/facts-codec.ts), base64url;
   * null: the hub knows nobody by this ID (a signed "not known").
   */
  readonly facts: string | null;
}

export interface SignedPersonFacts {
  readonly statement: PersonFactsStatement;
  /** Base64url Ed25519 signature of canonicalPersonFacts(statement) by the hub key statement.hubKeyId. */
  readonly signature: string;
}

/** The bytes the hub signs: one field per line after the version (as the signed hub time's); `-` for "not known". */
export function canonicalPersonFacts(statement: PersonFactsStatement): Uint8Array {
  const { id12, kioskId, seq, issuedAt, hubKeyId, facts } = statement;
  return new TextEncoder().encode([PERSON_FACTS_VERSION, id12, kioskId, String(seq), String(issuedAt), hubKeyId, facts ?? '-'].join('\n'));
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Whether a value has the shape of a signed answer (its signature and binding are checked apart). */
export function isSignedPersonFacts(value: unknown): value is SignedPersonFacts {
  if (typeof value !== 'object' || value === null) return false;
  const { statement, signature } = value as { statement?: unknown; signature?: unknown };
  if (typeof signature !== 'string' || typeof statement !== 'object' || statement === null) return false;
  const { id12, kioskId, seq, issuedAt, hubKeyId, facts } = statement as Partial<Record<keyof PersonFactsStatement, unknown>>;
  return (
    typeof id12 === 'string' &&
    typeof kioskId === 'string' &&
    Number.isSafeInteger(seq) &&
    Number.isSafeInteger(issuedAt) &&
    typeof hubKeyId === 'string' &&
    (facts === null || (typeof facts === 'string' && facts !== '' && BASE64URL.test(facts)))
  );
}
