/**
 * One decision at the gate, as the kiosk logs it and the hub ingests it — the record both
 * ends hash, so its canonical form is defined once, here, and documented in
 * docs/entry-log.md. No names and no addresses: identifiers, place and outcome only.
 *
 * Chain: hash(n) = SHA-256(hash(n−1) ‖ UTF-8 of canonicalEntry(n)); hash(0) is 32 zero
 * bytes. Hashing itself is done with node:crypto by the kiosk (main/) and the hub (hub/),
 * as the domain has no I/O; both call `canonicalStoredEntry`, which puts each row in the
 * form of the format it was logged in.
 */

/** The kiosk id entries carry when they were logged before the kiosk was enrolled with a hub. */
export const UNENROLLED_KIOSK_ID = 'unenrolled';

export const ENTRY_DIRECTIONS = ['in', 'out', 'boarding', 'alighting'] as const;
export type EntryDirection = (typeof ENTRY_DIRECTIONS)[number];

/** A staff member overriding the verdict (e.g. letting a yellow through): who and why. */
export interface EntryOverride {
  readonly by: string;
  readonly reason: string;
}

/** A format-2 entry: everything but the chip's document signer. */
export interface EntryRecordV2 {
  /** The kiosk's sequence number for this entry: 1, 2, 3… with no gaps. */
  readonly seq: number;
  /** ISO 8601 with the zone offset (+07:00). */
  readonly at: string;
  /** The kiosk's device id at the hub (`k-…`), or `unenrolled` before enrolment. */
  readonly kioskId: string;
  /** The location the kiosk was enrolled for (as the hub's admin named it), or '' before enrolment. */
  readonly location: string;
  readonly lane: string;
  readonly direction: EntryDirection;
  /** What read the credential: wedge, serial, hid-pos, camera, chip, manual. */
  readonly sourceKind: string;
  readonly sourceDeviceId: string;
  readonly credentialKind: string;
  readonly authenticity: string;
  /** The 12-digit ID (or the identifier the credential carried), null when unreadable. */
  readonly personId: string | null;
  /** green | yellow | red | none */
  readonly outcome: string;
  readonly reasonCodes: readonly string[];
  /** `id@version` of the rule set that decided, null when none applied. */
  readonly ruleSet: string | null;
  readonly override: EntryOverride | null;
}

/** A format-3 entry: everything but who typed a typed ID. */
export interface EntryRecordV3 extends EntryRecordV2 {
  /**
   * Which document signer certificate vouched for a chip ID card's data, as
   * `<issuer DN text>#<serial hex>` (document-signer-id.ts: documentSignerId); null for every
   * other credential, and for a chip whose EF.SOD named none. Only the certificate's identity:
   * never the photo (DG2) or the personal fields (DG13), which are not logged at all.
   */
  readonly documentSigner: string | null;
}

/** An entry as logged now (format 4). */
export interface EntryRecord extends EntryRecordV3 {
  /**
   * The staff member who typed the ID on the staff keypad (source kind `manual`), as the
   * staff session names them, or as typed on a kiosk without staff PINs; null for every other
   * entry. A typed ID proves nothing of the person: the log says who vouched for typing it.
   * (An override's `by` is who let a person through; this is who entered the number.)
   */
  readonly enteredBy: string | null;
}

/**
 * Version 4 of the canonical form: a JSON array with a leading format tag, in this fixed
 * field order, so an entry hashes the same on every kiosk and at the hub: version 2's fields,
 * then the document signer, then who typed the ID. (Rows of earlier formats keep their own
 * forms: `canonicalEntryV3`, `canonicalEntryV2`, `canonicalEntryV1`.)
 */
export const ENTRY_CANONICAL_TAG = 'chot-entry-4';

export function canonicalEntry(entry: EntryRecord): string {
  return JSON.stringify([ENTRY_CANONICAL_TAG, ...fieldsV2(entry), entry.documentSigner, entry.enteredBy]);
}

/** The tag of canonical form 3, which kiosks wrote from their migration 7 to their migration 8. */
export const ENTRY_CANONICAL_TAG_V3 = 'chot-entry-3';

