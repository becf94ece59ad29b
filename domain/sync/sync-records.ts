import { ByteReader, ByteWriter, malformed } from './byte-io.js';
import { checkFacts, decodeFacts, writeFacts } from './facts-codec.js';
import type { ChunkHeader } from './sync-chunk.js';
import type { SyncedPerson } from './synced-person.js';

/**
 * The records of a chunk body, in ascending 12-digit ID order (docs/sync-format.md,
 * "Records"):
 *
 *   idGap varint   first record: id12 − rangeStart; later: id12 − previous id12 − 1
 *   flags u8       bit 0 old ID follows, bit 1 BHXH number follows; other bits 0
 *   [oldId varint] the 9-digit number, ≤ 999 999 999
 *   [bhxh varint]  the 10-digit number, ≤ 9 999 999 999
 *   factsLength varint, facts (facts-codec.ts)
 *
 * Key order is what makes the kiosk's insert fast (appends to the rowid B-tree), and the
 * gaps make IDs cost one or two bytes before compression. Facts are length-prefixed so
 * the kiosk stores their bytes as they are.
 */
const FLAG_OLD_ID = 1;
const FLAG_BHXH = 2;
const MAX_OLD_ID = 999_999_999;
const MAX_BHXH = 9_999_999_999;
/** Facts within FACT_LIMITS stay well below this; a bigger length is corrupt. */
const MAX_FACTS_BYTES = 64 * 1024;

/**
 * One record with its facts already encoded: what a snapshot merged from the previous one
 * copies from a decoded chunk without building the facts as objects. Absent identifiers are -1.
 */
export interface EncodedRecord {
  readonly id12: number;
  readonly oldId: number;
  readonly bhxh: number;
  readonly facts: Uint8Array;
}

/** Appends one record; `previousId12` is undefined for a chunk's first record. */
export function writeRecord(w: ByteWriter, person: SyncedPerson, rangeStart: number, previousId12: number | undefined, scratch: ByteWriter): number {
  return writeEncodedRecord(w, encodeRecord(person, scratch), rangeStart, previousId12);
}

/** Checks a person's identifiers and encodes their facts (into a copy of `scratch`'s bytes). */
export function encodeRecord(person: SyncedPerson, scratch = new ByteWriter(256)): EncodedRecord {
  if (!/^\d{12}$/.test(person.id12)) throw new RangeError(`${person.id12} is not a 12-digit ID`);
  if (person.oldId !== undefined && !/^\d{9}$/.test(person.oldId)) throw new RangeError(`old ID ${person.oldId} is not 9 digits`);
  if (person.bhxh !== undefined && !/^\d{10}$/.test(person.bhxh)) throw new RangeError(`BHXH number ${person.bhxh} is not 10 digits`);
  scratch.reset();
  writeFacts(scratch, person.facts);
  return {
    id12: Number(person.id12),
    oldId: person.oldId === undefined ? -1 : Number(person.oldId),
    bhxh: person.bhxh === undefined ? -1 : Number(person.bhxh),
    facts: scratch.toBytes(),
  };
}

/** Appends one record whose facts are already encoded (checked: they came from a verified chunk or from writeFacts). */
export function writeEncodedRecord(w: ByteWriter, record: EncodedRecord, rangeStart: number, previousId12: number | undefined): number {
  const { id12 } = record;
  if (previousId12 !== undefined && id12 <= previousId12) throw new RangeError(`people must come in ascending ID order: ${id12} after ${previousId12}`);
  if (id12 < rangeStart) throw new RangeError(`${id12} is before the chunk's range`);
  w.varint(previousId12 === undefined ? id12 - rangeStart : id12 - previousId12 - 1);
  w.u8((record.oldId < 0 ? 0 : FLAG_OLD_ID) | (record.bhxh < 0 ? 0 : FLAG_BHXH));
  if (record.oldId >= 0) w.varint(record.oldId);
  if (record.bhxh >= 0) w.varint(record.bhxh);
  w.varint(record.facts.length);
  w.bytes(record.facts);
  return id12;
}

/**
 * A chunk's records, column by column in typed arrays: the applier binds them straight
 * into SQLite, and a delta held whole until its final chunk costs ~70 bytes a person
 * instead of several objects each. Absent identifiers are -1; facts are offsets into `body`.
 */
export interface ChunkRecords {
  readonly count: number;
  readonly body: Uint8Array;
  readonly id12: Float64Array;
  readonly oldId: Float64Array;
  readonly bhxh: Float64Array;
  readonly factsStart: Uint32Array;
  readonly factsEnd: Uint32Array;
}

export const recordOldId = (records: ChunkRecords, i: number): string | null => digits(records.oldId[i] as number, 9);
export const recordBhxh = (records: ChunkRecords, i: number): string | null => digits(records.bhxh[i] as number, 10);
export const recordFacts = (records: ChunkRecords, i: number): Uint8Array => records.body.subarray(records.factsStart[i], records.factsEnd[i]);
const digits = (value: number, width: number): string | null => (value < 0 ? null : String(value).padStart(width, '0'));

/** Reads and checks every record of an inflated body against its header. */
export function readRecords(body: Uint8Array, header: ChunkHeader): ChunkRecords {
  const r = new ByteReader(body);
  const count = header.recordCount;
  const records: ChunkRecords = {
    count,
    body,
    id12: new Float64Array(count),
    oldId: new Float64Array(count),
    bhxh: new Float64Array(count),
    factsStart: new Uint32Array(count),
    factsEnd: new Uint32Array(count),
  };
  let previous = header.rangeStart - 1;
  for (let i = 0; i < count; i++) {
    const id12 = previous + 1 + r.varint(header.rangeEnd - previous - 1);
    const flags = r.u8();
    if (flags > (FLAG_OLD_ID | FLAG_BHXH)) throw malformed(`unknown record flags ${flags}`);
    records.id12[i] = id12;
    records.oldId[i] = flags & FLAG_OLD_ID ? r.varint(MAX_OLD_ID) : -1;
    records.bhxh[i] = flags & FLAG_BHXH ? r.varint(MAX_BHXH) : -1;
    const length = r.varint(MAX_FACTS_BYTES);
    const start = r.at;
    r.take(length);
    checkFacts(body, start, r.at);
    records.factsStart[i] = start;
    records.factsEnd[i] = r.at;
    previous = id12;
  }
  r.finish('last record');
  return records;
}

/** The records as people (tests, tools; the applier keeps the columns). */
export function recordsToPeople(records: ChunkRecords): SyncedPerson[] {
  return Array.from({ length: records.count }, (_, i) => {
    const oldId = recordOldId(records, i);
    const bhxh = recordBhxh(records, i);
    return {
      id12: String(records.id12[i]).padStart(12, '0'),
      ...(oldId === null ? {} : { oldId }),
      ...(bhxh === null ? {} : { bhxh }),
      facts: decodeFacts(recordFacts(records, i)),
    };
  });
}
