import { afterEach, describe, expect, it } from 'vitest';
import type { ChangedPerson } from '../../../domain/sync/synced-person.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { ImportRejected, type ImportKind, type ImportRowOf } from '../../../hub/storage/import-rows.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';

/**
 * The one behaviour every HubStorage must have, run against each implementation for real
 * (sqlite-hub-storage.test.ts, pg-hub-storage.test.ts). `newLocation` gives a fresh, empty
 * store each call.
 */
export const AN = '056089001234';
export const BINH = '079195004321';
export const CUONG = '001201005678';

/** Rows with line numbers from 2 (line 1 is the header), as an import would give them. */
export function lines<K extends ImportKind>(rows: readonly Omit<ImportRowOf[K], 'line'>[]): ImportRowOf[K][] {
  return rows.map((row, i) => ({ ...row, line: i + 2 }) as ImportRowOf[K]);
}

/** n valid, distinct citizen IDs in ascending order (Hà Nội, born 1990). */
export function ids(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `001090${String(from + i).padStart(6, '0')}`);
}

const doses = (id12: string, ...dates: string[]) => dates.map((date, i) => ({ id12, dose: i + 1, date, product: 'EU/1/20/1528' }));

async function allPages(read: (after: string | undefined) => Promise<readonly { id12: string }[]>, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await read(after);
    pages.push(page.map((p) => p.id12));
    if (page.length < limit) return pages;
    after = page.at(-1)?.id12;
  }
}

