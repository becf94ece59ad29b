/**
 * The header names of the hub API (docs/hub-api.md), lowercase as HTTP/1.1 and fetch
 * compare them. Values and meanings are documented where each is used.
 */
export const HUB_HEADERS = {
  /** Signed requests (domain/sync/signed-request.ts): the kiosk's device id… */
  device: 'x-chot-device',
  /** …the Unix milliseconds it signed at… */
  timestamp: 'x-chot-timestamp',
  /** …a fresh random value, never used twice… */
  nonce: 'x-chot-nonce',
  /** …and the base64url Ed25519 signature over the canonical request. */
  signature: 'x-chot-signature',
  /** Optional on signed requests: the kiosk's status report (domain/sync/kiosk-report.ts), covered by the signature. */
  report: 'x-chot-report',
  /** Snapshot and delta answers: the sequence the stream brings the kiosk to (S or T). */
  seq: 'x-chot-seq',
  /** Snapshot and delta answers: how many chunks the whole stream has. */
  chunks: 'x-chot-chunks',
  /** Refusals that say when to ask again: seconds (or an HTTP date). */
  retryAfter: 'retry-after',
  etag: 'etag',
  ifNoneMatch: 'if-none-match',
  contentType: 'content-type',
  contentEncoding: 'content-encoding',
  /** The admin API: `Bearer <admin token>`. */
  authorization: 'authorization',
  /** 405 answers: the method the path takes. */
  allow: 'allow',
} as const;

/** `Content-Type` of snapshot and delta bodies: signed chunks (docs/sync-format.md). */
export const SYNC_CONTENT_TYPE = 'application/vnd.chot.sync';

/** The ETag of the snapshot at sequence `seq`, whatever chunk the download starts from. */
export const snapshotEtag = (seq: number): string => `"snapshot-${seq}"`;

/** The ETag of the delta (from, to]: a kiosk at `from` asks with `deltaEtag(from, from)` to learn it is current. */
export const deltaEtag = (from: number, to: number): string => `"delta-${from}-${to}"`;
