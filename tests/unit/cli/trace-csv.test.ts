import { describe, expect, it } from 'vitest';
import { csvCell, traceJson } from '../../../cli/commands/hub-trace.js';

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

describe('trace JSON', () => {
  it('a location a kiosk uploaded with C1 controls or bidi characters prints escaped, and parses back the same', () => {
    const location = 'Chợ\u009B2J \u202EĐầm\u2028';
    const visit = {
      personId: '056089001234',
      at: '2021-10-20T08:00:00+07:00',
      atMs: 0,
      location,
      kioskId: 'k-1',
      seq: 1,
      lane: '1',
      direction: 'entering',
      outcome: 'green',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      documentSigner: 'C=VN, CN=\u202eDS#01',
      enteredBy: null,
    };
    const json = traceJson({ personId: visit.personId, from: 'a', to: 'b', windowMs: 0 }, [{ visit, contacts: [] }]);
    expect(json).not.toMatch(/[\u007F-\u009F\u202E\u2028]/u);
    const place = (JSON.parse(json) as { places: { location: string; documentSigner: string }[] }).places[0];
    expect(place?.location).toBe(location);
    expect(place?.documentSigner).toBe(visit.documentSigner);
  });
});
