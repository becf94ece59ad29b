import { createHash } from 'node:crypto';
import { EntryChainWalker, genesisAnchor, type ChainAnchor, type ChainCheck, type ChainHasher } from '../../domain/entries/entry-chain.js';
import {
  canonicalEntry,
  CURRENT_ENTRY_FORMAT,
  ENTRY_DIRECTIONS,
  type EntryDirection,
  type EntryRecord,
  type StoredEntry,
} from '../../domain/entries/entry-record.js';
import { documentSignerProblem, enteredByProblem } from '../../domain/entries/entry-fields.js';
import { tallyKindOf } from '../../domain/entries/tally-kind.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * What the scan pipeline logs for one decision; the log numbers it. No names, no addresses.
 * `documentSigner` only for a chip ID card (documentSignerId of the certificate that signed
 * its EF.SOD); `enteredBy` only for an ID staff typed (the staff member); left out, each is stored as null.
 */
export type EntryFields = Omit<EntryRecord, 'seq' | 'documentSigner' | 'enteredBy'> & {
  readonly documentSigner?: string;
  readonly enteredBy?: string;
};

/** A row of the log as stored: its format's fields (flat, see StoredEntry) and its two hashes. */
export type EntryRow = StoredEntry & {
  readonly prevHash: Buffer;
  readonly hash: Buffer;
};

/** SHA-256(prevHash ‖ UTF-8 of canonical): the chain's hash, for `findBrokenLink` and the like. */
export const sha256Chain: ChainHasher = (prevHash, canonical) => createHash('sha256').update(prevHash).update(canonical, 'utf8').digest();

/** The meta keys holding the last purged entry: the chain's start on this kiosk once purged. */
export const ANCHOR_SEQ_KEY = 'entry_anchor_seq';
export const ANCHOR_HASH_KEY = 'entry_anchor_hash';

export interface SqlEntry {
  seq: number;
  format: number;
  at: string;
  kiosk_id: string | null;
  location: string | null;
  lane: string | null;
  direction: string | null;
  source_kind: string;
  source_device_id: string;
  credential_kind: string;
  authenticity: string;
  person_id: string | null;
  outcome: string;
  reasons: string;
  rule_set: string | null;
  override_by: string | null;
  override_reason: string | null;
  document_signer: string | null;
  entered_by: string | null;
  prev_hash: Buffer;
  hash: Buffer;
}

/** Why a row cannot be read back as an entry; no Chốt writes such a row, so it was edited. */
export class UnreadableRow extends Error {}

function reasonCodes(json: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UnreadableRow('its reason codes are not JSON');
  }
  if (!Array.isArray(value) || !value.every((code) => typeof code === 'string')) throw new UnreadableRow('its reason codes are not a list of codes');
  return value as string[];
}

/** Reads a row back as an entry; throws UnreadableRow if it holds values no Chốt writes. */
export function decodeRow(row: SqlEntry): EntryRow {
  const common = {
    seq: row.seq,
    at: row.at,
    sourceKind: row.source_kind,
    sourceDeviceId: row.source_device_id,
    credentialKind: row.credential_kind,
    authenticity: row.authenticity,
    personId: row.person_id,
    outcome: row.outcome,
    reasonCodes: reasonCodes(row.reasons),
    ruleSet: row.rule_set,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.format === 1) return { format: 1, ...common };
  if (row.format !== 2 && row.format !== 3 && row.format !== 4) throw new UnreadableRow(`its format ${String(row.format)} is not one Chốt writes`);
  const { kiosk_id: kioskId, location, lane, direction, override_by: by, override_reason: reason } = row;
  if (kioskId === null || location === null || lane === null) throw new UnreadableRow('its kiosk, location or lane is empty');
  if (!ENTRY_DIRECTIONS.includes(direction as EntryDirection)) throw new UnreadableRow(`its direction ${JSON.stringify(direction)} is not one Chốt writes`);
  if ((by === null) !== (reason === null)) throw new UnreadableRow('its override has a "who" or a "why" but not both');
  const v2 = {
    ...common,
    kioskId,
    location,
    lane,
    direction: direction as EntryDirection,
    override: by === null || reason === null ? null : { by, reason },
  };
  if (row.format === 4) return { format: 4, ...v2, documentSigner: row.document_signer, enteredBy: row.entered_by };
  // Formats before 4 had no "entered by": one on such a row was written by something else than Chốt.
  if (row.entered_by !== null) throw new UnreadableRow(`it names who typed its ID, which its format ${row.format} does not`);
  if (row.format === 3) return { format: 3, ...v2, documentSigner: row.document_signer };
  // Format 2 had no document signer: one on such a row was written by something else than Chốt.
  if (row.document_signer !== null) throw new UnreadableRow('it has a document signer, which its format 2 does not');
  return { format: 2, ...v2 };
}

