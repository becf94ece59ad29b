import { Inflate, deflateSync } from 'fflate';
import { ByteReader, ByteWriter, malformed } from './byte-io.js';
import { SyncError } from './sync-error.js';

/**
 * One chunk of a snapshot or delta, format version 1 (docs/sync-format.md):
 *
 *   header (54 bytes) ‖ raw DEFLATE body (compressedLength bytes) ‖ Ed25519 signature (64 bytes)
 *
 * The signature covers the ASCII context `CHOT-SYNC-CHUNK-1` followed by the header and the
 * compressed body, so a chunk cannot be passed off as a pass or rule set (other contexts),
 * and every header field — which snapshot, which chunk, which IDs — is authenticated
 * before anything is inflated.
 */
export const SYNC_FORMAT_VERSION = 1;
export const SYNC_MAGIC = 'CHSY';
export const SYNC_SIGNING_CONTEXT = 'CHOT-SYNC-CHUNK-1';
/**
 * Version 2: a snapshot chunk as the artefact store keeps it (docs/sync-format.md, "Version 2").
 * The layout of version 1, but toSeq is the chunk's content sequence — when its range's
 * records were last written — and the index is 0, so an unchanged range keeps the same bytes,
 * and the same object name, from one snapshot to the next. Where in which snapshot it belongs
 * is only what the hub-signed artefact index says; a kiosk reads one nowhere else. Its own
 * signing context keeps it from ever passing as a version-1 chunk, or one as it.
 */
export const ARTEFACT_CHUNK_VERSION = 2;
export const ARTEFACT_SIGNING_CONTEXT = 'CHOT-SYNC-CHUNK-2';
export const HEADER_BYTES = 54;
export const SIGNATURE_BYTES = 64;
/** The highest 12-digit ID: the final chunk's range ends here. */
export const MAX_ID12 = 999_999_999_999;
export const CHUNK_LIMITS = {
  records: 100_000,
  /** Uncompressed body: far above a real chunk (~1 MB), low enough to allocate safely. */
  bodyBytes: 16 * 1024 * 1024,
  compressedBytes: 16 * 1024 * 1024,
} as const;

export type SyncKind = 'snapshot' | 'delta';

export interface ChunkHeader {
  readonly version: number;
  readonly kind: SyncKind;
  /** Hex of the first 4 bytes of the hub's raw Ed25519 public key, as for passes. */
  readonly keyId: string;
  /**
   * Sequences: a delta holds changes in (fromSeq, toSeq]; a snapshot is the state at toSeq
   * (fromSeq 0). In version 2, toSeq is the content sequence: the range's state since then.
   */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** 0, 1, 2…: the chunks of one snapshot or delta are applied in this order (always 0 in version 2). */
  readonly index: number;
  /** The 12-digit IDs this chunk answers for, inclusive: every changed person in the range is in it. */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly recordCount: number;
  readonly bodyLength: number;
  readonly compressedLength: number;
}

export const isFinalChunk = (header: ChunkHeader): boolean => header.rangeEnd === MAX_ID12;

const KIND_CODES: Record<SyncKind, number> = { snapshot: 1, delta: 2 };
const MAGIC_BYTES = Array.from(SYNC_MAGIC, (c) => c.charCodeAt(0));

/**
 * The whole length of the chunk that starts `prefix`, from its header, so a byte stream
 * of concatenated chunks can be cut up; undefined while fewer than HEADER_BYTES arrived.
 */
export function chunkByteLength(prefix: Uint8Array): number | undefined {
  if (prefix.length < HEADER_BYTES) return undefined;
  if (!MAGIC_BYTES.every((b, i) => prefix[i] === b)) throw malformed('not a Chốt sync chunk (bad magic)');
  const compressedLength = new ByteReader(prefix, HEADER_BYTES - 4, HEADER_BYTES).uint(4);
  if (compressedLength > CHUNK_LIMITS.compressedBytes) throw new SyncError('sync.body-size', `compressed body of ${compressedLength} bytes is above the cap`);
  return HEADER_BYTES + compressedLength + SIGNATURE_BYTES;
}

