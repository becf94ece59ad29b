import { describe, expect, it } from 'vitest';
import { CsvParser, MAX_RECORD_CHARS, type CsvRecord } from '../../../hub/import/csv-parser.js';

function parse(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** The same text fed in chunks of `size` characters. */
function parseInChunks(text: string, size: number): CsvRecord[] {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  return [...records, ...parser.end()];
}

describe('CsvParser (RFC 4180, streaming)', () => {
  it.each([
    ['LF', 'id,dose\n1,2\n3,4\n'],
    ['CRLF', 'id,dose\r\n1,2\r\n3,4\r\n'],
    ['no final line end', 'id,dose\n1,2\n3,4'],
    ['a byte-order mark', '\uFEFFid,dose\r\n1,2\r\n3,4'],
    ['blank lines', 'id,dose\n\n1,2\r\n\r\n3,4\n\n'],
  ])('reads records with %s', (_, text) => {
    expect(parse(text).map((r) => r.fields)).toEqual([
      ['id', 'dose'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('numbers records by the line they start on, counting blank lines and line ends inside quotes', () => {
    const records = parse('a,b\n\n"x\ny","1"\r\n"p ""q""",\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['x\ny', '1'] },
      { line: 5, fields: ['p "q"', ''] },
    ]);
  });

  it('keeps commas, quotes and empty fields inside quoted fields', () => {
    expect(parse('"Sinopharm, Vero Cell","say ""hi""",,""\n')[0]?.fields).toEqual(['Sinopharm, Vero Cell', 'say "hi"', '', '']);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = '\uFEFFid,product,date\r\n056089001234,"Pfizer, ""BioNTech""",01/02/2021\r\n"0790\r\n95",AZ,2021-03-04\n\n001201005678,,\r\n';
    const whole = parse(text);
    expect(whole).toHaveLength(4);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(parseInChunks(text, size), `chunks of ${size}`).toEqual(whole);
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = new CsvParser();
      expect([...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()], `cut at ${cut}`).toEqual(whole);
    }
  });

  it('reports malformed records by line and carries on with the next line', () => {
    expect(parse('a,b\nx"y,1\n"ok",2\n"z"w,3\n4,5\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: [], error: expect.stringContaining('a quote inside an unquoted field') as unknown as string },
      { line: 3, fields: ['ok', '2'] },
      { line: 4, fields: [], error: expect.stringContaining('a character follows a closing quote') as unknown as string },
      { line: 5, fields: ['4', '5'] },
    ]);
  });

  it('reports a quoted field never closed at the end of the input', () => {
    expect(parse('a,b\n1,"2\n3,4\n').at(-1)).toEqual({ line: 2, fields: ['1'], error: 'a quoted field is never closed' });
  });

  it('refuses a row longer than any real one instead of buffering the whole file', () => {
    const parser = new CsvParser();
    parser.push('a,b\n"');
    expect(() => parser.push('x'.repeat(MAX_RECORD_CHARS + 1))).toThrow(/line 2: a row longer than/);
  });

  describe("separator: 'detect'", () => {
    function detect(text: string, size = text.length): { records: CsvRecord[]; separator: string | undefined } {
      const parser = new CsvParser({ separator: 'detect' });
      const records: CsvRecord[] = [];
      for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
      return { records: [...records, ...parser.end()], separator: parser.separator };
    }

    it('reads the ;-separated file a spreadsheet with Vietnamese settings saves (BOM, CRLF), in any chunks', () => {
      const text =
        '\uFEFFid;taken_at;kind;result\r\n056089001234;15/10/2021 08:30;PCR;"âm tính; lần 1"\r\n079195004321;"2021-10-15T08:30";rapid;Dương tính\r\n';
      for (const size of [1, 2, 5, text.length]) {
        const { records, separator } = detect(text, size);
        expect(separator).toBe(';');
        expect(records.map((r) => r.fields)).toEqual([
          ['id', 'taken_at', 'kind', 'result'],
          ['056089001234', '15/10/2021 08:30', 'PCR', 'âm tính; lần 1'],
          ['079195004321', '2021-10-15T08:30', 'rapid', 'Dương tính'],
        ]);
      }
    });

    it('stays with commas when the first line has more of them, or its semicolons are inside quotes', () => {
      expect(detect('id,dose,date,product\n056089001234,1,2021-07-30,"a;b;c;d"\n').separator).toBe(',');
      expect(detect('"id;x",dose\n1,2\n').records.map((r) => r.fields)).toEqual([
        ['id;x', 'dose'],
        ['1', '2'],
      ]);
    });

    it('decides on a file of one line without a line end', () => {
      expect(detect('id;old_id;bhxh_number').records).toEqual([{ line: 1, fields: ['id', 'old_id', 'bhxh_number'] }]);
    });
  });
});
