import type { HubKeyStore } from '../credentials/verification.js';
import { decodeBase64, encodeBase64 } from '../rules/signed-rule-set.js';
import { CHUNK_LIMITS, HEADER_BYTES, MAX_ID12, SIGNATURE_BYTES } from './sync-chunk.js';

/**
 * The artefact index: what the hub's builder published in its artefact store (a shared
 * directory or an S3 bucket behind a CDN), so that kiosks can fetch snapshot and delta
 * chunks with plain GETs from any cache (docs/hub-api.md, "Artefacts"). The chunks are
 * signed end to end already; the index adds what a cache could otherwise lie about —
 * which chunks make up which stream, in which order — and is signed by the hub key.
 *
 * Objects are named by the sha256 of their bytes (`chunks/<hex>.chsy`), so they never
 * change and may be cached forever; only `index.json` changes. Snapshot chunks are kept in
 * format version 2 (sync-chunk.ts), which names no snapshot sequence: a range no change fell
 * into keeps its object from one snapshot to the next, and the index binds each to its
 * place — its ID range and content sequence, in stream order under the snapshot's sequence.
 *
 * Format 2 added that binding; an index in format 1 (whose snapshot chunks were version 1)
 * is refused like any index this code cannot read, and the kiosk asks the hub's API.
 */
export const ARTEFACT_INDEX_FORMAT = 'chot-artefacts-2';
export const ARTEFACT_INDEX_NAME = 'index.json';
/** An index names a few thousand chunks (a 10 M snapshot is ~2 500): ample, and a bound on what is read. */
export const MAX_ARTEFACT_INDEX_BYTES = 4 * 1024 * 1024;
const LOCATION_VERSION = 'chot-artefact-base-1';
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** No chunk is longer (sync-chunk.ts): what a kiosk reads of one object is bounded by it whatever an index says. */
export const MAX_CHUNK_BYTES = HEADER_BYTES + CHUNK_LIMITS.compressedBytes + SIGNATURE_BYTES;

export interface ArtefactChunkRef {
  /** Hex sha256 of the chunk's bytes: its object name is `chunks/<sha256>.chsy`. */
  readonly sha256: string;
  readonly bytes: number;
}

/** A snapshot's chunk (format version 2) and the place the index gives it. */
export interface ArtefactSnapshotChunk extends ArtefactChunkRef {
  /** The chunk's ID range, inclusive: the chunks' ranges partition the ID space in stream order. */
  readonly start: number;
  readonly end: number;
  /** The sequence the chunk's header carries: when its range was last written, at most the snapshot's. */
  readonly contentSeq: number;
}

export interface ArtefactSnapshot {
  readonly seq: number;
  readonly people: number;
  /** In stream order. */
  readonly chunks: readonly ArtefactSnapshotChunk[];
}

export interface ArtefactDelta {
  /** Everyone changed in (from, to]. */
  readonly from: number;
  readonly to: number;
  readonly chunks: readonly ArtefactChunkRef[];
}

export interface ArtefactIndex {
  readonly format: typeof ARTEFACT_INDEX_FORMAT;
  /** The hub key that signed the index and the chunks. */
  readonly hubKeyId: string;
  /** When the builder wrote it, epoch ms (for people and logs: kiosks trust the chunks' sequences). */
  readonly publishedAt: number;
  readonly snapshot: ArtefactSnapshot | null;
  /** Deltas from recent sequences to the newest. */
  readonly deltas: readonly ArtefactDelta[];
}

export interface SignedArtefactIndex {
  readonly index: ArtefactIndex;
  /** Base64 Ed25519 signature of canonicalArtefactIndex(index) by the key index.hubKeyId. */
  readonly signature: string;
}

export const chunkObjectName = (sha256: string): string => `chunks/${sha256}.chsy`;

/**
 * The bytes the hub signs: the index as JSON with its fields in one fixed order (built
 * here field by field, never from the parsed object's own order), after the version.
 */
export function canonicalArtefactIndex(index: ArtefactIndex): Uint8Array {
  const refs = (chunks: readonly ArtefactChunkRef[]): object[] => chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes }));
  const placed = (chunks: readonly ArtefactSnapshotChunk[]): object[] =>
    chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes, start: c.start, end: c.end, contentSeq: c.contentSeq }));
  const ordered = {
    format: index.format,
    hubKeyId: index.hubKeyId,
    publishedAt: index.publishedAt,
    snapshot: index.snapshot === null ? null : { seq: index.snapshot.seq, people: index.snapshot.people, chunks: placed(index.snapshot.chunks) },
    deltas: index.deltas.map((d) => ({ from: d.from, to: d.to, chunks: refs(d.chunks) })),
  };
  return new TextEncoder().encode(`${ARTEFACT_INDEX_FORMAT}\n${JSON.stringify(ordered)}`);
}

