import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChunkSigner } from '../../domain/sync/sync-chunk.js';
import type { ChunkingOptions } from '../../domain/sync/sync-encoder.js';
import type { ChangedPerson } from '../../domain/sync/synced-person.js';
import type { HubStorage } from '../storage/hub-storage.js';
import { encodePages } from './chunk-pump.js';
import { inProvinceScope, type ProvinceScope } from '../../domain/sync/province-scope.js';

/** Past this many people a kiosk is told to fetch a snapshot instead (docs/hub-api.md). */
export const MAX_DELTA_PEOPLE = 500_000;

/**
 * People per storage page while building a delta on the server's main thread. One page is
 * one uninterrupted step (SQLite reads synchronously): measured on SQLite, 10 000 people
 * take 50–125 ms, 25 000 take 250–390 ms.
 */
export const DELTA_PAGE_SIZE = 10_000;

export type BuiltDelta =
  | {
      readonly kind: 'chunks';
      readonly from: number;
      readonly to: number;
      readonly body: Buffer;
      readonly chunks: number;
      readonly people: number;
      readonly bytes: number;
    }
  | { readonly kind: 'too-large'; readonly from: number; readonly to: number; readonly bytes: 0 };

class DeltaTooLarge extends Error {}

export interface DeltaBuildOptions {
  readonly maxPeople?: number;
  readonly pageSize?: number;
  readonly chunking?: ChunkingOptions;
  /** Only the people in these provinces (a scoped kiosk's delta); null or absent: everyone. */
  readonly scope?: ProvinceScope;
}

/**
 * The delta (from, to]: everyone whose last change is in it, in their latest state, as
 * signed chunks. People changed after `to` (an import committing while we page) are left
 * out: their seq is above `to`, so the delta since `to` brings them. Counts while paging
 * and stops once more than `maxPeople` changed: such a delta is refused, not built.
 */
export async function buildDelta(storage: HubStorage, signer: ChunkSigner, from: number, to: number, options: DeltaBuildOptions = {}): Promise<BuiltDelta> {
  const maxPeople = options.maxPeople ?? MAX_DELTA_PEOPLE;
  const pageSize = options.pageSize ?? DELTA_PAGE_SIZE;
  let people = 0;
  async function* pages(): AsyncGenerator<readonly ChangedPerson[]> {
    let after: string | undefined;
    if (from === to) return;
    for (;;) {
      const page = await storage.changedSince(from, after, pageSize);
      const scope = options.scope ?? null;
      const inDelta = page.filter((person) => person.seq <= to && inProvinceScope(person.id12, scope));
      people += inDelta.length;
      if (people > maxPeople) throw new DeltaTooLarge();
      yield inDelta;
      if (page.length < pageSize) return;
      after = page.at(-1)?.id12;
      await nextTurn();
    }
  }
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of encodePages(pages(), { kind: 'delta', fromSeq: from, toSeq: to }, signer, options.chunking)) chunks.push(chunk);
  } catch (error) {
    if (error instanceof DeltaTooLarge) return { kind: 'too-large', from, to, bytes: 0 };
    throw error;
  }
  const body = Buffer.concat(chunks);
  return { kind: 'chunks', from, to, body, chunks: chunks.length, people, bytes: body.length };
}
