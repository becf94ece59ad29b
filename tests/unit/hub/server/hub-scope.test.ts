import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_KEY_FILE } from '../../../../hub/keys/hub-signing-key.js';
import type { StatusResponse } from '../../../../domain/protocol/hub-bodies.js';
import { chunkByteLength } from '../../../../domain/sync/sync-chunk.js';
import { inProvinceScope, parseProvinceScope, rangeMeetsScope } from '../../../../domain/sync/province-scope.js';
import { SqliteHubStorage, HUB_SQLITE_FILE } from '../../../../hub/storage/sqlite-hub-storage.js';
import { asksOutsideScope } from '../../../../main/sync/hub-facts-lookup.js';
import { checkSignedScope } from '../../../../main/sync/scope-check.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { ARTEFACT_INDEX_NAME } from '../../../../domain/sync/artefact-index.js';
import { DirectoryArtefactStore } from '../../../../hub/artefacts/directory-artefact-store.js';
import { soleBuilder, type BuilderLease } from '../../../../hub/artefacts/builder-lease.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { bytesOf, eventually, hubsOnBothStores, readChunks, type TestHub } from './hub-test-kit.js';

const hubs = hubsOnBothStores();

// Hà Nội (001), Khánh Hòa (056) and Hồ Chí Minh City (079): three contiguous ranges of the ID space.
const HA_NOI = ['001090000001', '001090000002', '001195000003'];
const KHANH_HOA = ['056089001234', '056190000007'];
const HCMC = ['079195004321', '079300000009'];
const ids = (list: readonly string[]) => list.map((id12) => ({ id12 }));

describe('province scopes', () => {
  it('parse and test IDs and chunk ranges', () => {
    expect(parseProvinceScope(' 079,001,079 ')).toEqual(['001', '079']);
    expect(() => parseProvinceScope('1,079')).toThrow(/not a province code/);
    expect(() => parseProvinceScope(',')).toThrow(RangeError);
    expect(inProvinceScope('079195004321', ['001', '079'])).toBe(true);
    expect(inProvinceScope(56_089_001_234, ['001', '079'])).toBe(false);
    expect(inProvinceScope('056089001234', null)).toBe(true);
    expect(rangeMeetsScope(0, 999_999_999, ['001'])).toBe(false);
    expect(rangeMeetsScope(1_500_000_000, 1_600_000_000, ['001'])).toBe(true);
    // Inside its scope a kiosk holds everyone the hub has: only an ID outside is asked about; before the first status, every miss.
    expect(asksOutsideScope('001090000001', ['001'])).toBe(false);
    expect(asksOutsideScope('079195004321', ['001'])).toBe(true);
    expect(asksOutsideScope('079195004321', null)).toBe(false);
    expect(asksOutsideScope('079195004321', undefined)).toBe(true);
  });
});

describe.each(hubs.stores)('a kiosk enrolled with a scope, on %s', (_store, location) => {
  const hubWithPeople = async (): Promise<TestHub> => {
    const pg = location();
    const h = await hubs.start({ ...(pg === undefined ? {} : { location: pg }), chunking: { maxRecords: 2 } });
    await h.importRows('person', ids([...HA_NOI, ...KHANH_HOA, ...HCMC]));
    return h;
  };

  it('is told its scope signed, and syncs only its provinces: snapshots (resumable) and deltas; an unscoped kiosk gets everyone', async () => {
    const h = await hubWithPeople();
    const scoped = await h.enrol({ scope: ['001', '079'] });
    const everyone = await h.enrol();
    expect(await h.admin.enrollment.findDevice(scoped.identity.deviceId)).toMatchObject({ scope: ['001', '079'] });
    expect((await h.admin.enrollment.findDevice(everyone.identity.deviceId))?.scope).toBeUndefined();

    const keys = hubKeyStoreFromKeys([scoped.hubPublicKey]);
    const status = (await (await scoped.get('/v1/status')).json()) as StatusResponse;
    expect(checkSignedScope(status.signedScope, scoped.identity.deviceId, keys)).toEqual(['001', '079']);
    // Not for another kiosk, and a changed scope no longer verifies.
    expect(checkSignedScope(status.signedScope, everyone.identity.deviceId, keys)).toBeUndefined();
    expect(
      checkSignedScope({ ...status.signedScope, scope: { ...status.signedScope?.scope, provinces: null } }, scoped.identity.deviceId, keys),
    ).toBeUndefined();
    const unscopedStatus = (await (await everyone.get('/v1/status')).json()) as StatusResponse;
    expect(checkSignedScope(unscopedStatus.signedScope, everyone.identity.deviceId, keys)).toBeNull();

    expect(await h.server.snapshotReady(1)).toBe(1);
    const snapshot = await scoped.get('/v1/snapshot');
    expect(snapshot.headers.get('etag')).toBe('"snapshot-1-001.079"');
    const full = await bytesOf(snapshot);
    const read = await readChunks(full, 'snapshot', scoped.hubPublicKey);
    expect(read.complete).toBe(true);
    expect(read.people.map((p) => p.id12)).toEqual([...HA_NOI, ...HCMC]);
    expect(Number(snapshot.headers.get('x-chot-chunks'))).toBe(read.chunks);
    // Resumed from chunk 1: exactly the rest of the same bytes.
    expect(read.chunks).toBeGreaterThan(1);
    expect(await bytesOf(await scoped.get('/v1/snapshot?seq=1&from=1'))).toEqual(full.subarray(chunkByteLength(full)));
    expect((await readChunks(await bytesOf(await everyone.get('/v1/snapshot')), 'snapshot', everyone.hubPublicKey)).people).toHaveLength(7);

    await h.importRows('person', ids(['001300000010', '056300000011', '079300000012']));
    const delta = await scoped.get('/v1/delta?since=1');
    expect(delta.headers.get('etag')).toBe('"delta-1-2-001.079"');
    expect((await readChunks(await bytesOf(delta), 'delta', scoped.hubPublicKey, { watermark: 1 })).people.map((p) => p.id12)).toEqual([
      '001300000010',
      '079300000012',
    ]);
    expect((await readChunks(await bytesOf(await everyone.get('/v1/delta?since=1')), 'delta', everyone.hubPublicKey, { watermark: 1 })).people).toHaveLength(3);

    // Outside its scope, it asks about one person at a time.
    const outside = (await (await scoped.get(`/v1/person/${KHANH_HOA[0]}/facts`)).json()) as { statement: { facts: string | null } };
    expect(outside.statement.facts).not.toBeNull();
  });
});

