import { expect, it } from 'vitest';
import type { ArtefactStore } from '../../../../hub/artefacts/artefact-store.js';

/** What every ArtefactStore does, whatever is behind it (a directory, an S3 bucket). */
export function artefactStoreContract(open: () => Promise<ArtefactStore>): void {
  it('puts, reads, lists and deletes objects; a missing one reads as undefined', async () => {
    const store = await open();
    await store.putObject('chunks/aa.chsy', new Uint8Array([1, 2, 3]));
    await store.putObject('chunks/bb.chsy', new Uint8Array(300_000).fill(7));
    expect([...((await store.read('chunks/aa.chsy')) ?? [])]).toEqual([1, 2, 3]);
    expect((await store.read('chunks/bb.chsy'))?.length).toBe(300_000);
    expect(await store.read('chunks/none.chsy')).toBeUndefined();
    const listed = await store.list('chunks/');
    expect(listed.map((o) => o.name).sort()).toEqual(['chunks/aa.chsy', 'chunks/bb.chsy']);
    for (const object of listed) expect(Math.abs(object.writtenAt - Date.now())).toBeLessThan(10 * 60_000);
    await store.delete('chunks/aa.chsy');
    await store.delete('chunks/aa.chsy');
    expect(await store.read('chunks/aa.chsy')).toBeUndefined();
    expect((await store.list('chunks/')).map((o) => o.name)).toEqual(['chunks/bb.chsy']);
    expect(await store.list('other/')).toEqual([]);
  });

  it('replaces the index whole and keeps it apart from the objects', async () => {
    const store = await open();
    await store.putIndex('index.json', new TextEncoder().encode('{"v":1}'));
    await store.putIndex('index.json', new TextEncoder().encode('{"v":2}'));
    expect(new TextDecoder().decode(await store.read('index.json'))).toBe('{"v":2}');
    expect(await store.list('chunks/')).toEqual([]);
  });

  it('refuses names that could leave the store', async () => {
    const store = await open();
    await expect(store.read('../outside')).rejects.toThrow(/not an artefact name/);
    await expect(store.putObject('chunks/../../x', new Uint8Array([1]))).rejects.toThrow(/not an artefact name/);
    await expect(store.delete('/abs')).rejects.toThrow(/not an artefact name/);
  });
}
