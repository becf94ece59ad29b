import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseReportDate, runHubReport } from '../../../cli/commands/hub-report.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const chot = chotInProcess;

afterEach(() => vi.restoreAllMocks());

describe('chot hub report options', () => {
  const dataDir = tempDataDir('chot-hub-');
  const week = ['--from', '2021-10-18', '--to', '2021-10-24', '--data', dataDir];

  it.each([
    [['--to', '2021-10-24'], '--from and --to are needed'],
    [['--from', '2021-10-18'], '--from and --to are needed'],
    [['--from', '18/10/2021', '--to', '2021-10-24'], '--from must be a date YYYY-MM-DD (a Vietnam calendar day, from 2000), e.g. 2021-10-18; got "18/10/2021"'],
    [['--from', '2021-10-18', '--to', '2021-02-30'], '--to must be a date YYYY-MM-DD'],
    [['--from', '2021-10-18T08:00', '--to', '2021-10-24'], '--from must be a date YYYY-MM-DD'],
    [['--from', '1969-12-31', '--to', '2021-10-24'], '--from must be a date YYYY-MM-DD'],
    [['--from', '2021-10-24', '--to', '2021-10-18'], '--from (2021-10-24) must not be after --to (2021-10-18)'],
    [['--from', '2020-01-01', '--to', '2021-10-18'], 'a report covers at most 366 days'],
    [[...week, '--by', 'month'], '--by must be day or week; got "month"'],
    [[...week, '--format', 'pdf'], '--format must be csv or html; got "pdf"'],
    [[...week, '--out', ''], '--out needs a file name'],
    [[...week, '--pg', 'postgresql://x/y'], 'give --data DIR or --pg URL, not both'],
    [[...week, '--colour', 'red'], "Unknown option '--colour'"],
  ])('%j is refused: %s', async (args, message) => {
    await expect(runHubReport(args)).rejects.toThrow(message);
    const { code, stderr } = await chot('hub', 'report', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(`chot hub: ${message}`);
  });

  it('refuses before touching the storage', async () => {
    const untouched = join(tempDataDir('chot-hub-'), 'hub');
    await expect(runHubReport(['--from', '2021-10-18', '--to', '2021-10-24', '--by', 'year', '--data', untouched])).rejects.toThrow(/--by/);
    expect(existsSync(untouched)).toBe(false);
  });

  it('takes a leap day and the last day of a year', () => {
    expect(parseReportDate('from', '2020-02-29')).toBe(Date.UTC(2020, 1, 29) / 86_400_000);
    expect(parseReportDate('to', ' 2021-12-31 ')).toBe(Date.UTC(2021, 11, 31) / 86_400_000);
  });

  it('is listed in the hub help', async () => {
    const { code, stdout } = await chot('hub', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}report --from YYYY-MM-DD --to YYYY-MM-DD \[--by day\|week\] \[--format csv\|html\] \[--out FILE\]/m);
  });
});
