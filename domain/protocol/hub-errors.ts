/**
 * The error codes of the hub API (docs/hub-api.md) and the one place that says which HTTP
 * status each is sent with. Every refusal is `{ "error": <code>, "message": <text> }`
 * (HubErrorBody): the hub builds it from a code of this table only, and the kiosk decides
 * on the code, never on the message.
 */
export const HUB_ERROR_STATUS = {
  // Any route.
  'bad-request': 400,
  'not-found': 404,
  'method-not-allowed': 405,
  'upgrade-required': 426,
  internal: 500,
  /** The pre-authentication body budget is full, or an import holds the SQLite hub's write lock. */
  busy: 503,

  // POST /v1/enroll.
  'bad-public-key': 400,
  'unknown-code': 403,
  'expired-code': 403,
  'revoked-device': 403,
  'already-enrolled': 409,
  'wrong-hub-key': 409,
  'too-many-attempts': 429,

  // Signed requests.
  unsigned: 401,
  'unknown-device': 401,
  'stale-timestamp': 401,
  replayed: 401,
  'bad-signature': 401,
  revoked: 403,

  // GET /v1/snapshot, GET /v1/delta.
  'snapshot-gone': 404,
  'ahead-of-hub': 409,
  'delta-too-large': 409,
  'snapshot-building': 503,

  // GET /v1/person/:id/facts.
  /** The kiosk asked about more people than a gate does (PERSON_LOOKUP_LIMITS): with Retry-After. */
  'too-many-lookups': 429,

  // POST /v1/entries.
  'bad-batch': 400,
  /** A `Content-Encoding` other than gzip (or none). */
  'unsupported-encoding': 415,

  // The admin API.
  'admin-unauthenticated': 401,
  'admin-unknown-token': 401,
  'admin-token-expired': 401,
  'admin-token-revoked': 403,
} as const satisfies Readonly<Record<string, number>>;

export type HubErrorCode = keyof typeof HUB_ERROR_STATUS;

export const HUB_ERROR_CODES = Object.keys(HUB_ERROR_STATUS) as readonly HubErrorCode[];

export function isHubErrorCode(value: unknown): value is HubErrorCode {
  return typeof value === 'string' && Object.hasOwn(HUB_ERROR_STATUS, value);
}

/** The HTTP status a refusal with this code is sent with. */
export function hubErrorStatus(code: HubErrorCode): number {
  return HUB_ERROR_STATUS[code];
}

/** The body of every refusal. */
export interface HubErrorBody {
  readonly error: HubErrorCode;
  /** For an operator: what happened and what to do. */
  readonly message: string;
}
