import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../cli/commands/hub-trace.js';

describe('trace CSV cells', () => {
  it('quotes text and doubles quotes, leaves numbers bare', () => {
    expect(csvCell('Chợ Đầm, cổng "2"')).toBe('"Chợ Đầm, cổng ""2"""');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('2021-10-20T08:00:00+07:00')).toBe('"2021-10-20T08:00:00+07:00"');
  });

  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])('defuses a formula a spreadsheet would run: %j', (text) => {
    expect(csvCell(text)).toBe(`"'${text.replace(/"/g, '""')}"`);
  });
});
