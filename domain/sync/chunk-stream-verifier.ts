import type { HubKeyStore } from '../credentials/verification.js';
import { chunkSignature, chunkSignedBytes, inflateChunkBody, isFinalChunk, parseChunkHeader, type ChunkHeader, type SyncKind } from './sync-chunk.js';
import { SyncError } from './sync-error.js';
import { readRecords, type ChunkRecords } from './sync-records.js';

/** Where one snapshot or delta stream has got to: what the next chunk must be. */
export interface ChunkCursor {
  readonly kind: SyncKind;
  readonly keyId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly nextIndex: number;
  readonly nextRangeStart: number;
}

/** What the kiosk already has, read from its database before a stream starts. */
export interface SyncPosition {
  /** The highest sequence fully applied (`facts_seq`), 0 before the first sync. */
  readonly watermark: number;
  /** A snapshot partly loaded into the shadow table, which its next chunk may continue. */
  readonly snapshotInProgress?: ChunkCursor;
}

export interface VerifiedChunk {
  readonly header: ChunkHeader;
  readonly records: ChunkRecords;
  readonly final: boolean;
  /** The cursor after this chunk (what a resume continues from). */
  readonly cursor: ChunkCursor;
}

/**
 * Verifies the chunks of one snapshot or delta, in order, before anything is applied:
 * format, key, signature (over header and compressed body, so before inflating), then
 * that the chunk continues this stream, then every record. Each refusal is a SyncError
 * with its own code; a refused chunk leaves the verifier where it was.
 *
 * Replays: a snapshot or delta ending below the watermark is old data and would take
 * people back in time. A delta ending exactly at the watermark is accepted (re-applying
 * the latest delta is idempotent), as is a snapshot at the watermark (a repair).
 */
export class ChunkStreamVerifier {
  private cursor: ChunkCursor | undefined;
  private finished = false;
  private firstIndex: number | undefined;

  constructor(
    private readonly kind: SyncKind,
    private readonly position: SyncPosition,
    private readonly keys: HubKeyStore,
  ) {}

  /** True once the final chunk has been accepted. */
  get complete(): boolean {
    return this.finished;
  }

  /** The index of the first chunk accepted: above 0 when a snapshot resumed. */
  get startedAt(): number | undefined {
    return this.firstIndex;
  }

  get current(): ChunkCursor | undefined {
    return this.cursor;
  }

  accept(bytes: Uint8Array): VerifiedChunk {
    const header = parseChunkHeader(bytes);
    const key = this.keys.byKeyId(header.keyId);
    if (key === undefined) throw new SyncError('sync.unknown-key', `chunk signed by hub key ${header.keyId}, which this kiosk does not trust`);
    if (!key.verify(chunkSignedBytes(bytes, header), chunkSignature(bytes, header))) {
      throw new SyncError('sync.signature', `chunk ${header.index} of ${describe(header)}: the signature does not match (altered or forged)`);
    }
    this.checkContinues(header);
    const records = readRecords(inflateChunkBody(bytes, header), header);
    const final = isFinalChunk(header);
    const cursor: ChunkCursor = {
      kind: header.kind,
      keyId: header.keyId,
      fromSeq: header.fromSeq,
      toSeq: header.toSeq,
      nextIndex: header.index + 1,
      nextRangeStart: header.rangeEnd + 1,
    };
    this.cursor = cursor;
    this.firstIndex ??= header.index;
    this.finished = final;
    return { header, records, final, cursor };
  }

  private checkContinues(header: ChunkHeader): void {
    const sequence = (why: string): SyncError => new SyncError('sync.sequence', `chunk ${header.index} of ${describe(header)} refused: ${why}`);
    if (this.finished) throw sequence('it comes after the final chunk');
    if (header.kind !== this.kind) throw sequence(`expected a ${this.kind} chunk`);
    const expected = this.cursor ?? this.firstExpected(header);
    if (header.keyId !== expected.keyId || header.fromSeq !== expected.fromSeq || header.toSeq !== expected.toSeq) {
      throw sequence(`it belongs to another stream than ${describe(expected)} signed by ${expected.keyId}`);
    }
    if (header.index !== expected.nextIndex || header.rangeStart !== expected.nextRangeStart) {
      throw sequence(`expected chunk ${expected.nextIndex} starting at ID ${expected.nextRangeStart}`);
    }
  }

  /** The first chunk of a stream: not a replay, no gap, and chunk 0 or the resume point. */
  private firstExpected(header: ChunkHeader): ChunkCursor {
    const { watermark, snapshotInProgress } = this.position;
    if (header.toSeq < watermark) {
      throw new SyncError('sync.replay', `${describe(header)} is older than this kiosk's data (sequence ${watermark}): refused as a replay`);
    }
    if (header.kind === 'delta' && header.fromSeq > watermark) {
      throw new SyncError('sync.gap', `${describe(header)} starts after this kiosk's sequence ${watermark}: the changes in between would be missing`);
    }
    if (header.index === 0) return { kind: header.kind, keyId: header.keyId, fromSeq: header.fromSeq, toSeq: header.toSeq, nextIndex: 0, nextRangeStart: 0 };
    // Only a snapshot resumes (into its shadow table); a delta is always applied whole.
    if (header.kind === 'snapshot' && snapshotInProgress !== undefined) return snapshotInProgress;
    throw new SyncError(
      'sync.sequence',
      `chunk ${header.index} of ${describe(header)} refused: the stream must start at chunk 0${header.kind === 'snapshot' ? ' (no snapshot in progress to resume)' : ''}`,
    );
  }
}

function describe(stream: { kind: SyncKind; fromSeq: number; toSeq: number }): string {
  return stream.kind === 'snapshot' ? `snapshot at sequence ${stream.toSeq}` : `delta (${stream.fromSeq}, ${stream.toSeq}]`;
}