export function describeHubStorageContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`HubStorage contract: ${name}`, () => {
    const open: HubStorage[] = [];
    const fresh = async (location = newLocation()): Promise<HubStorage> => {
      const storage = await openHubStorage(location);
      open.push(storage);
      return storage;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    const importRows = <K extends ImportKind>(storage: HubStorage, kind: K, rows: readonly Omit<ImportRowOf[K], 'line'>[]) =>
      storage.applyImport(kind, lines<K>(rows), { name: `${kind}.csv` });

    it('starts empty', async () => {
      const storage = await fresh();
      expect(await storage.currentSeq()).toBe(0);
      expect(await storage.countPeople()).toBe(0);
      expect(await storage.changedSince(0, undefined, 10)).toEqual([]);
      expect(await storage.snapshotPage(0, undefined, 10)).toEqual([]);
      expect(await storage.findPerson(AN)).toBeUndefined();
    });

    it('applies an import and assembles PersonFacts: doses by date, canonical product, full course from the product table', async () => {
      const storage = await fresh();
      const result = await importRows(storage, 'vaccination', [
        { id12: AN, dose: 2, date: '2021-08-20', product: 'EU/1/20/1528' },
        { id12: AN, dose: 1, date: '2021-07-30', product: 'EU/1/20/1528' },
        { id12: BINH, dose: 1, date: '2021-09-01', product: 'EU/1/20/1525' },
      ]);
      expect(result).toEqual({ rows: 3, peopleChanged: 2, seq: 1, unknownIds: { count: 2, firstLines: [2, 4] } });
      expect(await storage.countPeople()).toBe(2);
      expect(await storage.findPerson(AN)).toEqual({
        id12: AN,
        seq: 1,
        facts: {
          doses: [
            { dose: 1, date: '2021-07-30', product: 'EU/1/20/1528', totalDoses: 2 },
            { dose: 2, date: '2021-08-20', product: 'EU/1/20/1528', totalDoses: 2 },
          ],
          tests: [],
          quarantine: [],
        },
      } satisfies ChangedPerson);
      expect((await storage.findPerson(BINH))?.facts.doses).toEqual([{ dose: 1, date: '2021-09-01', product: 'EU/1/20/1525', totalDoses: 1 }]);
    });

    it('assembles every kind of fact and the identifiers of one person', async () => {
      const storage = await fresh();
      await importRows(storage, 'person', [{ id12: CUONG, oldId: '225123456', bhxh: '5612345678' }]);
      await importRows(storage, 'test', [
        { id12: CUONG, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'pcr', result: 'negative' },
        { id12: CUONG, takenAtMs: Date.UTC(2021, 9, 10, 1, 30), kind: 'rapid', result: 'positive' },
        { id12: CUONG, takenAtMs: Date.UTC(2021, 9, 10, 1, 30), kind: 'pcr', result: 'positive' },
      ]);
      await importRows(storage, 'recovery', [{ id12: CUONG, recoveredOn: '2021-09-01' }]);
      await importRows(storage, 'quarantine', [
        { id12: CUONG, status: 'F1', from: '2021-10-01', to: '2021-10-14' },
        { id12: CUONG, status: 'F0', from: '2021-10-10' },
      ]);
      expect(await storage.findPerson(CUONG)).toEqual({
        id12: CUONG,
        oldId: '225123456',
        bhxh: '5612345678',
        seq: 4,
        facts: {
          doses: [],
          tests: [
            { takenAt: '2021-10-10T08:30:00.000+07:00', kind: 'pcr', result: 'positive' },
            { takenAt: '2021-10-10T08:30:00.000+07:00', kind: 'rapid', result: 'positive' },
            { takenAt: '2021-10-15T08:30:00.000+07:00', kind: 'pcr', result: 'negative' },
          ],
          recoveredOn: '2021-09-01',
          quarantine: [
            { status: 'F1', from: '2021-10-01', to: '2021-10-14' },
            { status: 'F0', from: '2021-10-10' },
          ],
        },
      } satisfies ChangedPerson);
      expect(await storage.countPeople()).toBe(1);
    });

    it('re-importing the same file changes nothing: no new sequence, nobody changed', async () => {
      const storage = await fresh();
      const rows = [...doses(AN, '2021-07-30', '2021-08-20'), ...doses(BINH, '2021-09-01')];
      expect(await importRows(storage, 'vaccination', rows)).toEqual({ rows: 3, peopleChanged: 2, seq: 1, unknownIds: { count: 2, firstLines: [2, 4] } });
      expect(await importRows(storage, 'vaccination', rows)).toEqual({ rows: 3, peopleChanged: 0, seq: 1 });
      expect(await importRows(storage, 'vaccination', [...rows].reverse())).toEqual({ rows: 3, peopleChanged: 0, seq: 1 });
      expect(await storage.currentSeq()).toBe(1);
      expect(await storage.changedSince(1, undefined, 10)).toEqual([]);
      const more = {
        person: [{ id12: AN, oldId: '225123456' }],
        test: [{ id12: AN, takenAtMs: Date.UTC(2021, 9, 1), kind: 'pcr', result: 'negative' }],
        recovery: [{ id12: AN, recoveredOn: '2021-06-01' }],
        quarantine: [{ id12: AN, status: 'F1', from: '2021-06-01' }],
      } satisfies { [K in ImportKind]?: Omit<ImportRowOf[K], 'line'>[] };
      for (const [kind, kindRows] of Object.entries(more) as [ImportKind, Omit<ImportRowOf[ImportKind], 'line'>[]][]) {
        const first = await importRows(storage, kind, kindRows);
        expect(first.peopleChanged, kind).toBe(1);
        expect(await importRows(storage, kind, kindRows), kind).toEqual({ rows: 1, peopleChanged: 0, seq: first.seq });
      }
    });

    it('reports the IDs a fact file names that the person table does not hold (count, first lines), never those of a person file', async () => {
      const storage = await fresh();
      expect((await importRows(storage, 'person', [{ id12: AN }, { id12: BINH }])).unknownIds).toBeUndefined();
      const strangers = Array.from({ length: 12 }, (_, i) => ({ id12: `0790950${String(i).padStart(5, '0')}`, recoveredOn: '2021-07-01' }));
      const result = await importRows(storage, 'recovery', [{ id12: AN, recoveredOn: '2021-07-01' }, ...strangers, { id12: BINH, recoveredOn: '2021-07-01' }]);
      expect(result.unknownIds).toEqual({ count: 12, firstLines: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
      expect(await storage.countPeople()).toBe(14);
      // Known now: a later file about them reports nothing.
      expect(
        (await importRows(storage, 'test', [{ id12: strangers[0]?.id12 ?? '', takenAtMs: Date.UTC(2021, 9, 1), kind: 'pcr', result: 'negative' }])).unknownIds,
      ).toBeUndefined();
    });

    it('gives the next sequence only to people whose state really changed', async () => {
      const storage = await fresh();
      await importRows(storage, 'vaccination', [...doses(AN, '2021-07-30'), ...doses(BINH, '2021-09-01')]);
      // An's first dose is corrected, Binh's row is as before, Cường is new.
      const result = await importRows(storage, 'vaccination', [...doses(AN, '2021-07-31'), ...doses(BINH, '2021-09-01'), ...doses(CUONG, '2021-10-01')]);
      expect(result).toEqual({ rows: 3, peopleChanged: 2, seq: 2, unknownIds: { count: 1, firstLines: [4] } });
      expect((await storage.findPerson(BINH))?.seq).toBe(1);
      expect((await storage.findPerson(AN))?.seq).toBe(2);
      expect((await storage.changedSince(1, undefined, 10)).map((p) => [p.id12, p.seq])).toEqual([
        [CUONG, 2],
        [AN, 2],
      ]);
      expect(await storage.countPeople()).toBe(3);
    });

    it('keeps the latest recovery, and treats identifiers in a person file as authoritative', async () => {
      const storage = await fresh();
      await importRows(storage, 'recovery', [
        { id12: AN, recoveredOn: '2021-08-01' },
        { id12: AN, recoveredOn: '2021-07-01' },
      ]);
      expect((await storage.findPerson(AN))?.facts.recoveredOn).toBe('2021-08-01');
      expect((await importRows(storage, 'recovery', [{ id12: AN, recoveredOn: '2021-06-01' }])).peopleChanged).toBe(0);
      expect((await importRows(storage, 'recovery', [{ id12: AN, recoveredOn: '2021-09-01' }])).peopleChanged).toBe(1);
      expect((await storage.findPerson(AN))?.facts.recoveredOn).toBe('2021-09-01');

      await importRows(storage, 'person', [{ id12: AN, oldId: '225123456', bhxh: '5612345678' }]);
      await importRows(storage, 'person', [{ id12: AN, bhxh: '5612345678' }]);
      const an = await storage.findPerson(AN);
      expect([an?.oldId, an?.bhxh, an?.seq]).toEqual([undefined, '5612345678', 4]);
    });

    it('pages a delta by id12 across page boundaries, by either plan', async () => {
      const storage = await fresh();
      const people = ids(25);
      await importRows(
        storage,
        'vaccination',
        people.map((id12) => doses(id12, '2021-07-01')[0]!),
      );
      // Everyone changed since 0: the delta is walked by the primary key.
      const all = await allPages((after) => storage.changedSince(0, after, 10), 10);
      expect(all.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(all.flat()).toEqual(people);
      // Three changed since 1, scattered: the delta is gathered through the seq index.
      const changed = [people[3]!, people[11]!, people[24]!];
      await importRows(
        storage,
        'vaccination',
        changed.map((id12) => doses(id12, '2021-07-02')[0]!),
      );
      expect(await allPages((after) => storage.changedSince(1, after, 2), 2)).toEqual([[changed[0], changed[1]], [changed[2]]]);
      expect((await storage.changedSince(1, changed[0], 10)).map((p) => p.id12)).toEqual(changed.slice(1));
      expect(await storage.changedSince(2, undefined, 10)).toEqual([]);
      const page = await storage.changedSince(1, undefined, 1);
      expect(page).toEqual([
        { id12: changed[0], seq: 2, facts: { doses: [{ dose: 1, date: '2021-07-02', product: 'EU/1/20/1528', totalDoses: 2 }], tests: [], quarantine: [] } },
      ]);
    });

    it('gives a snapshot at a sequence without the people changed after it', async () => {
      const storage = await fresh();
      const people = ids(7);
      await importRows(
        storage,
        'vaccination',
        people.map((id12) => doses(id12, '2021-07-01')[0]!),
      );
      await importRows(storage, 'vaccination', doses(people[2]!, '2021-07-05'));
      await importRows(storage, 'person', [{ id12: people[6]!, oldId: '225123456' }]);
      const atOne = (await allPages((after) => storage.snapshotPage(1, after, 3), 3)).flat();
      expect(atOne).toEqual(people.filter((_, i) => i !== 2 && i !== 6));
      const atThree = await storage.snapshotPage(3, undefined, 100);
      expect(atThree.map((p) => p.id12)).toEqual(people);
      expect(atThree[2]).toEqual({
        id12: people[2],
        facts: { doses: [{ dose: 1, date: '2021-07-05', product: 'EU/1/20/1528', totalDoses: 2 }], tests: [], quarantine: [] },
      });
      expect(atThree[6]).not.toHaveProperty('seq');
      expect(atThree[6]?.oldId).toBe('225123456');
    });

    it('applies nothing when the rows fail part-way (one transaction)', async () => {
      const storage = await fresh();
      await importRows(storage, 'vaccination', doses(AN, '2021-07-01'));
      async function* failing(): AsyncGenerator<ImportRowOf['vaccination']> {
        yield { line: 2, ...doses(BINH, '2021-07-01')[0]! };
        yield { line: 3, ...doses(AN, '2021-07-09')[0]! };
        throw new Error('disk read error');
      }
      await expect(storage.applyImport('vaccination', failing(), { name: 'v.csv' })).rejects.toThrow('disk read error');
      expect(await storage.currentSeq()).toBe(1);
      expect(await storage.countPeople()).toBe(1);
      expect(await storage.findPerson(BINH)).toBeUndefined();
      expect((await storage.findPerson(AN))?.facts.doses[0]?.date).toBe('2021-07-01');
    });

    it('refuses a file whose rows contradict each other, by line, together with the producer’s bad rows', async () => {
      const storage = await fresh();
      const rows = lines<'vaccination'>([...doses(AN, '2021-07-01'), ...doses(BINH, '2021-07-01'), ...doses(AN, '2021-07-02'), ...doses(AN, '2021-07-01')]);
      const rejected = await storage.applyImport('vaccination', rows, { name: 'v.csv' }).catch((e: unknown) => e);
      expect(rejected).toBeInstanceOf(ImportRejected);
      expect((rejected as ImportRejected).problems).toEqual([{ line: 4, message: 'contradicts line 2: same id and dose, different date or product' }]);
      async function* withBadRow(): AsyncGenerator<ImportRowOf['vaccination']> {
        yield* rows;
        throw new ImportRejected([{ line: 3, message: 'date "x" is not a date' }]);
      }
      const merged = (await storage.applyImport('vaccination', withBadRow(), { name: 'v.csv' }).catch((e: unknown) => e)) as ImportRejected;
      expect(merged.problems.map((p) => p.line)).toEqual([3, 4]);
      expect(merged.count).toBe(2);
      expect(await storage.currentSeq()).toBe(0);
      expect(await storage.countPeople()).toBe(0);
      // Exact repeats are no contradiction.
      expect(await importRows(storage, 'vaccination', [...doses(AN, '2021-07-01'), ...doses(AN, '2021-07-01')])).toEqual({
        rows: 2,
        peopleChanged: 1,
        seq: 1,
        unknownIds: { count: 1, firstLines: [2] },
      });
    });

    it('never shows a reader an import that has not committed', async () => {
      const storage = await fresh();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let staged!: () => void;
      const stagedOne = new Promise<void>((resolve) => (staged = resolve));
      async function* slow(): AsyncGenerator<ImportRowOf['vaccination']> {
        yield { line: 2, ...doses(AN, '2021-07-01')[0]! };
        staged();
        await held;
        yield { line: 3, ...doses(BINH, '2021-07-01')[0]! };
      }
      const importing = storage.applyImport('vaccination', slow(), { name: 'v.csv' });
      await stagedOne;
      expect(await storage.findPerson(AN)).toBeUndefined();
      expect(await storage.changedSince(0, undefined, 10)).toEqual([]);
      release();
      expect((await importing).seq).toBe(1);
      expect((await storage.changedSince(0, undefined, 10)).map((p) => p.id12)).toEqual([AN, BINH]);
    });

    it('serialises concurrent imports: each gets its own sequence, none is lost', async () => {
      const storage = await fresh();
      const results = await Promise.all([
        importRows(storage, 'vaccination', doses(AN, '2021-07-01')),
        importRows(storage, 'recovery', [{ id12: BINH, recoveredOn: '2021-07-01' }]),
      ]);
      expect(results.map((r) => r.seq).sort()).toEqual([1, 2]);
      expect(await storage.currentSeq()).toBe(2);
      expect(await storage.countPeople()).toBe(2);
    });

    it('keeps everything across a reopen', async () => {
      const location = newLocation();
      const storage = await fresh(location);
      await importRows(storage, 'vaccination', doses(AN, '2021-07-01', '2021-08-01'));
      await storage.close();
      open.splice(open.indexOf(storage), 1);
      const again = await fresh(location);
      expect(await again.currentSeq()).toBe(1);
      expect(await again.countPeople()).toBe(1);
      expect((await again.findPerson(AN))?.facts.doses).toHaveLength(2);
    });

    it('refuses malformed page requests', async () => {
      const storage = await fresh();
      await expect(storage.changedSince(-1, undefined, 10)).rejects.toThrow(RangeError);
      await expect(storage.changedSince(0, '12345', 10)).rejects.toThrow(/12 digits/);
      await expect(storage.snapshotPage(0, undefined, 0)).rejects.toThrow(/limit/);
    });
  });
}
