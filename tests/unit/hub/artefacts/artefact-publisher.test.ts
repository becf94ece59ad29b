import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArtefactIndex, chunkObjectName, type ArtefactIndex } from '../../../../domain/sync/artefact-index.js';
import { artefactChunk, MAX_ID12, parseChunkHeader } from '../../../../domain/sync/sync-chunk.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import { ArtefactPublisher } from '../../../../hub/artefacts/artefact-publisher.js';
import type { ArtefactStore } from '../../../../hub/artefacts/artefact-store.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { generateKeyPairSync } from 'node:crypto';
import { chunksOf, changedPeople, people, person } from '../../../support/sync-fixtures.js';
import { memoryLogger } from '../../../support/memory-logger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'chot-publish-'));
  dirs.push(dir);
  return dir;
};

const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const kioskKeys = hubKeyStoreFromKeys([Buffer.from(key.publicKeyRaw).toString('base64')]);
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function snapshotFile(
  dir: string,
  seq: number,
  count: number,
  changed: readonly SyncedPerson[] = [],
): { path: string; offsets: number[]; chunks: Uint8Array[]; file: { seq: number; people: number; path: string; offsets: number[] } } {
  const everyone = [...people(count)].map((p) => changed.find((c) => c.id12 === p.id12) ?? p);
  const chunks = chunksOf(everyone, { kind: 'snapshot', fromSeq: 0, toSeq: seq }, key, { maxRecords: 10 });
  const path = join(dir, `snapshot-${seq}.chsy`);
  writeFileSync(path, Buffer.concat(chunks));
  const offsets = [0];
  for (const chunk of chunks) offsets.push((offsets.at(-1) as number) + chunk.length);
  return { path, offsets, chunks, file: { seq, people: count, path, offsets } };
}

/** The object the store keeps for a snapshot chunk: format version 2 at content sequence `contentSeq`. */
const stored = (chunk: Uint8Array, contentSeq: number): Uint8Array => artefactChunk(chunk, parseChunkHeader(chunk), contentSeq, key);

/** A store that counts the objects written to it. */
function countingStore(inner: ArtefactStore): { store: ArtefactStore; written: string[] } {
  const written: string[] = [];
  const store: ArtefactStore = {
    description: inner.description,
    putObject: async (name, bytes) => {
      written.push(name);
      await inner.putObject(name, bytes);
    },
    putIndex: (name, bytes) => inner.putIndex(name, bytes),
    read: (name) => inner.read(name),
    list: (prefix) => inner.list(prefix),
    delete: (name) => inner.delete(name),
  };
  return { store, written };
}

async function readIndex(store: ArtefactStore): Promise<ArtefactIndex> {
  const check = checkArtefactIndex(JSON.parse(new TextDecoder().decode(await store.read('index.json'))), kioskKeys);
  if (!check.ok) throw new Error(`index refused: ${check.why}`);
  return check.index;
}