/** Version 3 of the canonical form, byte for byte as kiosks wrote it from migration 7 to migration 8. Needed for good. */
export function canonicalEntryV3(entry: EntryRecordV3): string {
  return JSON.stringify([ENTRY_CANONICAL_TAG_V3, ...fieldsV2(entry), entry.documentSigner]);
}

/** The tag of canonical form 2, which kiosks wrote from their migration 5 to their migration 7. */
export const ENTRY_CANONICAL_TAG_V2 = 'chot-entry-2';

/**
 * Version 2 of the canonical form, byte for byte as kiosks wrote it from migration 5 to
 * migration 7. Needed for good, like version 1.
 */
export function canonicalEntryV2(entry: EntryRecordV2): string {
  return JSON.stringify([ENTRY_CANONICAL_TAG_V2, ...fieldsV2(entry)]);
}

/** Version 2's fields after its tag, in their fixed order; versions 3 and 4 add to them. */
function fieldsV2(entry: EntryRecordV2): unknown[] {
  return [
    entry.seq,
    entry.at,
    entry.kioskId,
    entry.location,
    entry.lane,
    entry.direction,
    entry.sourceKind,
    entry.sourceDeviceId,
    entry.credentialKind,
    entry.authenticity,
    entry.personId,
    entry.outcome,
    entry.reasonCodes,
    entry.ruleSet,
    entry.override === null ? null : [entry.override.by, entry.override.reason],
  ];
}

/**
 * The canonical form a row was hashed with. A kiosk logged format 1 until kiosk database
 * migration 5, format 2 until migration 7, format 3 until migration 8 and format 4 since; its
 * old rows keep their format for good, as their hashes (and every hash after them) cover those bytes.
 */
export type EntryFormat = 1 | 2 | 3 | 4;
/** Every format a row may carry, oldest first. */
export const ENTRY_FORMATS: readonly EntryFormat[] = [1, 2, 3, 4];
/** The format every new entry is logged in. */
export const CURRENT_ENTRY_FORMAT = 4;

/** What a format-1 row holds: no kiosk, place, lane, direction or override. */
export type EntryRecordV1 = Pick<
  EntryRecordV2,
  'seq' | 'at' | 'sourceKind' | 'sourceDeviceId' | 'credentialKind' | 'authenticity' | 'personId' | 'outcome' | 'reasonCodes' | 'ruleSet'
>;

/**
 * Version 1 of the canonical form, byte for byte as kiosks wrote it before migration 5:
 * an untagged JSON array. Needed for good, so that the rows logged before an upgrade
 * keep verifying on the kiosk and at the hub.
 */
export function canonicalEntryV1(entry: EntryRecordV1): string {
  return JSON.stringify([
    entry.seq,
    entry.at,
    entry.sourceKind,
    entry.sourceDeviceId,
    entry.credentialKind,
    entry.authenticity,
    entry.personId,
    entry.outcome,
    entry.reasonCodes,
    entry.ruleSet,
  ]);
}

/** A logged entry with the format it was hashed in; flat, so `row.outcome` reads the same for all. */
export type StoredEntry =
  | (EntryRecordV1 & { readonly format: 1 })
  | (EntryRecordV2 & { readonly format: 2 })
  | (EntryRecordV3 & { readonly format: 3 })
  | (EntryRecord & { readonly format: 4 });

/** The canonical form of a logged entry, in the format it was logged in. */
export function canonicalStoredEntry(entry: StoredEntry): string {
  switch (entry.format) {
    case 1:
      return canonicalEntryV1(entry);
    case 2:
      return canonicalEntryV2(entry);
    case 3:
      return canonicalEntryV3(entry);
    case 4:
      return canonicalEntry(entry);
  }
}

/** The document signer a logged entry names: null for formats before 3, which had none. */
export function storedDocumentSigner(entry: StoredEntry): string | null {
  return entry.format === 3 || entry.format === 4 ? entry.documentSigner : null;
}

/** Who typed a logged entry's ID: null for formats before 4, which had no such field. */
export function storedEnteredBy(entry: StoredEntry): string | null {
  return entry.format === 4 ? entry.enteredBy : null;
}
