/**
 * One decision at the gate, as the kiosk logs it and the hub ingests it — the record both
 * ends hash, so its canonical form is defined once, here, and documented in
 * docs/entry-log.md. No names and no addresses: identifiers, place and outcome only.
 *
 * Chain: hash(n) = SHA-256(hash(n−1) ‖ UTF-8 of canonicalEntry(n)); hash(0) is 32 zero
 * bytes. Hashing itself is done with node:crypto by the kiosk (main/) and the hub (hub/),
 * as the domain has no I/O; both call `canonicalEntry`.
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

export interface EntryRecord {
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

/**
 * Version 2 of the canonical form: a JSON array with a leading format tag, in this fixed
 * field order, so an entry hashes the same on every kiosk and at the hub. (Version 1 rows,
 * written before location, lane, direction and override existed, keep their own form:
 * `canonicalEntryV1`.)
 */
export const ENTRY_CANONICAL_TAG = 'chot-entry-2';

export function canonicalEntry(entry: EntryRecord): string {
  return JSON.stringify([
    ENTRY_CANONICAL_TAG,
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
  ]);
}

/**
 * The canonical form a row was hashed with. A kiosk logged format 1 until kiosk database
 * migration 5 and format 2 since; its old rows keep format 1 for good, as their hashes
 * (and every hash after them) cover those bytes.
 */
export type EntryFormat = 1 | 2;
/** The format every new entry is logged in. */
export const CURRENT_ENTRY_FORMAT = 2;

/** What a format-1 row holds: no kiosk, place, lane, direction or override. */
export type EntryRecordV1 = Pick<
  EntryRecord,
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

/** A logged entry with the format it was hashed in; flat, so `row.outcome` reads the same for both. */
export type StoredEntry = (EntryRecordV1 & { readonly format: 1 }) | (EntryRecord & { readonly format: 2 });

/** The canonical form of a logged entry, in the format it was logged in. */
export function canonicalStoredEntry(entry: StoredEntry): string {
  return entry.format === 1 ? canonicalEntryV1(entry) : canonicalEntry(entry);
}
