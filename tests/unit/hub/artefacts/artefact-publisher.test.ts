import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArtefactIndex, chunkObjectName, type ArtefactIndex } from '../../../../domain/sync/artefact-index.js';
import { ArtefactPublisher } from '../../../../hub/artefacts/artefact-publisher.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { generateKeyPairSync } from 'node:crypto';
import { chunksOf, changedPeople, people } from '../../../support/sync-fixtures.js';
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

function snapshotFile(dir: string, seq: number, count: number): { path: string; offsets: number[]; chunks: Uint8Array[] } {
  const chunks = chunksOf(people(count), { kind: 'snapshot', fromSeq: 0, toSeq: seq }, key, { maxRecords: 10 });
  const path = join(dir, `snapshot-${seq}.chsy`);
  writeFileSync(path, Buffer.concat(chunks));
  const offsets = [0];
  for (const chunk of chunks) offsets.push((offsets.at(-1) as number) + chunk.length);
  return { path, offsets, chunks };
}

async function readIndex(store: DirectoryArtefactStore): Promise<ArtefactIndex> {
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
    expect(index.snapshot).toEqual({ seq: 3, people: 35, chunks: snap.chunks.map((c) => ({ sha256: sha(c), bytes: c.length })) });
    expect(index.deltas).toEqual([{ from: 3, to: 4, chunks: delta.map((c) => ({ sha256: sha(c), bytes: c.length })) }]);
    for (const chunk of [...snap.chunks, ...delta]) expect(Buffer.from((await store.read(chunkObjectName(sha(chunk)))) ?? [])).toEqual(Buffer.from(chunk));
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
    const second = snapshotFile(dir, 2, 30);
    await publisher.publishSnapshot({ seq: 2, people: 30, path: second.path, offsets: second.offsets });
    // Each chunk carries its sequence: no chunk of the first snapshot is named by the second.
    const unnamed = first.chunks.map((c) => chunkObjectName(sha(c)));
    expect(await publisher.sweep()).toBe(0);
    for (const name of unnamed) expect(await store.read(name)).toBeDefined();
    now += 61_000;
    const old = new Date(now - 61_000);
    for (const name of unnamed) utimesSync(join(root, name), old, old);
    expect(await publisher.sweep()).toBe(unnamed.length);
    for (const name of unnamed) expect(await store.read(name)).toBeUndefined();
    for (const chunk of second.chunks) expect(await store.read(chunkObjectName(sha(chunk)))).toBeDefined();

    const successor = await ArtefactPublisher.open({ store, key, log: memoryLogger() });
    expect(successor.current().snapshot?.seq).toBe(2);
  });
});