describe('a scoped kiosk beside an artefact store, on PostgreSQL', () => {
  it('is not sent to the store (it holds everyone), and a process that is not the builder derives its snapshot from the store’s chunks', async () => {
    const pgUrl = hubs.pgUrl();
    const store = new DirectoryArtefactStore(tempDataDir('chot-artefacts-'));
    const base = 'https://cdn.example/chot/';
    const builder = await hubs.start({ location: { pgUrl }, chunking: { maxRecords: 2 }, artefacts: { store, base, lease: soleBuilder() } });
    const seq = await builder.importRows('person', ids([...HA_NOI, ...KHANH_HOA, ...HCMC]));
    await eventually(async () => (await store.read(ARTEFACT_INDEX_NAME)) !== undefined && (await builder.server.snapshotReady(seq)) === seq, 20_000);
    await eventually(async () => {
      const bytes = await store.read(ARTEFACT_INDEX_NAME);
      return (
        bytes !== undefined && (JSON.parse(new TextDecoder().decode(bytes)) as { index: { snapshot: { seq: number } | null } }).index.snapshot?.seq === seq
      );
    }, 20_000);
    // Another process on the same database, key and store that never builds, on a machine of its
    // own (its data directory holds only a copy of the key): its snapshots are the store's.
    const neverBuilder: BuilderLease = { isBuilder: () => false, onChange: () => undefined, close: async () => undefined };
    const servingDir = tempDataDir('chot-hub-serving-');
    mkdirSync(dirname(join(servingDir, HUB_KEY_FILE)), { recursive: true, mode: 0o700 });
    copyFileSync(join(builder.dataDir, HUB_KEY_FILE), join(servingDir, HUB_KEY_FILE));
    const serving = await hubs.start({
      dataDir: servingDir,
      location: { pgUrl },
      chunking: { maxRecords: 2 },
      artefacts: { store, base, lease: neverBuilder },
    });
    // Ready as the store is: this process builds nothing itself.
    expect(await serving.server.snapshotReady(seq)).toBe(seq);
    const scoped = await serving.enrol({ scope: ['001', '079'] });
    const everyone = await serving.enrol();

    expect(((await (await everyone.get('/v1/status')).json()) as StatusResponse).artefacts?.location.base).toBe(base);
    expect(((await (await scoped.get('/v1/status')).json()) as StatusResponse).artefacts).toBeUndefined();

    const snapshot = await scoped.get('/v1/snapshot');
    expect(snapshot.status).toBe(200);
    expect(snapshot.headers.get('etag')).toBe(`"snapshot-${seq}-001.079"`);
    const read = await readChunks(await bytesOf(snapshot), 'snapshot', scoped.hubPublicKey);
    expect(read.people.map((p) => p.id12)).toEqual([...HA_NOI, ...HCMC]);
    expect((await readChunks(await bytesOf(await everyone.get('/v1/snapshot')), 'snapshot', everyone.hubPublicKey)).people).toHaveLength(7);
  });
});

describe('the SQLite hub migration', () => {
  it('gives devices enrolled before scopes no scope: every province', async () => {
    const { tempDataDir } = await import('../../../support/kiosk-process.js');
    const dir = tempDataDir('chot-scope-migration-');
    const storage = await SqliteHubStorage.open(`${dir}/${HUB_SQLITE_FILE}`);
    try {
      await storage.enrollment.saveDevice({ deviceId: 'k-0000000000000001', publicKeyRaw: new Uint8Array(32), location: 'X', revoked: false, enrolledAt: 1 });
      expect(await storage.enrollment.findDevice('k-0000000000000001')).toEqual({
        deviceId: 'k-0000000000000001',
        publicKeyRaw: new Uint8Array(32),
        location: 'X',
        revoked: false,
        enrolledAt: 1,
      });
    } finally {
      await storage.close();
    }
  });
});
