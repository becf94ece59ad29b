import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importCsvFile, type ImportProgress } from '../../../hub/import/import-file.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { ImportRejected, MAX_REPORTED_PROBLEMS, type ImportKind } from '../../../hub/storage/import-rows.js';
import { openHubStorage } from '../../../hub/storage/open-hub-storage.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const NOW = Date.UTC(2021, 11, 1);
const opened: HubStorage[] = [];
afterEach(async () => Promise.all(opened.splice(0).map((s) => s.close())));

async function setup(): Promise<{ dir: string; storage: HubStorage }> {
  const dir = tempDataDir('chot-hub-import-');
  const storage = await openHubStorage({ dataDir: dir });
  opened.push(storage);
  return { dir, storage };
}

function run(storage: HubStorage, dir: string, kind: ImportKind, text: string | Buffer, onProgress?: (p: ImportProgress) => void) {
  const file = join(dir, `${kind}.csv`);
  writeFileSync(file, text);
  return importCsvFile({ kind, file, storage, context: { nowMs: NOW }, ...(onProgress === undefined ? {} : { onProgress, progressEveryMs: 0 }) });
}

const rejection = (promise: Promise<unknown>): Promise<ImportRejected> =>
  promise.then(
    () => {
      throw new Error('expected the import to be refused');
    },
    (error: unknown) => {
      if (error instanceof ImportRejected) return error;
      throw error;
    },
  );