/**
 * The append-only, hash-chained entry log, on the kiosk database. `append` returns only
 * after the row is committed with synchronous=FULL, so a verdict on screen is always in
 * the log; the people are in another file, so a sync never holds the lock it needs.
 * The canonical forms and the chain are defined in domain/entries/ (docs/entry-log.md).
 */
export class EntryLog {
  private readonly insert;
  private readonly selectLast;
  private readonly selectBySeq;
  private readonly selectAll;
  private readonly countRows;
  private readonly selectNewestFirst;
  private readonly selectMeta;

  constructor(private readonly db: SqliteDatabase) {
    // A verdict is shown once its entry is committed: that commit must survive a power cut.
    if ((db.pragma('synchronous', { simple: true }) as number) < 2) db.pragma('synchronous = FULL');
    this.insert = db.prepare(
      `INSERT INTO entry (seq, format, at, kiosk_id, location, lane, direction, source_kind, source_device_id, credential_kind,
                          authenticity, person_id, outcome, reasons, rule_set, override_by, override_reason, document_signer, entered_by, prev_hash, hash)
       VALUES (@seq, ${CURRENT_ENTRY_FORMAT}, @at, @kioskId, @location, @lane, @direction, @sourceKind, @sourceDeviceId, @credentialKind,
               @authenticity, @personId, @outcome, @reasons, @ruleSet, @overrideBy, @overrideReason, @documentSigner, @enteredBy, @prevHash, @hash)`,
    );
    this.selectLast = db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM entry ORDER BY seq DESC LIMIT 1');
    this.selectBySeq = db.prepare<[number], SqlEntry>('SELECT * FROM entry WHERE seq = ?');
    this.selectAll = db.prepare<[], SqlEntry>('SELECT * FROM entry ORDER BY seq');
    this.countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM entry');
    this.selectMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.selectNewestFirst = db.prepare<[], { at: string; outcome: string; credential_kind: string; authenticity: string }>(
      // An override or confirm is a staff decision about a scan already counted, not a second scan.
      'SELECT at, outcome, credential_kind, authenticity FROM entry WHERE override_by IS NULL ORDER BY seq DESC',
    );
  }

