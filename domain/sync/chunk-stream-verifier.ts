import type { HubKeyStore } from '../credentials/verification.js';
import type { ArtefactSnapshot } from './artefact-index.js';
import {
  ARTEFACT_CHUNK_VERSION,
  chunkSignature,
  chunkSignedBytes,
  inflateChunkBody,
  isFinalChunk,
  parseChunkHeader,
  type ChunkHeader,
  type SyncKind,
} from './sync-chunk.js';
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

/**
 * What a hub-signed artefact index (checked before it is handed here) says of a snapshot's
 * chunks: its sequence, and each chunk's ID range and content sequence in stream order.
 * Only with it does the verifier read a version-2 chunk, as the chunk of that snapshot the
 * index places it at.
 */
export type ArtefactPlacement = Pick<ArtefactSnapshot, 'seq' | 'chunks'>;

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
 *
 * A version-2 chunk (the artefact store's) is read only in a snapshot given `placement`:
 * its signature verified under its own context, its range and content sequence must be the
 * placement's for the chunk starting at that ID, and it is then checked and applied as that
 * chunk of the placement's snapshot — anywhere else it is refused (`sync.version`).
 */
export class ChunkStreamVerifier {
  private cursor: ChunkCursor | undefined;
  private finished = false;
  private firstIndex: number | undefined;
  /** The placement's chunk indexes by the ID their range starts at. */
  private readonly placedAt: ReadonlyMap<number, number> | undefined;

  constructor(
    private readonly kind: SyncKind,
    private readonly position: SyncPosition,
    private readonly keys: HubKeyStore,
    private readonly placement?: ArtefactPlacement,
  ) {
    this.placedAt = kind === 'snapshot' && placement !== undefined ? new Map(placement.chunks.map((chunk, index) => [chunk.start, index])) : undefined;
  }

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
    const signed = parseChunkHeader(bytes);
    const stored = signed.version === ARTEFACT_CHUNK_VERSION;
    if (stored && this.placedAt === undefined) {
      throw new SyncError(
        'sync.version',
        `a chunk of format version ${ARTEFACT_CHUNK_VERSION} is read only from the artefact store, placed by its signed index`,
      );
    }
    const key = this.keys.byKeyId(signed.keyId);
    if (key === undefined) throw new SyncError('sync.unknown-key', `chunk signed by hub key ${signed.keyId}, which this kiosk does not trust`);
    if (!key.verify(chunkSignedBytes(bytes, signed), chunkSignature(bytes, signed))) {
      const which = stored ? `the stored chunk for IDs ${signed.rangeStart}–${signed.rangeEnd}` : `chunk ${signed.index} of ${describe(signed)}`;
      throw new SyncError('sync.signature', `${which}: the signature does not match (altered or forged)`);
    }
    const header = stored ? this.placed(signed) : signed;
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

  /** A version-2 chunk as the chunk of the placement's snapshot whose range it covers, if the placement names it so. */
  private placed(header: ChunkHeader): ChunkHeader {
    const placement = this.placement as ArtefactPlacement;
    const index = this.placedAt?.get(header.rangeStart);
    const expected = index === undefined ? undefined : placement.chunks[index];
    if (index === undefined || expected?.end !== header.rangeEnd || expected.contentSeq !== header.toSeq || header.toSeq > placement.seq) {
      throw new SyncError(
        'sync.sequence',
        `the stored chunk for IDs ${header.rangeStart}–${header.rangeEnd} at content sequence ${header.toSeq} is not one the artefact index places in the snapshot at sequence ${placement.seq}`,
      );
    }
    return { ...header, toSeq: placement.seq, index };
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
