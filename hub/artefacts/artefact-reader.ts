import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  ARTEFACT_INDEX_NAME,
  checkArtefactIndex,
  chunkObjectName,
  type ArtefactChunkRef,
  type ArtefactIndex,
  type ArtefactSnapshot,
} from '../../domain/sync/artefact-index.js';
import { ARTEFACT_CHUNK_VERSION, parseChunkHeader, reframeChunk } from '../../domain/sync/sync-chunk.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import type { ArtefactStore } from './artefact-store.js';

/** How long an index read stays current: a hub process not building answers many kiosks from one read. */
const INDEX_TTL_MS = 2_000;

/**
 * A hub process's view of the artefact store: the newest index (checked against the hub's
 * own key, as a kiosk checks it) and the chunks it names. A process that is not the builder
 * serves `GET /v1/snapshot` from here instead of building the snapshot itself, each stored
 * chunk (format version 2) framed again as the version-1 chunk the API serves.
 */
export class ArtefactReader {
  private cached: { readonly at: number; readonly index: ArtefactIndex | undefined } | undefined;
  private readonly keys;

  constructor(
    private readonly store: ArtefactStore,
    private readonly key: Pick<HubSigningKey, 'keyId' | 'publicKeyRaw' | 'sign'>,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = hubKeyStoreOf(key);
  }

  /** The index, or undefined when there is none yet (or none this key signed). */
  async index(): Promise<ArtefactIndex | undefined> {
    const now = this.now();
    if (this.cached !== undefined && now - this.cached.at < INDEX_TTL_MS) return this.cached.index;
    const bytes = await this.store.read(ARTEFACT_INDEX_NAME);
    let index: ArtefactIndex | undefined;
    if (bytes !== undefined) {
      try {
        const check = checkArtefactIndex(JSON.parse(new TextDecoder().decode(bytes)), this.keys);
        index = check.ok ? check.index : undefined;
      } catch {
        index = undefined;
      }
    }
    this.cached = { at: now, index };
    return index;
  }

  /** A chunk's bytes, as the index names them; throws when the store has lost or altered it. */
  async chunk(ref: ArtefactChunkRef): Promise<Uint8Array> {
    const bytes = await this.store.read(chunkObjectName(ref.sha256));
    if (bytes?.length !== ref.bytes) throw new Error(`the artefact chunk ${ref.sha256} is missing from the store`);
    // Checked against the signed index before it is signed again: a damaged object never gets a fresh signature.
    if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256) throw new Error(`the artefact chunk ${ref.sha256} does not match its sha256`);
    return bytes;
  }

  /** Chunk `i` of a stored snapshot as the API serves it: format version 1, chunk i of the snapshot at its sequence. */
  async snapshotChunk(snapshot: ArtefactSnapshot, i: number): Promise<Uint8Array> {
    const ref = snapshot.chunks[i];
    if (ref === undefined) throw new RangeError(`the stored snapshot at sequence ${snapshot.seq} has no chunk ${i}`);
    const stored = await this.chunk(ref);
    const header = parseChunkHeader(stored);
    if (header.version !== ARTEFACT_CHUNK_VERSION || header.rangeStart !== ref.start || header.rangeEnd !== ref.end || header.toSeq !== ref.contentSeq) {
      throw new Error(`the artefact chunk ${ref.sha256} is not the one its index places at chunk ${i}`);
    }
    return reframeChunk(stored, header, { toSeq: snapshot.seq, index: i }, this.key);
  }
}

/** The hub's own public key as a key store: what signed the index is checked like a kiosk checks it. */
export function hubKeyStoreOf(key: Pick<HubSigningKey, 'keyId' | 'publicKeyRaw'>): {
  byKeyId(id: string): { keyId: string; verify(data: Uint8Array, signature: Uint8Array): boolean } | undefined;
} {
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKeyRaw).toString('base64url') }, format: 'jwk' });
  const own = { keyId: key.keyId, verify: (data: Uint8Array, signature: Uint8Array) => signature.length === 64 && verify(null, data, publicKey, signature) };
  return { byKeyId: (id) => (id === key.keyId ? own : undefined) };
}
