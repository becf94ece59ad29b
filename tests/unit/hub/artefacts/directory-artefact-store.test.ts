import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { artefactStoreContract } from './artefact-store-contract.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempStore(): { root: string; store: DirectoryArtefactStore } {
  const root = mkdtempSync(join(tmpdir(), 'chot-artefacts-'));
  dirs.push(root);
  return { root, store: new DirectoryArtefactStore(root) };
}

describe('DirectoryArtefactStore', () => {
  artefactStoreContract(async () => tempStore().store);

  it('writes objects and the index owner-only, whole, with no temporary file left', async () => {
    const { root, store } = tempStore();
    await store.putObject('chunks/abc.chsy', new Uint8Array([1, 2, 3]));
    await store.putIndex('index.json', new TextEncoder().encode('{"a":1}'));
    await store.putIndex('index.json', new TextEncoder().encode('{"a":2}'));
    expect([...((await store.read('chunks/abc.chsy')) ?? [])]).toEqual([1, 2, 3]);
    expect(new TextDecoder().decode(await store.read('index.json'))).toBe('{"a":2}');
    expect(await store.read('chunks/none.chsy')).toBeUndefined();
    expect(statSync(join(root, 'chunks/abc.chsy')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'index.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'chunks')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(root, 'chunks'))).toEqual(['abc.chsy']);
  });

  it('leaves an existing object as it is and restarts its age, so a sweep keeps it', async () => {
    const { root, store } = tempStore();
    await store.putObject('chunks/same.chsy', new Uint8Array([7]));
    const old = new Date(Date.now() - 86_400_000);
    utimesSync(join(root, 'chunks/same.chsy'), old, old);
    await store.putObject('chunks/same.chsy', new Uint8Array([7]));
    const [listed] = await store.list('chunks/');
    expect(listed?.name).toBe('chunks/same.chsy');
    expect(listed?.writtenAt ?? 0).toBeGreaterThan(old.getTime() + 3_600_000);
  });

  it('lists without temporary files, deletes idempotently, and refuses names that leave the store', async () => {
    const { root, store } = tempStore();
    await store.putObject('chunks/a.chsy', new Uint8Array([1]));
    writeFileSync(join(root, 'chunks/b.chsy.123.tmp'), 'half');
    expect((await store.list('chunks/')).map((o) => o.name)).toEqual(['chunks/a.chsy']);
    expect(await store.list('none/')).toEqual([]);
    await store.delete('chunks/a.chsy');
    await store.delete('chunks/a.chsy');
    expect(await store.read('chunks/a.chsy')).toBeUndefined();
    await expect(store.read('../outside')).rejects.toThrow(/not an artefact name/);
    await expect(store.putObject('/etc/passwd', new Uint8Array([1]))).rejects.toThrow(/not an artefact name/);
    await expect(store.putObject('chunks/../../x', new Uint8Array([1]))).rejects.toThrow(/not an artefact name/);
  });
});
