import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeSyncChunks } from '../../../../domain/sync/sync-encoder.js';
import type { ChangedPerson } from '../../../../domain/sync/synced-person.js';
import { encodePages } from '../../../../hub/server/chunk-pump.js';
import { DeltaCache } from '../../../../hub/server/delta-cache.js';
import { buildDelta } from '../../../../hub/server/delta-builder.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import type { HubStorage } from '../../../../hub/storage/hub-storage.js';
import { readChunks } from './hub-test-kit.js';

const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const hubPublicKey = Buffer.from(key.publicKeyRaw).toString('base64');
const NO_FACTS = { doses: [], tests: [], quarantine: [] };
const person = (i: number, seq = 1): ChangedPerson => ({ id12: `001090${String(i).padStart(6, '0')}`, seq, facts: NO_FACTS });

async function* pagesOf<T>(items: readonly T[], sizes: readonly number[]): AsyncGenerator<T[]> {
  let at = 0;
  for (let i = 0; at < items.length; i++) {
    const size = sizes[i % sizes.length] as number;
    yield items.slice(at, at + size);
    at += size;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

/** Only what the delta builder reads of a storage. */
function storageOf(everyone: readonly ChangedPerson[]): HubStorage & { pagesRead: number } {
  const fake = {
    pagesRead: 0,
    async changedSince(since: number, after: string | undefined, limit: number) {
      fake.pagesRead += 1;
      return everyone.filter((p) => p.seq > since && (after === undefined || p.id12 > after)).slice(0, limit);
    },
  };
  return fake as unknown as HubStorage & { pagesRead: number };
}

describe('encodePages', () => {
  it.each([[[1]], [[3, 0, 7]], [[5]], [[100]], [[4, 4, 1]]])('makes the same chunks as the encoder over one list, whatever the pages (%j)', async (sizes) => {
    const everyone = Array.from({ length: 23 }, (_, i) => person(i * 3));
    const identity = { kind: 'snapshot' as const, fromSeq: 0, toSeq: 1 };
    const expected = Buffer.concat([...encodeSyncChunks(everyone, identity, key, { maxRecords: 4 })]);
    expect((await collect(encodePages(pagesOf(everyone, sizes), identity, key, { maxRecords: 4 }))).equals(expected)).toBe(true);
  });

  it('makes one empty chunk of no pages', async () => {
    const body = await collect(encodePages(pagesOf([], [1]), { kind: 'delta', fromSeq: 3, toSeq: 3 }, key));
    expect(await readChunks(body, 'delta', hubPublicKey, { watermark: 3 })).toMatchObject({ chunks: 1, complete: true, people: [] });
  });
});

describe('buildDelta', () => {
  it('leaves out people changed after T (an import committing while it pages)', async () => {
    const everyone = [person(1, 2), person(2, 5), person(3, 3), person(4, 1)];
    const delta = await buildDelta(storageOf(everyone), key, 1, 3, { pageSize: 2 });
    if (delta.kind !== 'chunks') throw new Error('expected chunks');
    const read = await readChunks(delta.body, 'delta', hubPublicKey, { watermark: 1 });
    expect(read.people.map((p) => p.id12)).toEqual([person(1).id12, person(3).id12]);
    expect(delta).toMatchObject({ people: 2, bytes: delta.body.length, chunks: 1 });
  });

  it('stops reading as soon as more than the limit changed', async () => {
    const storage = storageOf(Array.from({ length: 50 }, (_, i) => person(i)));
    expect(await buildDelta(storage, key, 0, 1, { pageSize: 5, maxPeople: 12 })).toEqual({ kind: 'too-large', from: 0, to: 1, bytes: 0 });
    expect(storage.pagesRead).toBe(3);
  });

  it('reads nothing for an up-to-date kiosk (F = T)', async () => {
    const storage = storageOf([person(1, 4)]);
    const delta = await buildDelta(storage, key, 4, 4);
    expect(delta).toMatchObject({ kind: 'chunks', chunks: 1, people: 0 });
    expect(storage.pagesRead).toBe(0);
  });
});

describe('DeltaCache', () => {
  const sized = (bytes: number, name: string) => ({ bytes, name });

  it('shares one build among concurrent requests and keeps the result', async () => {
    const cache = new DeltaCache<{ bytes: number; name: string }>(100);
    let builds = 0;
    let finish: (value: { bytes: number; name: string }) => void = () => undefined;
    const build = () => {
      builds += 1;
      return new Promise<{ bytes: number; name: string }>((resolve) => (finish = resolve));
    };
    const waiting = Array.from({ length: 10 }, () => cache.get('1-2', build));
    finish(sized(10, 'a'));
    expect((await Promise.all(waiting)).every((v) => v.name === 'a')).toBe(true);
    expect((await cache.get('1-2', build)).name).toBe('a');
    expect(builds).toBe(1);
  });

  it('drops the least recently used past its byte budget, keeps nothing larger than it, and forgets failures', async () => {
    const cache = new DeltaCache<{ bytes: number; name: string }>(100);
    let builds = 0;
    const builder = (value: { bytes: number; name: string }) => async () => {
      builds += 1;
      return value;
    };
    await cache.get('a', builder(sized(40, 'a')));
    await cache.get('b', builder(sized(40, 'b')));
    await cache.get('a', builder(sized(40, 'a'))); // a is now the most recently used
    await cache.get('c', builder(sized(40, 'c'))); // over budget: b goes
    expect(cache.size).toEqual({ entries: 2, bytes: 80 });
    builds = 0;
    await cache.get('a', builder(sized(40, 'a')));
    await cache.get('b', builder(sized(40, 'b')));
    expect(builds).toBe(1);
    await cache.get('huge', builder(sized(101, 'huge')));
    await cache.get('huge', builder(sized(101, 'huge')));
    expect(builds).toBe(3);
    await expect(cache.get('bad', () => Promise.reject(new Error('storage down')))).rejects.toThrow('storage down');
    expect((await cache.get('bad', builder(sized(1, 'ok')))).name).toBe('ok');
  });
});
