import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../hub/import/csv-parser.js';
import { checkHeader, IMPORT_COLUMNS, validateRow, type RowCheck } from '../../../hub/import/row-validator.js';
import type { ImportKind } from '../../../hub/storage/import-rows.js';

const NOW = Date.UTC(2021, 11, 1, 3, 0); // 2021-12-01 10:00 in Vietnam
const ID = '056089001234';

/** Validates one CSV line as line 7 of a file with the kind's usual header (or `header`). */
function check<K extends ImportKind>(kind: K, line: string, header: string = IMPORT_COLUMNS[kind].join(',')): RowCheck<K> {
  const parser = new CsvParser();
  const [head, row] = [...parser.push(`${header}\n${'\n'.repeat(5)}${line}\n`), ...parser.end()];
  const index = checkHeader(kind, head?.fields ?? []);
  if (!index.ok) throw new Error(index.problems.join('; '));
  return validateRow(kind, index.index, row ?? { line: 0, fields: [] }, { nowMs: NOW });
}

const valid = <K extends ImportKind>(kind: K, line: string) => {
  const result = check(kind, line);
  if (!result.ok) throw new Error(`expected ${line} to be valid: ${result.reason}`);
  return result.row;
};

describe('import row validation', () => {
  it.each<[ImportKind, string, Record<string, unknown>]>([
    ['person', `${ID},225123456,5612345678`, { line: 7, id12: ID, oldId: '225123456', bhxh: '5612345678' }],
    ['person', `${ID},,`, { line: 7, id12: ID }],
    ['vaccination', `${ID},1,2021-07-30,EU/1/20/1528`, { line: 7, id12: ID, dose: 1, date: '2021-07-30', product: 'EU/1/20/1528' }],
    ['vaccination', `${ID},2,30/07/2021,Pfizer`, { line: 7, id12: ID, dose: 2, date: '2021-07-30', product: 'EU/1/20/1528' }],
    ['vaccination', `${ID},1,5/8/2021,astrazeneca`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'EU/1/21/1529' }],
    ['vaccination', `${ID},1,2021-08-05,Vero Cell`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'BBIBP-CorV' }],
    ['vaccination', `${ID},3, 2021-08-05 ,"Sputnik V"`, { line: 7, id12: ID, dose: 3, date: '2021-08-05', product: 'Sputnik-V' }],
    ['vaccination', `${ID},1,2021-08-05,Moderna`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'EU/1/20/1507' }],
    ['vaccination', `${ID},1,2021-08-05,Janssen`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'EU/1/20/1525' }],
    ['vaccination', `${ID},1,2021-08-05,Abdala`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'Abdala' }],
    ['vaccination', `${ID},1,2021-08-05,Hayat-Vax`, { line: 7, id12: ID, dose: 1, date: '2021-08-05', product: 'Hayat-Vax' }],
    ['test', `${ID},2021-10-15T08:30,PCR,Negative`, { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'pcr', result: 'negative' }],
    ['test', `${ID},2021-10-15T01:30:00Z,rapid,positive`, { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'rapid', result: 'positive' }],
    [
      'test',
      `${ID},2021-10-15 08:30:00.5+07:00,pcr,negative`,
      { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30, 0, 500), kind: 'pcr', result: 'negative' },
    ],
    ['test', `${ID},2021-10-15T08:30,PCR,âm tính`, { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'pcr', result: 'negative' }],
    ['test', `${ID},2021-10-15T08:30,PCR,Dương Tính`, { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'pcr', result: 'positive' }],
    // The decomposed (NFD) letters a spreadsheet on macOS may save.
    [
      'test',
      `${ID},2021-10-15T08:30,rapid,${'âm tính'.normalize('NFD')}`,
      { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'rapid', result: 'negative' },
    ],
    ['test', `${ID},15/10/2021 08:30,pcr,negative`, { line: 7, id12: ID, takenAtMs: Date.UTC(2021, 9, 15, 1, 30), kind: 'pcr', result: 'negative' }],
    ['recovery', `${ID},2021-09-01`, { line: 7, id12: ID, recoveredOn: '2021-09-01' }],
    ['quarantine', `${ID},F1,2021-10-01,2021-10-14`, { line: 7, id12: ID, status: 'F1', from: '2021-10-01', to: '2021-10-14' }],
    ['quarantine', `${ID},f0,01/10/2021,`, { line: 7, id12: ID, status: 'F0', from: '2021-10-01' }],
  ])('%s: %s', (kind, line, expected) => {
    expect(valid(kind, line)).toEqual(expected);
  });

  it.each<[ImportKind, string, string]>([
    ['vaccination', `${ID},1,2021-02-30,Pfizer`, 'date "2021-02-30" is not a real date'],
    ['vaccination', `${ID},1,31/04/2021,Pfizer`, 'date "31/04/2021" is not a real date'],
    ['vaccination', `${ID},1,2021.07.30,Pfizer`, 'date "2021.07.30" is not a date (write YYYY-MM-DD or dd/mm/yyyy)'],
    ['vaccination', `${ID},1,2031-07-30,Pfizer`, 'date "2031-07-30" is in the future'],
    ['vaccination', `${ID},1,2021-07-30,Sputnik X`, 'product "Sputnik X" is not a known COVID-19 vaccine'],
    ['vaccination', `${ID},0,2021-07-30,Pfizer`, 'dose "0" is not a dose number'],
    ['vaccination', `${ID},,2021-07-30,Pfizer`, 'dose is empty'],
    ['vaccination', '05608900123,1,2021-07-30,Pfizer', 'id "05608900123" is not a 12-digit citizen ID'],
    ['vaccination', '056489001234,1,2021-07-30,Pfizer', 'its 4th digit (century and sex) must be 0–3'],
    ['vaccination', `${ID},1,2021-07-30`, 'has 3 fields, the header has 4'],
    ['vaccination', `${ID},1,2021-07-30,Pfi\uFFFDzer`, 'product is not valid UTF-8 text'],
    ['test', `${ID},2021-10-15,pcr,negative`, 'taken_at "2021-10-15" has no time of day'],
    ['test', `${ID},2021-10-15T24:00,pcr,negative`, 'is not a real time of day'],
    ['test', `${ID},2021-12-01T11:00,pcr,negative`, 'taken_at "2021-12-01T11:00" is in the future'],
    ['test', `${ID},2021-10-15T08:30,antibody,negative`, 'kind "antibody" must be pcr or rapid'],
    ['test', `${ID},2021-10-15T08:30,pcr,unclear`, 'result "unclear" must be positive or negative (or âm tính / dương tính)'],
    // A spreadsheet read the IDs as numbers: 056089001234 became 56089001234.
    ['vaccination', '5.6089E+10,1,2021-07-30,Pfizer', 'id "5.6089E+10" is a number in scientific notation: a spreadsheet rounded the ID'],
    ['vaccination', '56089001234,1,2021-07-30,Pfizer', 'id "56089001234" has 11 digits: a spreadsheet dropped its leading 0 (it is 056089001234)'],
    ['recovery', `${ID},`, 'recovered_on is empty'],
    ['quarantine', `${ID},F2,2021-10-01,`, 'status "F2" must be F0 or F1'],
    ['quarantine', `${ID},F1,2021-10-14,2021-10-01`, 'to "2021-10-01" is before from "2021-10-14"'],
    ['person', `${ID},22512345,56123456789`, 'old_id "22512345" is not a 9-digit ID card number; bhxh_number "56123456789" is not a 10-digit'],
  ])('%s: %s → %s', (kind, line, reason) => {
    const result = check(kind, line);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('accepts an ID whose province code is off the 2021 list, as the kiosks do (numbers issued since the 2025 merger may carry one)', () => {
    const result = check('vaccination', '999089001234,1,2021-07-30,Pfizer');
    expect(result.ok).toBe(true);
  });

  it('gives every reason of a row in one message', () => {
    const result = check('vaccination', '12345,x,2021-02-30,Foo');
    expect(result.ok ? [] : result.reason.split('; ')).toEqual([
      'id "12345" is not a 12-digit citizen ID',
      'dose "x" is not a dose number (1, 2, 3…)',
      'date "2021-02-30" is not a real date',
      expect.stringMatching(/^product "Foo" is not a known COVID-19 vaccine/),
    ]);
  });

  it('reads columns by name, in any order and case', () => {
    expect(check('vaccination', `Pfizer,2021-07-30,${ID},1`, 'Product, DATE ,id,dose')).toEqual({
      ok: true,
      row: { line: 7, id12: ID, dose: 1, date: '2021-07-30', product: 'EU/1/20/1528' },
    });
  });

  it.each<[ImportKind, string, string[]]>([
    ['vaccination', 'id,dose,date', ['missing column "product" (a vaccination file has the columns id,dose,date,product)']],
    [
      'vaccination',
      'id,dose,date,product,name',
      ['unexpected column "name" (a vaccination file has the columns id,dose,date,product; names and addresses are never imported)'],
    ],
    ['recovery', 'id,id,recovered_on', ['column "id" appears twice']],
    ['quarantine', 'id,status,from,,to', ['column 4 has no name (a quarantine file has the columns id,status,from,to)']],
    [
      'person',
      'cccd,old_id,bhxh_number',
      [expect.stringContaining('unexpected column "cccd"') as unknown as string, expect.stringContaining('missing column "id"') as unknown as string],
    ],
  ])('refuses the %s header %j, naming the column', (kind, header, problems) => {
    expect(checkHeader(kind, header.split(','))).toEqual({ ok: false, problems });
  });
});
