import { deflateSync } from 'fflate';
import { ByteWriter } from '../../../../domain/sync/byte-io.js';
import { HEADER_BYTES, SYNC_FORMAT_VERSION, SYNC_SIGNING_CONTEXT, type ChunkSigner } from '../../../../domain/sync/sync-chunk.js';
import { SyncError } from '../../../../domain/sync/sync-error.js';

/**
 * Builds chunks field by field — including ones no honest hub would make (counts above
 * the limits, lying lengths, bombs) — and signs them with a real key, so a test reaches
 * the check it means past the signature.
 */
export interface ForgedFields {
  readonly version?: number;
  readonly kind?: number;
  readonly fromSeq?: number;
  readonly toSeq?: number;
  readonly index?: number;
  readonly rangeStart?: number;
  readonly rangeEnd?: number;
  readonly recordCount?: number;
  readonly body?: Uint8Array;
  /** Overrides the deflated body. */
  readonly compressed?: Uint8Array;
  /** Overrides the declared uncompressed length. */
  readonly bodyLength?: number;
}

export function forgeChunk(key: ChunkSigner, fields: ForgedFields): Uint8Array {
  const body = fields.body ?? new Uint8Array(0);
  const compressed = fields.compressed ?? deflateSync(body);
  const w = new ByteWriter();
  for (const c of 'CHSY') w.u8(c.charCodeAt(0));
  w.u8(fields.version ?? SYNC_FORMAT_VERSION);
  w.u8(fields.kind ?? 1);
  w.uint(parseInt(key.keyId, 16), 4);
  w.uint(fields.fromSeq ?? 0, 8);
  w.uint(fields.toSeq ?? 10, 8);
  w.uint(fields.index ?? 0, 4);
  w.uint(fields.rangeStart ?? 0, 6);
  w.uint(fields.rangeEnd ?? 999_999_999_999, 6);
  w.uint(fields.recordCount ?? 0, 4);
  w.uint(fields.bodyLength ?? body.length, 4);
  w.uint(compressed.length, 4);
  w.bytes(compressed);
  const unsigned = w.toBytes();
  if (unsigned.length !== HEADER_BYTES + compressed.length) throw new Error('forge: header size');
  const context = new TextEncoder().encode(SYNC_SIGNING_CONTEXT);
  const signed = new Uint8Array(context.length + unsigned.length);
  signed.set(context);
  signed.set(unsigned, context.length);
  w.bytes(key.sign(signed));
  return w.toBytes();
}

/** The code of the SyncError `fn` throws, or 'accepted'. */
export function refusalOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (error instanceof SyncError) return error.code;
    throw error;
  }
}
