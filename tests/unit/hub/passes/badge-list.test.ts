import { describe, expect, it } from 'vitest';
import { readBadgeList } from '../../../../hub/passes/badge-list.js';

describe('a badge list (id,name,birth_year)', () => {
  it('reads the columns in any order and case, names made safe to sign, an empty year left out', () => {
    const list = readBadgeList('Name,BIRTH_YEAR,id\n"Nguye\u0302\u0303n\u200B Thị Ánh",2006,072306001001\nTrần Văn Bảo,,072306001003\n');
    expect(list).toEqual({
      rows: [
        { line: 2, id12: '072306001001', name: 'Nguyễn Thị Ánh', birthYear: 2006 },
        { line: 3, id12: '072306001003', name: 'Trần Văn Bảo' },
      ],
      problems: [],
    });
  });

  it('every bad row with every reason, by line', () => {
    const list = readBadgeList(
      [
        'id,name,birth_year',
        '7.23061E+10,An,2006', // a spreadsheet rounded the ID
        '072306001001,1234,1899', // no letter; no such year of birth
        '072306001002,"Lê, Văn",2006,extra',
        '072306001003,"unclosed,2006',
      ].join('\n'),
    );
    expect(list.rows).toEqual([]);
    expect(list.problems).toEqual([
      { line: 2, message: 'id "7.23061E+10" is a number in scientific notation: a spreadsheet rounded the ID; format the id column as Text and export again' },
      { line: 3, message: 'name "1234" cannot go on a pass: a name on a pass needs at least one letter; birth_year "1899" is not a year of birth (1900–2199)' },
      { line: 4, message: 'has 4 fields, the header has 3' },
      { line: 5, message: expect.stringMatching(/quote/) as string },
    ]);
  });

  it('an empty file, or one without the columns, says what the header must be', () => {
    expect(readBadgeList('').problems).toEqual([{ line: 1, message: 'the file is empty: a badge list starts with the header row id,name,birth_year' }]);
    expect(readBadgeList('id,name,address\n').problems.map((p) => p.message)).toEqual([
      'unexpected column "address" (a badge list has the columns id,name,birth_year; a badge prints only the name and year of birth)',
      'missing column "birth_year" (a badge list has the columns id,name,birth_year)',
    ]);
  });
});
