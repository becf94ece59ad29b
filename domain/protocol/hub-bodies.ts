import type { SignedHubTime } from './hub-time.js';
import type { SignedArtefactLocation } from '../sync/artefact-index.js';
import type { SignedScope } from '../sync/province-scope.js';
import type { UploadAnswer } from '../entries/entry-upload.js';

/**
 * The JSON bodies of the hub API (docs/hub-api.md), request and answer, per route of
 * hub-routes.ts. Snapshot and delta answers are not JSON: they are signed chunks
 * (docs/sync-format.md), described by their headers (hub-headers.ts). Upload batches and
 * receipts are in domain/entries/entry-upload.ts, shared with the code that builds them.
 */

/** `POST /v1/enroll` (at most MAX_ENROLL_BODY_BYTES). */
export interface EnrollRequest {
  /** The one-time code, e.g. "ABCD-EFGH-JKMN". */
  readonly code: string;
  /** The kiosk's raw 32-byte Ed25519 public key, base64. */
  readonly publicKey: string;
  /** The hub key the kiosk expects (base64 raw 32 bytes): another hub refuses before spending the code. */
  readonly hubKey?: string;
  /**
   * Or only its fingerprint, as an enrolment QR names it (SHA-256 of the raw key, lower-case
   * hex): another hub refuses before spending the code all the same.
   */
  readonly hubKeySha256?: string;
}

/** An enrolment request is a code and a key: anything near this size is not one. */
export const MAX_ENROLL_BODY_BYTES = 4096;

export interface EnrollResponse {
  readonly deviceId: string;
  /** The location the code was made for. */
  readonly location: string;
  /** Base64 raw 32-byte Ed25519 key: the kiosk pins it. */
  readonly hubPublicKey: string;
  readonly hubKeyId: string;
  /** The hub's sequence at enrolment. */
  readonly seq: number;
}

/** `GET /v1/status`. */
export interface StatusResponse {
  readonly seq: number;
  /** The newest snapshot ready to download; null while the first is being built. */
  readonly snapshotSeq: number | null;
  readonly hubKeyId: string;
  /** The hub's clock, Unix ms (unsigned: for people reading it). */
  readonly serverTime: number;
  /** The hub's clock signed for the asking kiosk (hub-time.ts); absent from an older hub. */
  readonly signedTime?: SignedHubTime;
  /** Where kiosks fetch snapshots and deltas without the hub (sync/artefact-index.ts), signed; absent when the hub publishes none. */
  readonly artefacts?: SignedArtefactLocation;
  /** The provinces the asking kiosk syncs, signed for it (province-scope.ts); absent from an older hub: every province. */
  readonly signedScope?: SignedScope;
}

/**
 * `GET /v1/health`: 200 when the hub can answer kiosks, 503 when its storage does not answer.
 * Nothing else: no people, no kiosks, no configuration.
 */
export interface HealthResponse {
  readonly status: 'ok' | 'storage-unreachable';
  /** A trivial query to the storage (SQLite or PostgreSQL) answered in time. */
  readonly storage: boolean;
  /** The hub's sequence, as that query read it; null when the storage did not answer. */
  readonly seq: number | null;
}

/** `GET /v1/rules` (200). */
export interface RulesResponse {
  /** The signed rule sets as published; the kiosk verifies each before installing it. */
  readonly ruleSets: readonly unknown[];
}

/** `GET /v1/trust` (200). */
export interface TrustResponse {
  /**
   * The signed trust files as published, one per kind (domain/trust/signed-trust-file.ts);
   * the kiosk verifies each before installing it, and reports a kind it does not know.
   */
  readonly trustFiles: readonly unknown[];
}

/** `POST /v1/entries` (200): the answer of entry-upload.ts, and how many problems were left off its list. */
export interface EntriesResponse extends UploadAnswer {
  readonly moreProblems: number;
}

/** `GET /v1/notify`: what the hub sends on the WebSocket. */
export interface SeqNotice {
  readonly type: 'seq';
  readonly seq: number;
}

/** `GET /v1/notify`: the ETag `GET /v1/rules` answers with now (on connecting, and when a rule set is published). */
export interface RulesNotice {
  readonly type: 'rules';
  readonly etag: string;
}

/** Every notice of `GET /v1/notify`; a kiosk ignores a type it does not know (a newer hub's). */
export type HubNotice = SeqNotice | RulesNotice;

/** An entry in a trace answer. */
export interface TraceEntryJson {
  readonly personId: string;
  readonly at: string;
  readonly location: string;
  readonly kioskId: string;
  readonly seq: number;
  readonly lane: string;
  readonly direction: string;
  readonly outcome: string;
  /** As the kiosk logged it: `cccd-qr`, `chip`, `pass`… and `unsigned`, `chip-verified`, `signed-valid`… */
  readonly credentialKind: string;
  readonly authenticity: string;
  /** A chip ID card's document signer, `<issuer>#<serial hex>`; null for any other credential. */
  readonly documentSigner: string | null;
  /** The staff member who typed the ID at the kiosk (source kind `manual`); null for any other entry. */
  readonly enteredBy: string | null;
}

/** One contact of a trace, once however many visits they were near (hub/entries/trace-contacts.ts). */
export interface TraceContactJson {
  readonly personId: string;
  /** Their entries near the person's visits, each counted once. */
  readonly entries: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** Where they were seen, in order of first sighting, with every time there. */
  readonly places: readonly { readonly location: string; readonly times: readonly string[] }[];
}

/** `GET /v1/admin/trace?format=json` (200), the same as `chot hub trace --format json`. */
export interface TraceResponse {
  readonly personId: string;
  /** The zone of every time in the answer: `Asia/Ho_Chi_Minh`, UTC offset `+07:00` (no daylight saving). */
  readonly timeZone: string;
  readonly utcOffset: string;
  /** ISO 8601, Vietnam time (+07:00), as every `at` below. */
  readonly from: string;
  readonly to: string;
  readonly windowMs: number;
  readonly places: readonly (TraceEntryJson & { readonly contacts: readonly TraceEntryJson[] })[];
  /** Each contact once, beside the full list above. */
  readonly contactSummary: readonly TraceContactJson[];
}
