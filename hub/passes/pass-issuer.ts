import { encodePassBody, PASS_PREFIX, signedBytes, type PassHolder } from '../../domain/credentials/pass/pass-codec.js';
import { encodeBase45 } from '../../domain/encoding/base45.js';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';

export interface PassRequest {
  readonly id12: string;
  readonly facts?: PersonFacts;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly validForHours: number;
  /** A staff badge for the hub's staff member of this id (then id12 is STAFF_BADGE_ID12 and there are no facts). */
  readonly staffId?: string;
  /** The holder's name and birth year, signed on the pass for staff to match (docs/status-pass.md). */
  readonly holder?: PassHolder;
}

/** Issues a status pass: the QR text `CHOT1:` + base45(body ‖ Ed25519 signature). */
export function issuePass(key: HubSigningKey, request: PassRequest): string {
  const issuedAt = Math.floor(request.now / 1000);
  const body = encodePassBody({
    keyId: key.keyId,
    issuedAt,
    expiresAt: issuedAt + Math.round(request.validForHours * 3600),
    id12: request.id12,
    ...(request.facts === undefined ? {} : { facts: request.facts }),
    ...(request.staffId === undefined ? {} : { staffId: request.staffId }),
    ...(request.holder === undefined ? {} : { holder: request.holder }),
  });
  const signature = key.sign(signedBytes(body));
  const whole = new Uint8Array(body.length + signature.length);
  whole.set(body);
  whole.set(signature, body.length);
  return PASS_PREFIX + encodeBase45(whole);
}
