import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgHubStorage } from '../../../../hub/storage/pg-hub-storage.js';
import { seedPgHub, seedPgHubDelta } from '../../../support/pg-hub-seed.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { personId } from '../../../support/sync-fixtures.js';

// The scale-out benchmark's figures are only as good as its data: the seed must be what
// the hub's own storage reads as people and change sets, at the sequences it says.
describe('seedPgHub and seedPgHubDelta', () => {
  let cluster: PostgresCluster;
  let url: string;
  beforeAll(() => {
    cluster = startPostgres();
    url = cluster.createDatabase();
  }, 90_000);
  afterAll(() => cluster.stop());

  it('leave people and a booster change set that the hub storage serves', { timeout: 60_000 }, async () => {
    await seedPgHub(url, 1000);
    const { seq, committedAtMs } = await seedPgHubDelta(url, 1000, 10);
    expect(seq).toBe(2);
    expect(committedAtMs).toBeGreaterThan(Date.now() - 60_000);
    const storage = await PgHubStorage.open(url);
    try {
      expect(await storage.currentSeq()).toBe(2);
      expect(await storage.countPeople()).toBe(1000);
      expect((await storage.snapshotPage(2, undefined, 5000)).length).toBe(1000);
      const changed = await storage.changedSince(1, undefined, 5000);
      expect(changed.map((p) => p.id12)).toEqual(Array.from({ length: 100 }, (_, i) => String(personId(i * 10)).padStart(12, '0')));
      const booster = await storage.findPerson(String(personId(10)).padStart(12, '0'));
      expect(JSON.stringify(booster)).toContain('2021-12-01');
      expect((await seedPgHubDelta(url, 1000, 10)).seq).toBe(3);
    } finally {
      await storage.close();
    }
  });
});
