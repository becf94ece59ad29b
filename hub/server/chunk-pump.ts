import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChunkSigner, RawDeflate } from '../../domain/sync/sync-chunk.js';
import { DEFAULT_CHUNK_RECORDS, encodeSyncChunks, type ChunkingOptions, type SyncStreamIdentity } from '../../domain/sync/sync-encoder.js';
import type { SyncedPerson } from '../../domain/sync/synced-person.js';

/**
 * Feeds pages read asynchronously from the storage into the domain's synchronous chunk
 * encoder, and hands back each chunk as it is made, yielding to the event loop in between:
 * on the server's main thread, a 100 000-person delta is then a series of steps — a page
 * read, or one chunk encoded (100–250 ms for 25 000 people) — rather than one long block.
 * The page reader (the caller's) yields between pages too.
 *
 * The encoder pulls people from a plain iterable and takes its end for the end of the
 * stream, so it must never find the queue empty early: before each step the queue holds
 * more people than one chunk can take (a step reads at most `maxRecords + 1`).
 */
export async function* encodePages(
  pages: AsyncIterable<readonly SyncedPerson[]>,
  identity: SyncStreamIdentity,
  signer: ChunkSigner,
  chunking: ChunkingOptions = {},
  deflate?: RawDeflate,
): AsyncGenerator<Uint8Array> {
  const queue: (readonly SyncedPerson[])[] = [];
  let head = 0;
  let queued = 0;
  let ended = false;
  const people: Iterable<SyncedPerson> = {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<SyncedPerson> => {
        for (;;) {
          const page = queue[0];
          if (page === undefined) {
            if (ended) return { done: true, value: undefined };
            throw new Error('chunk pump: the encoder ran ahead of the pages read');
          }
          if (head < page.length) {
            queued -= 1;
            return { done: false, value: page[head++] as SyncedPerson };
          }
          queue.shift();
          head = 0;
        }
      },
    }),
  };
  const needed = (chunking.maxRecords ?? DEFAULT_CHUNK_RECORDS) + 1;
  const source = pages[Symbol.asyncIterator]();
  const chunks = encodeSyncChunks(people, identity, signer, chunking, deflate);
  try {
    for (;;) {
      while (!ended && queued < needed) {
        const page = await source.next();
        if (page.done === true) ended = true;
        else if (page.value.length > 0) {
          queue.push(page.value);
          queued += page.value.length;
        }
      }
      // A turn of the event loop between reading pages and encoding a chunk: the two are
      // never one uninterrupted stretch.
      await nextTurn();
      const step = chunks.next();
      if (step.done === true) return;
      yield step.value;
    }
  } finally {
    // Stopped early (a refused delta, a cancelled build): let the page reader close too.
    if (!ended) await source.return?.();
  }
}