  /** Appends one entry in its own durable transaction and returns its sequence number. */
  append(fields: EntryFields): number {
    const entry = { ...fields, documentSigner: fields.documentSigner ?? null, enteredBy: fields.enteredBy ?? null };
    // Refused here rather than at the hub: an entry in the chain that the hub refuses would stall every upload after it.
    const signer = documentSignerProblem(entry.credentialKind, entry.documentSigner);
    if (signer !== undefined) throw new RangeError(`the entry's documentSigner ${signer}`);
    const enteredBy = enteredByProblem(entry.sourceKind, entry.enteredBy);
    if (enteredBy !== undefined) throw new RangeError(`the entry's enteredBy ${enteredBy}`);
    return this.db
      .transaction(() => {
        // Read the tail inside the transaction: the chain must follow what is on disk.
        // Every row purged after upload: the chain goes on from the last purged one.
        const last = this.selectLast.get() ?? this.anchor();
        const seq = last.seq + 1;
        const prevHash = Buffer.from(last.hash);
        this.insert.run({
          seq,
          at: entry.at,
          kioskId: entry.kioskId,
          location: entry.location,
          lane: entry.lane,
          direction: entry.direction,
          sourceKind: entry.sourceKind,
          sourceDeviceId: entry.sourceDeviceId,
          credentialKind: entry.credentialKind,
          authenticity: entry.authenticity,
          personId: entry.personId,
          outcome: entry.outcome,
          reasons: JSON.stringify(entry.reasonCodes),
          ruleSet: entry.ruleSet,
          overrideBy: entry.override?.by ?? null,
          overrideReason: entry.override?.reason ?? null,
          documentSigner: entry.documentSigner,
          enteredBy: entry.enteredBy,
          prevHash,
          hash: sha256Chain(prevHash, canonicalEntry({ ...entry, seq })),
        });
        return seq;
      })
      .immediate();
  }

  /**
   * Where this kiosk's log starts: the last entry purged after upload (its seq and hash),
   * or before entry 1. Kept in meta by the purge (main/upload/entry-outbox.ts).
   */
  anchor(): ChainAnchor {
    const seq = this.selectMeta.get(ANCHOR_SEQ_KEY)?.value;
    const hash = this.selectMeta.get(ANCHOR_HASH_KEY)?.value;
    if (seq === undefined || hash === undefined) return genesisAnchor();
    return { seq: Number(seq), hash: Buffer.from(hash, 'hex') };
  }

  /** One entry; throws, naming it, if its row holds values no Chốt writes. */
  get(seq: number): EntryRow | undefined {
    const row = this.selectBySeq.get(seq);
    if (row === undefined) return undefined;
    try {
      return decodeRow(row);
    } catch (error) {
      if (error instanceof UnreadableRow) throw new Error(`entry ${seq} cannot be read: ${error.message}`, { cause: error });
      throw error;
    }
  }

  count(): number {
    return this.countRows.get()?.n ?? 0;
  }

  /**
   * Counts the entries logged at or after `sinceIso` (ISO 8601 with the +07:00 the log
   * writes), by outcome and by credential kind (a verified chip as `chip-verified`: tally-kind.ts). Reads backwards from the newest entry and
   * stops at the first older one, so it costs today's entries, not the whole log (a kiosk
   * offline for days may hold a million). An entry logged while the clock was wrong (set
   * back, then corrected) may end the walk early: the counts are the operator's, not an audit.
   */
  tallySince(sinceIso: string): { total: number; byOutcome: Record<string, number>; byCredentialKind: Record<string, number> } {
    const byOutcome: Record<string, number> = {};
    const byCredentialKind: Record<string, number> = {};
    let total = 0;
    for (const row of this.selectNewestFirst.iterate()) {
      if (row.at < sinceIso) break;
      total += 1;
      byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + 1;
      const kind = tallyKindOf(row.credential_kind, row.authenticity);
      byCredentialKind[kind] = (byCredentialKind[kind] ?? 0) + 1;
    }
    return { total, byOutcome, byCredentialKind };
  }

  /**
   * Walks the whole chain from its start (entry 1, or the last entry purged after upload),
   * row by row (a statement iterator, never the whole log in memory), and reports the
   * first edited, missing or reordered row.
   */
  verify(): ChainCheck {
    const walker = new EntryChainWalker(sha256Chain, this.anchor());
    for (const row of this.selectAll.iterate()) {
      let entry: EntryRow;
      try {
        entry = decodeRow(row);
      } catch (error) {
        if (!(error instanceof UnreadableRow)) throw error;
        walker.unreadable(row.seq, error.message);
        break;
      }
      if (walker.next(entry) !== undefined) break;
    }
    return walker.result();
  }
}
