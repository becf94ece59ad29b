import type { StoredEntry } from './entry-record.js';

/**
 * Uploading the entry log (docs/hub-api.md, POST /v1/entries): the batch a kiosk sends and
 * the receipt the hub signs. Shared by both ends; the domain has no crypto, so signing and
 * verifying are the callers' (Ed25519 with node:crypto).
 *
 * A batch is the request body: gzip of the UTF-8 JSON `{"entries": [UploadedEntry…]}`,
 * consecutive seqs of one kiosk. It is signed by the device key through the request
 * signature (domain/sync/signed-request.ts), which covers the SHA-256 of the bytes sent.
 * Re-sending a batch is harmless: the hub keeps an entry once per (kiosk, seq, hash).
 */

/**
 * An entry as a kiosk uploads it: the record in the canonical format it was logged in, with
 * `format` (format 1 rows, logged before kiosk migration 5, carry no kiosk, place, lane,
 * direction or override; format 2 rows, logged before kiosk migration 7, no `documentSigner`;
 * format 3 rows always carry `documentSigner`, null unless a chip ID card named one; format 4
 rows, logged since kiosk migration 8, carry `enteredBy` too, null unless staff typed the ID) and its
 * link in the kiosk's hash chain, both hashes as 64 lowercase hex
 * digits (hash = SHA-256(prevHash ‖ UTF-8 canonicalStoredEntry)).
 */
export type UploadedEntry = StoredEntry & {
  readonly prevHash: string;
  readonly hash: string;
};

/** The most entries one batch may hold; the kiosk sends 2 000 (main/upload: DEFAULT_BATCH_ENTRIES). */
export const MAX_UPLOAD_ENTRIES = 5_000;
/**
 * The most bytes a batch may take once inflated. 2 000 entries are about 1 MB of JSON; with
 * their location, device id, override and a chip's document signer at the limits of
 * entry-fields.ts, in Vietnamese (3 bytes a letter), an entry is about 3.7 KB, so 2 000 of
 * those fit too. The bound keeps a hostile body's parse small.
 */
export const MAX_UPLOAD_INFLATED_BYTES = 8 * 1024 * 1024;
/** The most bytes a batch may take on the wire: gzip of JSON is smaller, plain JSON the same. */
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_INFLATED_BYTES;
/**
 * How deep an upload's JSON nests: the body object, its entries list, an entry, an entry's
 * reason codes or override. Anything deeper is refused before it is parsed.
 */
export const MAX_UPLOAD_JSON_DEPTH = 4;

export const RECEIPT_VERSION = 'chot-receipt-1';

/**
 * What the hub vouches for after an upload: it holds the kiosk's entries 1…contiguousSeq,
 * complete, unflagged and linked, the last of them hashing to headHash. The kiosk may purge
 * up to contiguousSeq (after its retention period), never beyond.
 */
export interface UploadReceipt {
  readonly kioskId: string;
  readonly contiguousSeq: number;
  /** 64 hex digits: the hash of entry contiguousSeq (zeros when 0). */
  readonly headHash: string;
  /** The hub's clock when it signed, epoch milliseconds. */
  readonly issuedAt: number;
  /** Which hub key signed (hex of its first 4 bytes). */
  readonly hubKeyId: string;
}

/** The bytes the hub signs: one field per line, in this order, after the version. */
export function canonicalReceipt(receipt: UploadReceipt): Uint8Array {
  return new TextEncoder().encode(
    [RECEIPT_VERSION, receipt.kioskId, String(receipt.contiguousSeq), receipt.headHash, String(receipt.issuedAt), receipt.hubKeyId].join('\n'),
  );
}

/** What the hub can find wrong with an uploaded entry (each is explained in hub/entries/entry-store.ts). */
export const UPLOAD_PROBLEM_KINDS = ['edited', 'broken-chain', 'gap', 'conflict', 'foreign-location', 'clock-skew'] as const;
export type UploadProblemKind = (typeof UPLOAD_PROBLEM_KINDS)[number];

/** A problem the hub found in a batch (hub/entries/entry-store.ts, IngestProblem). */
export interface UploadProblem {
  readonly seq: number;
  readonly kind: UploadProblemKind;
  readonly message: string;
}

/** The hub's answer to an upload (200). */
export interface UploadAnswer {
  readonly receipt: UploadReceipt;
  /** Base64url Ed25519 signature of canonicalReceipt(receipt) by the hub key receipt.hubKeyId. */
  readonly signature: string;
  /** Entries of the batch stored now, and those the hub already held. */
  readonly accepted: number;
  readonly duplicates: number;
  readonly problems: readonly UploadProblem[];
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Checks the shape of an upload answer (not its signature); returns why it is not one, or undefined. */
export function uploadAnswerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not a JSON object';
  const answer = value as Partial<Record<keyof UploadAnswer, unknown>>;
  const receipt = answer.receipt as Partial<Record<keyof UploadReceipt, unknown>> | undefined;
  if (typeof receipt !== 'object' || receipt === null) return 'it has no receipt';
  if (typeof receipt.kioskId !== 'string' || typeof receipt.hubKeyId !== 'string') return 'its receipt lacks the kiosk or the hub key';
  if (!Number.isSafeInteger(receipt.contiguousSeq) || (receipt.contiguousSeq as number) < 0) return 'its receipt has no contiguous sequence';
  if (typeof receipt.headHash !== 'string' || !HEX_HASH.test(receipt.headHash)) return 'its receipt has no head hash';
  if (!Number.isSafeInteger(receipt.issuedAt)) return 'its receipt has no time';
  if (typeof answer.signature !== 'string' || answer.signature === '') return 'it is not signed';
  if (!Number.isSafeInteger(answer.accepted) || !Number.isSafeInteger(answer.duplicates)) return 'it lacks the counts';
  if (!Array.isArray(answer.problems)) return 'it lacks the list of problems';
  return undefined;
}