/** Reads and checks the header, and that the chunk is exactly header + body + signature long. */
export function parseChunkHeader(bytes: Uint8Array): ChunkHeader {
  const total = chunkByteLength(bytes);
  if (total === undefined) throw malformed('truncated header');
  const r = new ByteReader(bytes, MAGIC_BYTES.length, HEADER_BYTES);
  const version = r.u8();
  if (version !== SYNC_FORMAT_VERSION && version !== ARTEFACT_CHUNK_VERSION)
    throw new SyncError(
      'sync.version',
      `sync chunk format version ${version} is not supported (this kiosk reads version ${SYNC_FORMAT_VERSION}, and ${ARTEFACT_CHUNK_VERSION} from the artefact store)`,
    );
  const kindCode = r.u8();
  const kind = kindCode === 1 ? 'snapshot' : kindCode === 2 ? 'delta' : undefined;
  if (kind === undefined) throw malformed(`unknown kind ${kindCode}`);
  const keyId = Array.from(r.take(4), (b) => b.toString(16).padStart(2, '0')).join('');
  const header: ChunkHeader = {
    version,
    kind,
    keyId,
    fromSeq: r.uint(8),
    toSeq: r.uint(8),
    index: r.uint(4),
    rangeStart: r.uint(6),
    rangeEnd: r.uint(6),
    recordCount: r.uint(4),
    bodyLength: r.uint(4),
    compressedLength: r.uint(4),
  };
  if (bytes.length < total) throw malformed(`truncated: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total) throw malformed(`${bytes.length - total} trailing bytes after the signature`);
  if (!Number.isSafeInteger(header.fromSeq) || !Number.isSafeInteger(header.toSeq)) throw malformed('sequence above 2^53 - 1');
  if (kind === 'snapshot' ? header.fromSeq !== 0 : header.fromSeq > header.toSeq) throw malformed('inconsistent sequences');
  if (header.rangeEnd > MAX_ID12 || header.rangeStart > header.rangeEnd) throw malformed('bad ID range');
  if (version === ARTEFACT_CHUNK_VERSION) {
    // Its place in a stream is the artefact index's to say: the header names none.
    if (kind !== 'snapshot' || header.index !== 0) throw malformed('a version 2 chunk is a snapshot chunk with index 0');
  } else if ((header.index === 0) !== (header.rangeStart === 0)) {
    // Chunk 0 starts at ID 0 and every later one right after its predecessor's range.
    throw malformed('chunk index and ID range disagree');
  }
  if (header.recordCount > CHUNK_LIMITS.records) throw malformed(`${header.recordCount} records exceed the limit of ${CHUNK_LIMITS.records}`);
  if (header.recordCount > header.rangeEnd - header.rangeStart + 1) throw malformed('more records than IDs in the range');
  if (header.bodyLength > CHUNK_LIMITS.bodyBytes) throw new SyncError('sync.body-size', `declared body of ${header.bodyLength} bytes is above the cap`);
  return header;
}

/** The bytes the hub signs: context (the version's own) ‖ header ‖ compressed body. */
export function chunkSignedBytes(chunk: Uint8Array, header: ChunkHeader): Uint8Array {
  const context = new TextEncoder().encode(header.version === ARTEFACT_CHUNK_VERSION ? ARTEFACT_SIGNING_CONTEXT : SYNC_SIGNING_CONTEXT);
  const signed = chunk.subarray(0, HEADER_BYTES + header.compressedLength);
  const out = new Uint8Array(context.length + signed.length);
  out.set(context);
  out.set(signed, context.length);
  return out;
}

export function chunkSignature(chunk: Uint8Array, header: ChunkHeader): Uint8Array {
  return chunk.subarray(HEADER_BYTES + header.compressedLength);
}

/** What signs chunks on the hub (hub/keys/hub-signing-key.ts has this shape). */
export interface ChunkSigner {
  readonly keyId: string;
  sign(data: Uint8Array): Uint8Array;
}

export interface ChunkContent {
  readonly kind: SyncKind;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly index: number;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly recordCount: number;
  /** The uncompressed records (sync-records.ts). */
  readonly body: Uint8Array;
}

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * Raw DEFLATE of a chunk body. The default is fflate's, pure JavaScript that runs anywhere;
 * the hub passes Node's zlib for the snapshots it builds in bulk, about three times faster
 * and a little smaller (a 25 000-person body: 24 ms and 175 kB against 73 ms and 189 kB,
 * measured on a busy 2-core machine). Any raw DEFLATE stream reads the same.
 */
export type RawDeflate = (body: Uint8Array, level: DeflateLevel) => Uint8Array;
export const portableDeflate: RawDeflate = (body, level) => deflateSync(body, { level });

/** Compresses, frames and signs one chunk. */
export function encodeChunk(content: ChunkContent, signer: ChunkSigner, level: DeflateLevel = 6, deflate: RawDeflate = portableDeflate): Uint8Array {
  if (!/^[0-9a-f]{8}$/.test(signer.keyId)) throw new Error('a key id is 8 hex digits');
  const compressed = deflate(content.body, level);
  if (content.body.length > CHUNK_LIMITS.bodyBytes || compressed.length > CHUNK_LIMITS.compressedBytes) throw new RangeError('chunk body above the format cap');
  if (content.recordCount > CHUNK_LIMITS.records) throw new RangeError('too many records in one chunk');
  const w = new ByteWriter(HEADER_BYTES + compressed.length + SIGNATURE_BYTES);
  for (const b of MAGIC_BYTES) w.u8(b);
  w.u8(SYNC_FORMAT_VERSION);
  w.u8(KIND_CODES[content.kind]);
  w.uint(parseInt(signer.keyId, 16), 4);
  w.uint(content.fromSeq, 8);
  w.uint(content.toSeq, 8);
  w.uint(content.index, 4);
  w.uint(content.rangeStart, 6);
  w.uint(content.rangeEnd, 6);
  w.uint(content.recordCount, 4);
  w.uint(content.body.length, 4);
  w.uint(compressed.length, 4);
  w.bytes(compressed);
  const unsigned = w.toBytes();
  const header = parseChunkHeader(withPlaceholderSignature(unsigned));
  const signature = signer.sign(chunkSignedBytes(unsigned, header));
  if (signature.length !== SIGNATURE_BYTES) throw new Error('an Ed25519 signature is 64 bytes');
  w.bytes(signature);
  return w.toBytes();
}

/** Where the header's version (1 byte), toSeq (8 bytes) and, right after it, index (4 bytes) are: encodeChunk's order. */
const VERSION_AT = 4;
const TO_SEQ_AT = 18;

/**
 * The same records under a new stream position: `chunk` (version 1 or 2) as a version-1
 * chunk with its header's toSeq and index rewritten and signed again, its compressed body
 * copied untouched — one signature instead of inflating and deflating it. Only for a chunk
 * whose records are exactly what the new stream holds in the chunk's ID range (a snapshot
 * chunk no change since fell into); the caller has verified `chunk` (a corrupt body must
 * never get a fresh signature).
 */
export function reframeChunk(
  chunk: Uint8Array,
  header: ChunkHeader,
  position: { readonly toSeq: number; readonly index: number },
  signer: ChunkSigner,
): Uint8Array {
  if ((position.index === 0) !== (header.rangeStart === 0)) throw new RangeError('chunk 0 and only chunk 0 starts at ID 0');
  return resign(chunk, header, { version: SYNC_FORMAT_VERSION, ...position }, signer);
}

/**
 * The version-2 chunk the artefact store keeps for a verified snapshot chunk (version 1 or
 * 2): the same range and compressed body, toSeq = `contentSeq`, index 0. Deterministic
 * (Ed25519 is), so the same range, content sequence and body always give the same bytes.
 */
export function artefactChunk(chunk: Uint8Array, header: ChunkHeader, contentSeq: number, signer: ChunkSigner): Uint8Array {
  return resign(chunk, header, { version: ARTEFACT_CHUNK_VERSION, toSeq: contentSeq, index: 0 }, signer);
}

function resign(
  chunk: Uint8Array,
  header: ChunkHeader,
  fields: { readonly version: number; readonly toSeq: number; readonly index: number },
  signer: ChunkSigner,
): Uint8Array {
  if (header.kind !== 'snapshot') throw new RangeError('only a snapshot chunk moves to a later sequence unchanged');
  if (header.keyId !== signer.keyId) throw new RangeError(`chunk signed by ${header.keyId}, not by the signing key ${signer.keyId}`);
  const signedLength = HEADER_BYTES + header.compressedLength;
  const out = new Uint8Array(signedLength + SIGNATURE_BYTES);
  out.set(chunk.subarray(0, signedLength));
  out[VERSION_AT] = fields.version;
  const position = new ByteWriter(12);
  position.uint(fields.toSeq, 8);
  position.uint(fields.index, 4);
  out.set(position.toBytes(), TO_SEQ_AT);
  const resigned = parseChunkHeader(out);
  if (resigned.version !== fields.version || resigned.toSeq !== fields.toSeq || resigned.index !== fields.index) {
    throw new Error('chunk header layout changed: resign is out of date');
  }
  const signature = signer.sign(chunkSignedBytes(out, resigned));
  if (signature.length !== SIGNATURE_BYTES) throw new Error('an Ed25519 signature is 64 bytes');
  out.set(signature, signedLength);
  return out;
}

function withPlaceholderSignature(unsigned: Uint8Array): Uint8Array {
  const out = new Uint8Array(unsigned.length + SIGNATURE_BYTES);
  out.set(unsigned);
  return out;
}

/**
 * Inflates a chunk's body into exactly `header.bodyLength` bytes. Fed in slices so a
 * stream that expands past the declared length (a bomb) is stopped after at most one
 * slice's worth of output (DEFLATE expands at most ~1032×), never decoded whole.
 */
export function inflateChunkBody(chunk: Uint8Array, header: ChunkHeader): Uint8Array {
  const compressed = chunk.subarray(HEADER_BYTES, HEADER_BYTES + header.compressedLength);
  if (compressed.length === 0) throw malformed('empty DEFLATE stream');
  const out = new Uint8Array(header.bodyLength);
  let total = 0;
  let overflow = false;
  try {
    const inflater = new Inflate((data) => {
      if (total + data.length > out.length) overflow = true;
      else out.set(data, total);
      total += data.length;
    });
    const SLICE = 4096;
    for (let at = 0; at < compressed.length && !overflow; at += SLICE) {
      const end = Math.min(at + SLICE, compressed.length);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch {
    throw malformed('corrupt DEFLATE stream');
  }
  if (overflow) throw new SyncError('sync.body-size', `body inflates beyond its declared ${header.bodyLength} bytes`);
  if (total !== header.bodyLength) throw malformed(`body inflates to ${total} bytes, not the declared ${header.bodyLength}`);
  return out;
}
