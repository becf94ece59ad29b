import { isHubErrorCode, type HubErrorCode } from '../../domain/protocol/hub-errors.js';

/**
 * Failures the kiosk's client names itself, when the hub gave no code of the API:
 * `unreachable` (no connection), `timeout` (no answer, or a body that stopped arriving),
 * `interrupted` (the connection broke mid-body), `unavailable` (a 5xx without the hub's
 * JSON: a proxy's error page), `bad-response` (not what the protocol says),
 * `unrecognised-refusal` (a refusal with a code this kiosk does not know: a newer hub), `aborted` (stopped by the
 * caller).
 */
export const CLIENT_FAILURES = ['unreachable', 'timeout', 'interrupted', 'unavailable', 'bad-response', 'unrecognised-refusal', 'aborted'] as const;
export type ClientFailure = (typeof CLIENT_FAILURES)[number];

export type HubFailureCode = HubErrorCode | ClientFailure;

/**
 * A refusal or failure talking to the hub. `code` is the hub's own (domain/protocol/hub-errors.ts)
 * when it answered with one this kiosk knows, else the client's (ClientFailure). `status` is
 * 0 when there was no answer.
 */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly code: HubFailureCode,
    readonly status: number,
    message: string,
    /** From `Retry-After`: when the hub asked to be asked again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The one way kiosk code decides on a hub's answer: by its typed code, never by its text. */
export const isHubError = (error: unknown, code: HubFailureCode): error is HubError => error instanceof HubError && error.code === code;

/** Failures that mean "the hub cannot be reached right now", not "the hub said no". */
const OFFLINE: ReadonlySet<HubFailureCode> = new Set<HubFailureCode>(['unreachable', 'timeout', 'interrupted']);
export const isHubOffline = (error: unknown): boolean => error instanceof HubError && OFFLINE.has(error.code);

/**
 * What the kiosk does with each code the hub can send. `handled`: some caller decides on it
 * with isHubError (the contract test checks that the callers named here do, and that no
 * other code is decided on); `passed-through`: it fails the request, and the status line and
 * log show the hub's message with the code — the sync and upload loops try again with
 * their backoff (after Retry-After, when the hub sent one), enrolment stops and says why.
 * A code the hub adds later, unknown here, is `unrecognised-refusal` (refusalError).
 */
export const KIOSK_HANDLING: Readonly<Record<HubErrorCode, 'handled' | 'passed-through'>> = {
  // Enrolment (enroll-kiosk.ts): an operator message of the kiosk's own for each.
  'unknown-code': 'handled',
  'expired-code': 'handled',
  'revoked-device': 'handled',
  'bad-public-key': 'handled',
  'wrong-hub-key': 'handled',
  'already-enrolled': 'passed-through',
  'too-many-attempts': 'passed-through',
  // Sync (sync-client.ts; `chot sync` waits for the first snapshot).
  'snapshot-gone': 'handled',
  'delta-too-large': 'handled',
  'ahead-of-hub': 'handled',
  'snapshot-building': 'handled',
  // A hub older than trust files has no GET /v1/trust: the sync goes on without them.
  'not-found': 'handled',
  // chot doctor (main/doctor/hub-checks.ts): the hub refusing a request's time is the kiosk's clock.
  'stale-timestamp': 'handled',
  // The rest: the hub's message says what an operator must do; the loops retry.
  'bad-request': 'passed-through',
  'method-not-allowed': 'passed-through',
  'upgrade-required': 'passed-through',
  internal: 'passed-through',
  busy: 'passed-through',
  unsigned: 'passed-through',
  'unknown-device': 'passed-through',
  replayed: 'passed-through',
  'bad-signature': 'passed-through',
  revoked: 'passed-through',
  'bad-batch': 'passed-through',
  // The person lookup gives no answer, and asks nothing more until the Retry-After has passed (hub-facts-lookup.ts).
  'too-many-lookups': 'passed-through',
  'unsupported-encoding': 'passed-through',
  // The kiosk never calls the admin API.
  'admin-unauthenticated': 'passed-through',
  'admin-unknown-token': 'passed-through',
  'admin-token-expired': 'passed-through',
  'admin-token-revoked': 'passed-through',
};

/**
 * The HubError of a refusal: the hub's code when it is one of the API's, else `unrecognised-refusal`
 * with a message that names what the hub sent (cut short, as it is untrusted text) — the
 * kiosk never acts on a code it does not know, and never mistakes it for another.
 */
export function refusalError(error: unknown, message: string | undefined, status: number, retryAfterMs: number | undefined, fallback: ClientFailure): HubError {
  if (isHubErrorCode(error)) return new HubError(error, status, message ?? `the hub refused: ${error} (HTTP ${status})`, retryAfterMs);
  if (typeof error !== 'string') return new HubError(fallback, status, message ?? `the hub answered HTTP ${status}`, retryAfterMs);
  const named = JSON.stringify(error.slice(0, 64));
  return new HubError(
    'unrecognised-refusal',
    status,
    `the hub refused with an error this kiosk does not know (${named}, HTTP ${status}): ${message === undefined ? 'no message' : message.slice(0, 500)} — is the hub newer than this kiosk? Nothing was changed on the kiosk`,
    retryAfterMs,
  );
}
