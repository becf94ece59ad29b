/**
 * Why a kiosk refuses a snapshot or delta chunk. Each refusal has its own code, so the
 * sync client can tell a corrupted download (fetch it again) from a key it does not trust
 * (re-enrol), a replay (ignore it) or a gap (ask for an older delta or a snapshot).
 */
export type SyncErrorCode =
  /** The bytes are not a well-formed chunk: truncated, trailing bytes, a count or value out of range. */
  | 'sync.malformed'
  /** A chunk of a format version this kiosk does not know, or of version 2 outside a snapshot the artefact index places it in. */
  | 'sync.version'
  /** Signed by a hub key this kiosk has not pinned. */
  | 'sync.unknown-key'
  /** The signature does not match the chunk: altered in transit or forged. */
  | 'sync.signature'
  /** The body inflates beyond its declared size or the format's cap (a decompression bomb). */
  | 'sync.body-size'
  /** Older than what the kiosk already has: applying it would take the data back in time. */
  | 'sync.replay'
  /** A delta that starts after the kiosk's watermark: the changes in between would be missing. */
  | 'sync.gap'
  /** Chunks out of order, repeated, of another snapshot or delta, or of the wrong kind. */
  | 'sync.sequence'
  /** The stream ended before the final chunk (a partial download: resume it). */
  | 'sync.incomplete'
  /** A delta larger than the kiosk applies at once: fetch a snapshot instead. */
  | 'sync.too-large';

export class SyncError extends Error {
  override readonly name = 'SyncError';

  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isSyncErrorCode(value: unknown): value is SyncErrorCode {
  return typeof value === 'string' && SYNC_ERROR_CODES.has(value as SyncErrorCode);
}

const SYNC_ERROR_CODES = new Set<SyncErrorCode>([
  'sync.malformed',
  'sync.version',
  'sync.unknown-key',
  'sync.signature',
  'sync.body-size',
  'sync.replay',
  'sync.gap',
  'sync.sequence',
  'sync.incomplete',
  'sync.too-large',
]);