export function signArtefactIndex(index: ArtefactIndex, sign: (data: Uint8Array) => Uint8Array): SignedArtefactIndex {
  return { index, signature: encodeBase64(sign(canonicalArtefactIndex(index))) };
}

export type ArtefactIndexCheck =
  { readonly ok: true; readonly index: ArtefactIndex } | { readonly ok: false; readonly why: 'malformed' | 'unknown-key' | 'bad-signature' };

/** Checks an index as read from a store or a cache: its shape, then its signature by a pinned hub key. */
export function checkArtefactIndex(value: unknown, keys: HubKeyStore): ArtefactIndexCheck {
  if (!isSignedArtefactIndex(value)) return { ok: false, why: 'malformed' };
  const key = keys.byKeyId(value.index.hubKeyId);
  if (key === undefined) return { ok: false, why: 'unknown-key' };
  if (!key.verify(canonicalArtefactIndex(value.index), decodeBase64(value.signature) ?? new Uint8Array(0))) return { ok: false, why: 'bad-signature' };
  return { ok: true, index: value.index };
}

function isSignedArtefactIndex(value: unknown): value is SignedArtefactIndex {
  if (!isRecord(value) || typeof value.signature !== 'string' || !isRecord(value.index)) return false;
  const index = value.index;
  if (index.format !== ARTEFACT_INDEX_FORMAT || typeof index.hubKeyId !== 'string' || !isCount(index.publishedAt)) return false;
  const snapshot = index.snapshot;
  if (snapshot !== null && !(isRecord(snapshot) && isCount(snapshot.seq) && isCount(snapshot.people) && arePlacedRefs(snapshot.chunks, snapshot.seq)))
    return false;
  return Array.isArray(index.deltas) && index.deltas.every((d) => isRecord(d) && isCount(d.from) && isCount(d.to) && d.from <= d.to && areRefs(d.chunks));
}

function areRefs(value: unknown): value is ArtefactChunkRef[] {
  return Array.isArray(value) && value.length > 0 && value.every(isRef);
}

function isRef(ref: unknown): ref is ArtefactChunkRef {
  return (
    isRecord(ref) &&
    typeof ref.sha256 === 'string' &&
    SHA256_HEX.test(ref.sha256) &&
    isCount(ref.bytes) &&
    ref.bytes > HEADER_BYTES &&
    ref.bytes <= MAX_CHUNK_BYTES
  );
}

/** A snapshot's chunks: their ranges partition the ID space in order, each written at or before the snapshot. */
function arePlacedRefs(value: unknown, seq: number): boolean {
  if (!areRefs(value)) return false;
  let nextStart = 0;
  for (const ref of value as unknown[]) {
    if (!isRecord(ref) || ref.start !== nextStart || !isCount(ref.end) || ref.end < nextStart || ref.end > MAX_ID12) return false;
    if (!isCount(ref.contentSeq) || ref.contentSeq > seq) return false;
    nextStart = ref.end + 1;
  }
  return nextStart === MAX_ID12 + 1;
}

/**
 * Where the kiosks fetch artefacts: the base URL the hub's operator configured (a CDN in
 * front of the store), signed by the hub so that only the hub decides where its kiosks read
 * from. Given in every `GET /v1/status` answer.
 */
export interface ArtefactLocation {
  /** Absolute http(s) URL ending in `/`; `index.json` and `chunks/…` are under it. */
  readonly base: string;
  readonly hubKeyId: string;
}

export interface SignedArtefactLocation {
  readonly location: ArtefactLocation;
  readonly signature: string;
}

export function canonicalArtefactLocation(location: ArtefactLocation): Uint8Array {
  return new TextEncoder().encode([LOCATION_VERSION, location.base, location.hubKeyId].join('\n'));
}

export function signArtefactLocation(location: ArtefactLocation, sign: (data: Uint8Array) => Uint8Array): SignedArtefactLocation {
  return { location, signature: encodeBase64(sign(canonicalArtefactLocation(location))) };
}

/** The base URL when the hub signed it with a pinned key and it is an http(s) URL; undefined otherwise. */
export function checkArtefactLocation(value: unknown, keys: HubKeyStore): string | undefined {
  if (!isRecord(value) || typeof value.signature !== 'string' || !isRecord(value.location)) return undefined;
  const { base, hubKeyId } = value.location;
  if (typeof base !== 'string' || typeof hubKeyId !== 'string' || !isArtefactBase(base)) return undefined;
  const key = keys.byKeyId(hubKeyId);
  if (key === undefined || !key.verify(canonicalArtefactLocation({ base, hubKeyId }), decodeBase64(value.signature) ?? new Uint8Array(0))) return undefined;
  return base;
}

/** An absolute http(s) URL ending in `/`, with no query or fragment (names are appended to it). */
export function isArtefactBase(base: string): boolean {
  return /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?\/$/.test(base);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
