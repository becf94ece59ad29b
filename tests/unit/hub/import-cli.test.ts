import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { runChot } from '../../support/run-chot.js';

// Through the real `chot` binary, as an operator runs it (built by `npm run build`).
const VACCINATIONS = [
  'id,dose,date,product',
  '056089001234,1,2021-07-30,Pfizer',
  '079195004321,1,2021-08-01,AstraZeneca',
  '001201005678,1,2021-08-02,Moderna',
  '048078008765,1,2021-08-03,Janssen',
  '031190002468,1,2021-08-04,Sinopharm',
];

function csvFile(lines: readonly string[]): string {
  const file = join(tempDataDir('chot-csv-'), 'export.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

async function peopleIn(location: HubStorageLocation): Promise<{ seq: number; people: number }> {
  const storage = await openHubStorage(location);
  try {
    return { seq: await storage.currentSeq(), people: await storage.countPeople() };
  } finally {
    await storage.close();
  }
}

let cluster: PostgresCluster | undefined;
beforeAll(() => {
  if (!existsSync(join(repoRoot(), 'dist', 'hub', 'import', 'import-command.js'))) {
    throw new Error('dist/ has no hub import: run `npm run build` before these tests');
  }
});
afterAll(() => cluster?.stop());

describe('chot hub import (the real binary)', () => {
  it('an import file with a bad date on line 7 applies nothing and reports line 7', async () => {
    const data = tempDataDir('chot-hub-');
    const file = csvFile([...VACCINATIONS, '092300001357,1,2021-02-30,Abdala', '056085009999,1,2021-08-06,Hayat-Vax']);
    const run = runChot(['hub', 'import', '--kind', 'vaccination', file, '--data', data]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('refused, nothing was imported (1 problem)');
    expect(run.stderr).toContain('  line 7: date "2021-02-30" is not a real date\n');
    expect(await peopleIn({ dataDir: data })).toEqual({ seq: 0, people: 0 });
  });

  it('prints a one-line summary, and a re-import changes nothing', async () => {
    const data = tempDataDir('chot-hub-');
    const file = csvFile(VACCINATIONS);
    const first = runChot(['hub', 'import', '--data', data, '--kind', 'vaccination', file]);
    // No person file came first: the five IDs are new to the hub, and said to be.
    expect(first.stderr).toBe(
      `chot hub import: ${file}: note: 5 IDs are not in the person table (lines 2, 3, 4, 5, 6); their facts were imported. Import the person file first, or check these IDs.\n`,
    );
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`imported ${file}: 5 vaccination rows, 5 people changed; sequence 1 (${join(data, 'hub.sqlite')})\n`);
    const again = runChot(['hub', 'import', '--data', data, '--kind', 'vaccination', file]);
    expect(again.stdout).toContain('5 vaccination rows, nothing changed (already up to date); sequence 1');
    expect(again.stderr).toBe('');
    expect(await peopleIn({ dataDir: data })).toEqual({ seq: 1, people: 5 });
  });

  it('names what a spreadsheet did to an Excel export (;, BOM, Vietnamese results, lost leading 0s), line by line', async () => {
    const data = tempDataDir('chot-hub-');
    const file = join(tempDataDir('chot-csv-'), 'xet-nghiem.csv');
    writeFileSync(
      file,
      '\uFEFFid;taken_at;kind;result\r\n56089001234;15/10/2021 08:30;PCR;Âm tính\r\n079195004321;15/10/2021 09:00;rapid;dương tính\r\n1201005678;15/10/2021 09:30;PCR;âm tính\r\n',
    );
    const refused = runChot(['hub', 'import', '--kind', 'test', file, '--data', data]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('refused, nothing was imported (2 problems)');
    expect(refused.stderr).toContain('  line 2: id "56089001234" has 11 digits: a spreadsheet dropped its leading 0 (it is 056089001234)');
    // Two zeros lost (province 001): not one dropped 0, so no guess at the ID.
    expect(refused.stderr).toContain('  line 4: id "1201005678" is not a 12-digit citizen ID\n');
    const fixed = csvFile(['id;taken_at;kind;result', '056089001234;15/10/2021 08:30;PCR;Âm tính', '079195004321;15/10/2021 09:00;rapid;dương tính']);
    const applied = runChot(['hub', 'import', '--kind', 'test', fixed, '--data', data]);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain('2 test rows, 2 people changed');
    expect(applied.stderr).toContain('note: 2 IDs are not in the person table (lines 2, 3)');
  });

  it('imports into PostgreSQL with --pg', async () => {
    cluster = startPostgres();
    const pgUrl = cluster.createDatabase();
    const run = runChot(['hub', 'import', '--kind', 'person', csvFile(['id,old_id,bhxh_number', '056089001234,225123456,5612345678']), '--pg', pgUrl]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/1 person row, 1 person changed; sequence 1 \(postgresql:/);
    expect(await peopleIn({ pgUrl })).toEqual({ seq: 1, people: 1 });
  }, 60_000);

  it('names a file it cannot read, and creates no hub database for it', () => {
    const data = tempDataDir('chot-hub-');
    const run = runChot(['hub', 'import', '--kind', 'person', join(data, 'missing.csv'), '--data', data]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cannot read ${join(data, 'missing.csv')}: ENOENT`);
    expect(existsSync(join(data, 'hub.sqlite'))).toBe(false);
  });

  it.each([
    [['--kind', 'names', 'x.csv'], /--kind must be one of person, vaccination, test, recovery, quarantine/],
    [['--kind', 'person'], /exactly one FILE\.csv/],
    [['--kind', 'person', 'x.csv', '--data', '/tmp/a', '--pg', 'postgresql://x/y'], /not both/],
  ])('refuses %j with exit code 2', (args, message) => {
    const run = runChot(['hub', 'import', ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('documents the columns and that a time without a zone is Vietnam time', () => {
    const help = runChot(['hub', '--help']).stdout;
    expect(help).toContain('import --kind KIND FILE.csv');
    expect(help).toContain('vaccination id,dose,date,product');
    expect(help).toMatch(/Vietnam time \(UTC\+7\) when it has no zone/);
    expect(help).toContain('result positive|negative (or âm tính|dương tính)');
    expect(help).toContain('A ;-separated file');
  });
});
