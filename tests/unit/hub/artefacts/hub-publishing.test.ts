import { afterEach, describe, expect, it } from 'vitest';
import { ARTEFACT_INDEX_NAME, checkArtefactIndex, type ArtefactIndex } from '../../../../domain/sync/artefact-index.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { eventually, people, startTestHub, type TestHub } from '../server/hub-test-kit.js';

const hubs: TestHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

describe('the hub server publishes to its artefact store (SQLite: the one process builds)', () => {
  it('at each new sequence, the deltas to it from the recent sequences; the newest snapshot; all under one signed index', async () => {
    const store = new DirectoryArtefactStore(tempDataDir('chot-publish-store-'));
    const hub = await startTestHub({ chunking: { maxRecords: 4 }, artefacts: { store } });
    hubs.push(hub);
    const kiosk = await hub.enrol();
    const keys = hubKeyStoreFromKeys([kiosk.hubPublicKey]);
    const index = async (): Promise<ArtefactIndex | undefined> => {
      const bytes = await store.read(ARTEFACT_INDEX_NAME);
      if (bytes === undefined) return undefined;
      const check = checkArtefactIndex(JSON.parse(new TextDecoder().decode(bytes)), keys);
      return check.ok ? check.index : undefined;
    };

    const first = await hub.importRows('person', people(6));
    await eventually(async () => (await index())?.snapshot?.seq === first, 20_000);
    const second = await hub.importRows('person', people(3, 100));
    await eventually(async () => (await index())?.deltas.some((d) => d.to === second) === true, 20_000);
    const third = await hub.importRows('person', people(2, 200));
    await eventually(async () => (await index())?.snapshot?.seq === third && (await index())?.deltas.some((d) => d.to === third) === true, 20_000);

    const published = (await index()) as ArtefactIndex;
    expect(published.deltas.map((d) => [d.from, d.to])).toEqual([
      [0, third],
      [first, third],
      [second, third],
    ]);
    // Each delta is the API's delta, chunk for chunk.
    for (const delta of published.deltas) {
      const answer = await kiosk.get(`/v1/delta?since=${delta.from}`);
      expect(Number(answer.headers.get('x-chot-chunks'))).toBe(delta.chunks.length);
      expect((await answer.arrayBuffer()).byteLength).toBe(delta.chunks.reduce((sum, c) => sum + c.bytes, 0));
    }
  });
});
