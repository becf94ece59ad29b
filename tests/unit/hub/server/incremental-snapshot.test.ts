import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeChunk, HEADER_BYTES, MAX_ID12 } from '../../../../domain/sync/sync-chunk.js';
import type { SyncedPerson } from '../../../../domain/sync/synced-person.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { findPreviousSnapshot } from '../../../../hub/server/snapshot-files.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { people, person, personId } from '../../../support/sync-fixtures.js';
import { buildSnapshot, compressedBody, fullBuild, headerOf, MemoryPeople, rangesOf, type BuiltSnapshot } from './snapshot-merge-kit.js';

const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const otherKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const N = 600;
const CHUNK = 50;
const NO_FACTS = { doses: [], tests: [], quarantine: [] };
const at = (id12: number, facts: SyncedPerson['facts'] = NO_FACTS): SyncedPerson => ({ id12: String(id12).padStart(12, '0'), facts });
const changed = (i: number, version: number): SyncedPerson => person(i, version);

/** A hub of N people at sequence 1 with its snapshot built (from the database) into a fresh cache. */
async function hubWithSnapshot(): Promise<{ hub: MemoryPeople; cacheDir: string; first: BuiltSnapshot }> {
  const hub = new MemoryPeople();
  hub.apply(people(N));
  const cacheDir = tempDataDir('chot-merge-');
  const first = await buildSnapshot(hub.storage, key, cacheDir, 1, CHUNK);
  return { hub, cacheDir, first };
}

/** The merged snapshot at the hub's sequence, checked against a full build of the same sequence. */
async function mergedMatchingFull(hub: MemoryPeople, cacheDir: string): Promise<BuiltSnapshot> {
  const merged = await buildSnapshot(hub.storage, key, cacheDir, hub.seq, CHUNK);
  expect(merged.index.mergedFrom).toBeDefined();
  const full = await fullBuild(hub.storage, key, hub.seq, CHUNK);
  expect(full.index.mergedFrom).toBeUndefined();
  expect(merged.people).toEqual(full.people);
  expect(merged.index.people).toBe(full.index.people);
  return merged;
}

describe('a snapshot merged from the previous one and the delta', () => {
  it('decodes to the same people and facts as a full build, import after import', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    expect(first.index).toMatchObject({ people: N, chunkRecords: CHUNK, fullBuildBecause: 'no earlier snapshot in the cache' });
    const firstChunkEnd = headerOf(first.chunks[0] as Uint8Array).rangeEnd;

    // Changed people everywhere, new people before everyone (first chunk), right after a
    // chunk's last ID (the next chunk's first), and at the highest ID (the final chunk).
    hub.apply([...Array.from({ length: N / 37 }, (_, k) => changed(k * 37, 1)), at(5), at(firstChunkEnd + 1), at(MAX_ID12)]);
    let merged = await mergedMatchingFull(hub, cacheDir);
    expect(merged.index.mergedFrom).toBe(1);

    // A chunk's first and last person change, and 80 new people land in one chunk's range:
    // that chunk outgrows the limit and is split; the chunks after it keep their ranges.
    const before = merged;
    const third = before.chunks[3] as Uint8Array;
    const { rangeStart, rangeEnd } = headerOf(third);
    const inside = Array.from({ length: 80 }, (_, k) => at(rangeStart + 1 + k * 3, person(k).facts)).filter((p) => Number(p.id12) <= rangeEnd);
    const edges = before.people.filter((p) => Number(p.id12) === rangeStart || Number(p.id12) === rangeEnd).map((p) => ({ ...p, facts: person(9, 3).facts }));
    hub.apply([...inside, ...edges]);
    merged = await mergedMatchingFull(hub, cacheDir);
    expect(merged.chunks.length).toBe(before.chunks.length + 2);
    expect(rangesOf(merged).slice(6)).toEqual(rangesOf(before).slice(4));
    expect(rangesOf(merged).slice(0, 3)).toEqual(rangesOf(before).slice(0, 3));
    expect(headerOf(merged.chunks[5] as Uint8Array).rangeEnd).toBe(rangeEnd);
    for (const chunk of merged.chunks.slice(3, 6)) expect(headerOf(chunk).recordCount).toBeLessThanOrEqual(CHUNK);

    // Only the final chunk changes: every other chunk keeps its range and its compressed bytes.
    const last = merged;
    hub.apply([at(MAX_ID12, person(1).facts)]);
    merged = await mergedMatchingFull(hub, cacheDir);
    expect(rangesOf(merged)).toEqual(rangesOf(last));
    const kept = merged.chunks.filter((chunk, i) => compressedBody(chunk).equals(compressedBody(last.chunks[i] as Uint8Array)));
    expect(kept.length).toBe(merged.chunks.length - 1);
    expect(merged.index.keptChunks).toBe(kept.length);
    expect(merged.chunks.every((chunk, i) => headerOf(chunk).toSeq === hub.seq && headerOf(chunk).index === i)).toBe(true);
  });

  it('changes only the first chunk: the rest are reframed, not recompressed', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    hub.apply([changed(0, 2), changed(1, 2)]);
    const merged = await mergedMatchingFull(hub, cacheDir);
    expect(rangesOf(merged)).toEqual(rangesOf(first));
    const same = merged.chunks.map((chunk, i) => compressedBody(chunk).equals(compressedBody(first.chunks[i] as Uint8Array)));
    expect(same).toEqual([false, ...Array.from({ length: first.chunks.length - 1 }, () => true)]);
  });

  it('an empty delta (its people changed again after the sequence) keeps every chunk, and the delta after brings them', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    hub.apply([changed(10, 1)]);
    hub.apply([changed(10, 2)]); // the same person again: the hub keeps only the latest state, at sequence 3
    const merged = await buildSnapshot(hub.storage, key, cacheDir, 2, CHUNK);
    expect(merged.index.mergedFrom).toBe(1);
    expect(merged.chunks.map(compressedBody)).toEqual(first.chunks.map(compressedBody));
    // They keep the previous snapshot's state where a full build leaves them out: either way a
    // kiosk at sequence 2 takes them from the delta (2, 3].
    expect(merged.people).toEqual([...people(N)]);
    const full = await fullBuild(hub.storage, key, 2, CHUNK);
    expect(full.people).toEqual(merged.people.filter((p) => p.id12 !== person(10).id12));
  });
});

