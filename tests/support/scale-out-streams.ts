import { gzipSync } from 'node:zlib';
import type { SyncKind } from '../../domain/sync/sync-chunk.js';
import { ChunkStreamVerifier, type ArtefactPlacement } from '../../domain/sync/chunk-stream-verifier.js';
import { frameChunks } from '../../main/sync/chunk-framer.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';

/** What checking downloaded streams found: each verified as a kiosk verifies it before applying anything. */
export interface StreamCheck {
  readonly streams: number;
  readonly chunks: number;
  readonly people: number;
  /** The first stream refused, and why; none when every stream verified. */
  readonly refused?: string;
}

/**
 * Verifies whole snapshot or delta bodies with the kiosk's own framing and verifier (the
 * hub key's signature on every chunk, the chunks continuing each other, every record
 * readable, the final chunk present), each from the sequence it was asked from; a snapshot
 * from the artefact store with the placement its signed index gave.
 */
export async function verifiedStream(
  kind: SyncKind,
  bodies: readonly { since: number; body: Uint8Array; placement?: ArtefactPlacement }[],
  hubKeyBase64: string,
): Promise<StreamCheck> {
  const keys = hubKeyStoreFromKeys([hubKeyBase64]);
  let chunks = 0;
  let people = 0;
  for (const { since, body, placement } of bodies) {
    const verifier = new ChunkStreamVerifier(kind, { watermark: since }, keys, placement);
    try {
      for await (const chunk of frameChunks([body])) {
        people += verifier.accept(chunk).records.count;
        chunks += 1;
      }
      if (!verifier.complete) throw new Error('the stream ended before its final chunk');
    } catch (error) {
      return { streams: bodies.length, chunks, people, refused: error instanceof Error ? error.message : String(error) };
    }
  }
  return { streams: bodies.length, chunks, people };
}

/** An upload's body as the kiosk's uploader sends it: JSON, gzip level 6. */
export const gzipBody = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value), { level: 6 });
