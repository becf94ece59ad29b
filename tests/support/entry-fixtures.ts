import { createHash } from 'node:crypto';
import {
  canonicalEntry,
  canonicalStoredEntry,
  type EntryRecord,
  type EntryRecordV2,
  type EntryRecordV3,
  type StoredEntry,
} from '../../domain/entries/entry-record.js';
import type { UploadedEntry } from '../../hub/entries/entry-store.js';

/**
 * Entries for the hub's ingest and trace tests, chained here with node:crypto on their own
 * (not with the hub's code): hash(n) = SHA-256(hash(n−1) ‖ UTF-8 canonicalEntry(n)).
 */
export const GENESIS = '0'.repeat(64);

export function chainHash(prevHash: string, entry: EntryRecord): string {
  return createHash('sha256')
    .update(Buffer.from(prevHash, 'hex'))
    .update(Buffer.from(canonicalEntry(entry), 'utf8'))
    .digest('hex');
}

/** A plausible green entry; `fields` override any field. */
export function entryRecord(kioskId: string, seq: number, fields: Partial<EntryRecord> = {}): EntryRecord {
  return {
    seq,
    at: `2021-10-20T08:${String(seq % 60).padStart(2, '0')}:00+07:00`,
    kioskId,
    location: 'Chợ Đầm',
    lane: '1',
    direction: 'in',
    sourceKind: 'camera',
    sourceDeviceId: 'cam-0',
    credentialKind: 'cccd-qr',
    authenticity: 'unsigned',
    personId: `0790950${String(seq).padStart(5, '0')}`,
    outcome: 'green',
    reasonCodes: ['vaccinated-2'],
    ruleSet: 'vn-2021@1.0.0',
    override: null,
    documentSigner: null,
    enteredBy: null,
    ...fields,
  };
}

/** Chains records in order after `prevHash`. */
export function chained(records: readonly EntryRecord[], prevHash = GENESIS): UploadedEntry[] {
  let previous = prevHash;
  return records.map((record) => {
    const hash = chainHash(previous, record);
    const entry: UploadedEntry = { ...record, format: 4, prevHash: previous, hash };
    previous = hash;
    return entry;
  });
}

/** A kiosk's entries 1…n, chained from the genesis hash; `fields(seq)` overrides per entry. */
export function kioskChain(kioskId: string, n: number, fields: (seq: number) => Partial<EntryRecord> = () => ({})): UploadedEntry[] {
  return chained(Array.from({ length: n }, (_, i) => entryRecord(kioskId, i + 1, fields(i + 1))));
}

/** Chains logged entries of either format (format-1 rows first, as a kiosk upgraded mid-life logs them). */
export function chainedStored(entries: readonly StoredEntry[], prevHash = GENESIS): UploadedEntry[] {
  let previous = prevHash;
  return entries.map((entry) => {
    const hash = createHash('sha256')
      .update(Buffer.from(previous, 'hex'))
      .update(Buffer.from(canonicalStoredEntry(entry), 'utf8'))
      .digest('hex');
    const uploaded: UploadedEntry = { ...entry, prevHash: previous, hash };
    previous = hash;
    return uploaded;
  });
}

/** A format-1 row as kiosks logged them before their migration 5: no kiosk, place, lane, direction or override. */
export function entryRecordV1(seq: number, fields: Partial<StoredEntry> = {}): StoredEntry {
  const { kioskId: _k, location: _l, lane: _a, direction: _d, override: _o, documentSigner: _s, enteredBy: _e, ...v1 } = entryRecord('unused', seq);
  return { ...v1, ...fields, format: 1 } as StoredEntry;
}

/** A format-2 row as kiosks logged them from their migration 5 to their migration 7: no document signer. */
export function entryRecordV2(kioskId: string, seq: number, fields: Partial<EntryRecordV2> = {}): StoredEntry {
  const { documentSigner: _s, enteredBy: _e, ...v2 } = entryRecord(kioskId, seq);
  return { ...v2, ...fields, format: 2 };
}

/** A format-3 row as kiosks logged them from their migration 7 to their migration 8: no "entered by". */
export function entryRecordV3(kioskId: string, seq: number, fields: Partial<EntryRecordV3> = {}): StoredEntry {
  const { enteredBy: _e, ...v3 } = entryRecord(kioskId, seq);
  return { ...v3, ...fields, format: 3 };
}