describe('importCsvFile', () => {
  it('applies a spreadsheet export: BOM, CRLF, quoted fields, dd/mm/yyyy, common product names', async () => {
    const { dir, storage } = await setup();
    const csv =
      '\uFEFFid,dose,date,product\r\n056089001234,1,30/07/2021,"Pfizer"\r\n056089001234,2,2021-08-20,"Comirnaty"\r\n"079195004321",1,2021-09-01,"Vero Cell"\r\n';
    expect(await run(storage, dir, 'vaccination', csv)).toEqual({ rows: 3, peopleChanged: 2, seq: 1, unknownIds: { count: 2, firstLines: [2, 4] } });
    expect((await storage.findPerson('056089001234'))?.facts.doses.map((d) => [d.date, d.product])).toEqual([
      ['2021-07-30', 'EU/1/20/1528'],
      ['2021-08-20', 'EU/1/20/1528'],
    ]);
    expect(await run(storage, dir, 'vaccination', csv)).toEqual({ rows: 3, peopleChanged: 0, seq: 1 });
  });

  it('applies a ;-separated Excel export with a BOM and Vietnamese results', async () => {
    const { dir, storage } = await setup();
    const csv = '\uFEFFid;taken_at;kind;result\r\n056089001234;15/10/2021 08:30;PCR;Âm tính\r\n079195004321;15/10/2021 09:00;rapid;dương tính\r\n';
    expect(await run(storage, dir, 'test', csv)).toEqual({ rows: 2, peopleChanged: 2, seq: 1, unknownIds: { count: 2, firstLines: [2, 3] } });
    expect((await storage.findPerson('056089001234'))?.facts.tests.map((t) => t.result)).toEqual(['negative']);
    expect((await storage.findPerson('079195004321'))?.facts.tests.map((t) => t.result)).toEqual(['positive']);
  });

  it('names the IDs an Excel export lost their leading 0 in, with the fix', async () => {
    const { dir, storage } = await setup();
    const csv = '\uFEFFid;dose;date;product\r\n56089001234;1;30/07/2021;Pfizer\r\n79195004321;1;01/08/2021;AstraZeneca\r\n';
    expect((await rejection(run(storage, dir, 'vaccination', csv))).problems).toEqual([
      {
        line: 2,
        message: expect.stringContaining('id "56089001234" has 11 digits: a spreadsheet dropped its leading 0 (it is 056089001234)') as unknown as string,
      },
      { line: 3, message: expect.stringContaining('(it is 079195004321)') as unknown as string },
    ]);
  });

  it('refuses the whole file over a bad date on line 7, reporting every bad row by line', async () => {
    const { dir, storage } = await setup();
    const rows = [
      'id,dose,date,product',
      '056089001234,1,2021-07-30,Pfizer',
      '079195004321,1,2021-08-01,AstraZeneca',
      '001201005678,1,2021-08-02,Moderna',
      '048078008765,1,2021-08-03,Janssen',
      '031190002468,1,2021-08-04,Sinopharm',
      '092300001357,1,2021-02-30,Abdala',
      '056085009999,1,2021-08-06,Hayat-Vax',
      '056085009998,1,2021-08-07,Unknownvax',
    ];
    const rejected = await rejection(run(storage, dir, 'vaccination', `${rows.join('\n')}\n`));
    expect(rejected.problems).toEqual([
      { line: 7, message: 'date "2021-02-30" is not a real date' },
      { line: 9, message: expect.stringMatching(/^product "Unknownvax" is not a known COVID-19 vaccine/) as unknown as string },
    ]);
    expect(await storage.currentSeq()).toBe(0);
    expect(await storage.countPeople()).toBe(0);
  });

  it('reports contradicting rows together with bad ones', async () => {
    const { dir, storage } = await setup();
    const csv = 'id,recovered_on\n056089001234,2021-07-01\nnope,2021-07-01\n056089001234,2021-08-01\n';
    expect((await rejection(run(storage, dir, 'recovery', csv))).problems.map((p) => p.line)).toEqual([3]);
    const quarantine = 'id,status,from,to\n056089001234,F1,2021-07-01,2021-07-14\n056089001234,F1,2021-07-01,2021-07-21\nx,F1,2021-07-01,\n';
    const rejected = await rejection(run(storage, dir, 'quarantine', quarantine));
    expect(rejected.problems).toEqual([
      { line: 3, message: 'contradicts line 2: same id, status and from, different to' },
      { line: 4, message: 'id "x" is not a 12-digit citizen ID' },
    ]);
  });

  it('refuses a wrong header before reading any row', async () => {
    const { dir, storage } = await setup();
    const rejected = await rejection(run(storage, dir, 'test', 'id,taken_at,kind\n056089001234,2021-10-15T08:30,pcr\n'));
    expect(rejected.problems).toEqual([{ line: 1, message: 'missing column "result" (a test file has the columns id,taken_at,kind,result)' }]);
    expect((await rejection(run(storage, dir, 'test', ''))).problems[0]?.message).toMatch(/^the file is empty/);
  });

  it('reports invalid UTF-8 by line', async () => {
    const { dir, storage } = await setup();
    const bytes = Buffer.concat([Buffer.from('id,old_id,bhxh_number\n056089001234,,\n079195004321,225'), Buffer.from([0xff]), Buffer.from('123456,\n')]);
    const rejected = await rejection(run(storage, dir, 'person', bytes));
    expect(rejected.problems).toEqual([{ line: 3, message: 'old_id is not valid UTF-8 text' }]);
  });

  it('counts every bad row but keeps only the first ten thousand messages, and reports progress', async () => {
    const { dir, storage } = await setup();
    const bad = Array.from({ length: MAX_REPORTED_PROBLEMS + 5 }, () => '056089001234,2099-01-01').join('\n');
    const progress: ImportProgress[] = [];
    const rejected = await rejection(run(storage, dir, 'recovery', `id,recovered_on\n${bad}\n`, (p) => progress.push(p)));
    expect(rejected.count).toBe(MAX_REPORTED_PROBLEMS + 5);
    expect(rejected.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
    expect(progress.at(-1)).toMatchObject({ phase: 'reading' });

    const good = Array.from({ length: 2_000 }, (_, i) => `001090${String(i).padStart(6, '0')},2021-07-01`).join('\n');
    const seen: ImportProgress[] = [];
    expect(await run(storage, dir, 'recovery', `id,recovered_on\n${good}\n`, (p) => seen.push(p))).toMatchObject({
      rows: 2_000,
      peopleChanged: 2_000,
      seq: 1,
      unknownIds: { count: 2_000 },
    });
    expect(seen.at(-1)).toMatchObject({ phase: 'applying', rows: 2_000 });
  });

  it('fails on a missing file without touching the store', async () => {
    const { dir, storage } = await setup();
    await expect(importCsvFile({ kind: 'person', file: join(dir, 'nope.csv'), storage, context: { nowMs: NOW } })).rejects.toThrow(/ENOENT/);
  });
});