describe('a snapshot built from the database instead', () => {
  const fellBack = async (hub: MemoryPeople, cacheDir: string, because: RegExp): Promise<void> => {
    const built = await buildSnapshot(hub.storage, key, cacheDir, hub.seq, CHUNK);
    expect(built.index.mergedFrom).toBeUndefined();
    expect(built.index.fullBuildBecause).toMatch(because);
    expect(built.people).toEqual((await fullBuild(hub.storage, key, hub.seq, CHUNK)).people);
  };

  it('when the previous snapshot is signed by another key', async () => {
    const hub = new MemoryPeople();
    hub.apply(people(N));
    const cacheDir = tempDataDir('chot-merge-');
    await buildSnapshot(hub.storage, otherKey, cacheDir, 1, CHUNK);
    hub.apply([changed(3, 1)]);
    await fellBack(hub, cacheDir, /signed by key/);
  });

  it('when the previous snapshot was cut into chunks of another size, or by a hub that did not record it', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    hub.apply([changed(3, 1)]);
    const built = await buildSnapshot(hub.storage, key, cacheDir, hub.seq, CHUNK * 2);
    expect(built.index.fullBuildBecause).toMatch(/chunked differently/);

    const indexFile = join(cacheDir, `snapshot-${built.index.seq}.json`);
    const { chunkRecords: _dropped, ...older } = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(indexFile, JSON.stringify(older));
    hub.apply([changed(4, 1)]);
    await fellBack(hub, cacheDir, /chunked differently/);
    expect(first.index.chunkRecords).toBe(CHUNK);
  });

  it('when more than half the people changed', async () => {
    const { hub, cacheDir } = await hubWithSnapshot();
    hub.apply(Array.from({ length: N / 2 + 1 }, (_, i) => changed(i, 1)));
    await fellBack(hub, cacheDir, /more than 300 people changed/);
  });

  it('when a chunk of the previous snapshot was altered on disk: never signed again', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    const dataFile = join(cacheDir, first.index.dataFile);
    const bytes = readFileSync(dataFile);
    const at = (first.index.offsets[4] as number) + HEADER_BYTES + 3;
    bytes[at] = (bytes[at] as number) ^ 0x10;
    writeFileSync(dataFile, bytes);
    hub.apply([changed(0, 1)]); // only the first chunk changes: chunk 4 would be reframed
    await fellBack(hub, cacheDir, /chunk 4 of the previous snapshot fails its signature/);
  });

  it('when a chunk of the previous snapshot is signed but does not read back (a hub bug, not an attack): not merged from', async () => {
    const { hub, cacheDir, first } = await hubWithSnapshot();
    const header = headerOf(first.chunks[0] as Uint8Array);
    const garbage = encodeChunk({ ...header, recordCount: 3, body: new Uint8Array([200, 1, 2, 3]) }, key);
    const rest = first.chunks.slice(1);
    writeFileSync(join(cacheDir, first.index.dataFile), Buffer.concat([garbage, ...rest]));
    const offsets = [0, ...[garbage, ...rest].map((_, i, all) => all.slice(0, i + 1).reduce((sum, c) => sum + c.length, 0))];
    writeFileSync(join(cacheDir, 'snapshot-1.json'), JSON.stringify({ ...first.index, offsets }));
    hub.apply([changed(0, 1)]);
    await fellBack(hub, cacheDir, /chunk 0 of the previous snapshot does not read back/);
  });

  it('when the only earlier snapshot is not earlier (a database restored to an older sequence)', async () => {
    const hub = new MemoryPeople();
    hub.apply(people(N));
    hub.apply([changed(1, 1)]);
    const cacheDir = tempDataDir('chot-merge-');
    await buildSnapshot(hub.storage, key, cacheDir, 2, CHUNK);
    expect(findPreviousSnapshot(cacheDir, 2)).toBeUndefined();
    expect(findPreviousSnapshot(cacheDir, 3)?.seq).toBe(2);
    const restored = new MemoryPeople();
    restored.apply(people(N));
    await fellBack(restored, cacheDir, /no earlier snapshot/);
  });

  it('the first snapshot of a hub', async () => {
    const hub = new MemoryPeople();
    hub.apply(people(N));
    await fellBack(hub, tempDataDir('chot-merge-'), /no earlier snapshot/);
  });
});

it('a hub of one person: any change is more than half of it, so the database is read', async () => {
  const hub = new MemoryPeople();
  hub.apply([at(personId(0))]);
  const cacheDir = tempDataDir('chot-merge-');
  await buildSnapshot(hub.storage, key, cacheDir, 1, CHUNK);
  hub.apply([at(personId(1))]);
  const built = await buildSnapshot(hub.storage, key, cacheDir, 2, CHUNK);
  expect(built.index.fullBuildBecause).toMatch(/more than 0 people changed/);
});
