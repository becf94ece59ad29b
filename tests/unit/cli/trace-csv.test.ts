import { describe, expect, it } from 'vitest';
import { csvCell, traceCsv, traceJson } from '../../../cli/commands/hub-trace.js';
import type { TracedEntry } from '../../../hub/entries/entry-store.js';

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

describe('trace times', () => {
  const entry = (personId: string, at: string, seq: number, location = 'Chợ Đầm'): TracedEntry => ({
    personId,
    at,
    atMs: Date.parse(at),
    location,
    kioskId: 'k-1',
    seq,
    lane: '1',
    direction: 'in',
    outcome: 'green',
    credentialKind: 'cccd-qr',
    authenticity: 'unsigned',
    documentSigner: null,
    enteredBy: null,
  });
  // A kiosk whose clock is set to UTC writes Z times: the same instants, another zone.
  const visit = entry('056089001234', '2021-10-20T02:00:00.000Z', 4);
  const contact = entry('001090000004', '2021-10-20T02:10:00.250Z', 5);
  const places = [{ visit, contacts: [contact] }];

  it('gives every time in Vietnam time and states the zone, whatever zone the kiosk wrote', () => {
    const json = JSON.parse(traceJson({ personId: visit.personId, from: 'a', to: 'b', windowMs: 0 }, places)) as {
      timeZone: string;
      utcOffset: string;
      places: { at: string; contacts: { at: string }[] }[];
      contactSummary: { firstAt: string }[];
    };
    expect([json.timeZone, json.utcOffset]).toEqual(['Asia/Ho_Chi_Minh', '+07:00']);
    expect(json.places[0]?.at).toBe('2021-10-20T09:00:00+07:00');
    expect(json.places[0]?.contacts[0]?.at).toBe('2021-10-20T09:10:00+07:00');
    expect(json.contactSummary[0]?.firstAt).toBe('2021-10-20T09:10:00+07:00');
    const [header, line] = traceCsv(places).split('\r\n');
    expect(header?.endsWith(',time_zone')).toBe(true);
    expect(line).toMatch(/^"2021-10-20T09:00:00\+07:00",.*,"2021-10-20T09:10:00\+07:00",.*,"Asia\/Ho_Chi_Minh \(UTC\+07:00\)"$/);
  });

  it('summarises each contact once: the same entry near two visits is one sighting', () => {
    const later = entry('056089001234', '2021-10-20T09:20:00+07:00', 6);
    const json = JSON.parse(traceJson({ personId: visit.personId, from: 'a', to: 'b', windowMs: 0 }, [...places, { visit: later, contacts: [contact] }])) as {
      places: unknown[];
      contactSummary: unknown[];
    };
    expect(json.places).toHaveLength(2);
    expect(json.contactSummary).toEqual([
      {
        personId: '001090000004',
        entries: 1,
        firstAt: '2021-10-20T09:10:00+07:00',
        lastAt: '2021-10-20T09:10:00+07:00',
        places: [{ location: 'Chợ Đầm', times: ['2021-10-20T09:10:00+07:00'] }],
      },
    ]);
  });
});