describe('ArtefactPublisher', () => {
  it('puts each snapshot and delta chunk under its sha256 and signs an index naming them in order', async () => {
    const dir = tempDir();
    const store = new DirectoryArtefactStore(join(dir, 'store'));
    const publisher = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    const snap = snapshotFile(dir, 3, 35);
    await publisher.publishSnapshot({ seq: 3, people: 35, path: snap.path, offsets: snap.offsets });
    const delta = chunksOf(changedPeople(35, 3, 1), { kind: 'delta', fromSeq: 3, toSeq: 4 }, key, { maxRecords: 5 });
    await publisher.publishDeltas([{ from: 3, to: 4, body: Buffer.concat(delta) }]);

    const index = await readIndex(store);
    expect(index.hubKeyId).toBe(key.keyId);
    const kept = snap.chunks.map((c) => stored(c, 3));
    expect(index.snapshot).toEqual({
      seq: 3,
      people: 35,
      chunks: kept.map((c) => ({ sha256: sha(c), bytes: c.length, start: parseChunkHeader(c).rangeStart, end: parseChunkHeader(c).rangeEnd, contentSeq: 3 })),
    });
    expect(index.snapshot?.chunks.at(-1)?.end).toBe(MAX_ID12);
    expect(index.deltas).toEqual([{ from: 3, to: 4, chunks: delta.map((c) => ({ sha256: sha(c), bytes: c.length })) }]);
    for (const chunk of [...kept, ...delta]) expect(Buffer.from((await store.read(chunkObjectName(sha(chunk)))) ?? [])).toEqual(Buffer.from(chunk));
  });

  it('keeps the object of every range no change fell into, under its content sequence, across snapshots', async () => {
    const dir = tempDir();
    const { store, written } = countingStore(new DirectoryArtefactStore(join(dir, 'store')));
    const publisher = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    const first = snapshotFile(dir, 3, 35);
    await publisher.publishSnapshot(first.file);
    const atFirst = (await readIndex(store)).snapshot?.chunks ?? [];
    expect(atFirst).toHaveLength(4);
    expect(written).toHaveLength(4);

    // Person 12 changed at 5: only the second chunk (people 10–19) is new.
    written.length = 0;
    const second = snapshotFile(dir, 5, 35, [person(12, 1)]);
    await publisher.publishSnapshot(second.file);
    const atSecond = (await readIndex(store)).snapshot?.chunks ?? [];
    expect(atSecond.map((c) => c.contentSeq)).toEqual([3, 5, 3, 3]);
    expect(atSecond.filter((_, i) => i !== 1)).toEqual(atFirst.filter((_, i) => i !== 1));
    expect(atSecond[1]).toMatchObject({ start: atFirst[1]?.start, end: atFirst[1]?.end, sha256: sha(stored(second.chunks[1] as Uint8Array, 5)) });
    expect(atSecond[1]?.sha256).not.toBe(atFirst[1]?.sha256);
    expect(written).toEqual([chunkObjectName(atSecond[1]?.sha256 as string)]);

    // Then person 31 at 7: the second chunk keeps the name it got at 5, the last is new.
    written.length = 0;
    const third = snapshotFile(dir, 7, 35, [person(12, 1), person(31, 1)]);
    await publisher.publishSnapshot(third.file);
    const atThird = (await readIndex(store)).snapshot?.chunks ?? [];
    expect(atThird.map((c) => c.contentSeq)).toEqual([3, 5, 3, 7]);
    expect(atThird.slice(0, 3)).toEqual(atSecond.slice(0, 3));
    expect(written).toEqual([chunkObjectName(atThird[3]?.sha256 as string)]);

    // A builder taking over from the index in the store keeps them as well.
    const successor = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    written.length = 0;
    await successor.publishSnapshot(snapshotFile(dir, 9, 35, [person(12, 1), person(31, 1)]).file);
    expect((await readIndex(store)).snapshot?.chunks).toEqual(atThird);
    expect(written).toEqual([]);
  });

  it('signs nothing again from a snapshot file that does not verify', async () => {
    const dir = tempDir();
    const { store, written } = countingStore(new DirectoryArtefactStore(join(dir, 'store')));
    const publisher = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    const snap = snapshotFile(dir, 3, 35);
    const damaged = Buffer.concat(snap.chunks);
    const at = (snap.offsets[1] as number) + 60;
    damaged[at] = (damaged[at] as number) ^ 0x01;
    writeFileSync(snap.path, damaged);
    await expect(publisher.publishSnapshot(snap.file)).rejects.toThrow(/chunk 1 of the snapshot file at sequence 3 is not that chunk signed by this hub's key/);
    expect(written).toHaveLength(1);
    expect(await store.read('index.json')).toBeUndefined();
  });

  it('refuses an index altered after signing, and one signed by another key', async () => {
    const dir = tempDir();
    const store = new DirectoryArtefactStore(dir);
    const publisher = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    const snap = snapshotFile(dir, 2, 12);
    await publisher.publishSnapshot({ seq: 2, people: 12, path: snap.path, offsets: snap.offsets });
    const signed = JSON.parse(new TextDecoder().decode(await store.read('index.json'))) as { index: { snapshot: { people: number } } };
    signed.index.snapshot.people = 13;
    expect(checkArtefactIndex(signed, kioskKeys)).toEqual({ ok: false, why: 'bad-signature' });
    const other = hubKeyStoreFromKeys([Buffer.from(hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey).publicKeyRaw).toString('base64')]);
    expect(checkArtefactIndex(JSON.parse(new TextDecoder().decode(await store.read('index.json'))), other)).toEqual({ ok: false, why: 'unknown-key' });
  });

  it('deletes objects no index names only after the grace period, and a new builder takes over the index', async () => {
    const dir = tempDir();
    const root = join(dir, 'store');
    const store = new DirectoryArtefactStore(root);
    let now = Date.now();
    const publisher = await ArtefactPublisher.open({ store, key, log: memoryLogger(), graceMs: 60_000, now: () => now });
    const first = snapshotFile(dir, 1, 20);
    await publisher.publishSnapshot({ seq: 1, people: 20, path: first.path, offsets: first.offsets });
    const firstNames = ((await readIndex(store)).snapshot?.chunks ?? []).map((c) => chunkObjectName(c.sha256));
    const second = snapshotFile(dir, 2, 30);
    await publisher.publishSnapshot({ seq: 2, people: 30, path: second.path, offsets: second.offsets });
    const secondNames = ((await readIndex(store)).snapshot?.chunks ?? []).map((c) => chunkObjectName(c.sha256));
    // The first snapshot's last chunk grew into two: no index names its object any more.
    const unnamed = firstNames.filter((name) => !secondNames.includes(name));
    expect(unnamed).toHaveLength(1);
    expect(await publisher.sweep()).toBe(0);
    for (const name of unnamed) expect(await store.read(name)).toBeDefined();
    now += 61_000;
    const old = new Date(now - 61_000);
    for (const name of unnamed) utimesSync(join(root, name), old, old);
    expect(await publisher.sweep()).toBe(unnamed.length);
    for (const name of unnamed) expect(await store.read(name)).toBeUndefined();
    for (const name of secondNames) expect(await store.read(name)).toBeDefined();

    const successor = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    expect(successor.current().snapshot?.seq).toBe(2);
  });
});
