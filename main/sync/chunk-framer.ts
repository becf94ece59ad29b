import { chunkByteLength } from '../../domain/sync/sync-chunk.js';
import { SyncError } from '../../domain/sync/sync-error.js';

/**
 * Cuts a byte stream of concatenated chunks (an HTTP body, a file) into whole chunks,
 * using the length each chunk's header states. Pieces may split chunks anywhere. A stream
 * that stops inside a chunk is a partial download: `sync.incomplete`, resume it.
 */
export async function* frameChunks(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const piece of pieces) {
    buffer = concat(buffer, piece);
    for (;;) {
      const length = chunkByteLength(buffer);
      if (length === undefined || buffer.length < length) break;
      // A copy in a buffer of its own (Buffer#slice would be a view into the stream's pool).
      yield new Uint8Array(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
    }
  }
  if (buffer.length > 0) throw new SyncError('sync.incomplete', `the stream ended inside a chunk (${buffer.length} bytes of it)`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
