import type { TracedEntry, TracePlace } from './entry-store.js';
import type { TraceContactJson } from '../../domain/protocol/hub-bodies.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { csvCell } from '../reports/csv-cell.js';

/**
 * The de-duplicated contact summary beside a trace's full list: each contact once, with the
 * places and times they were seen, first and last seen and how many entries. The full list
 * repeats a contact under every visit whose window holds them (a contact at 09:10 is near a
 * visit at 09:00 and one at 09:20); an investigator calling contacts needs each person once.
 */

/** Every time a trace gives is in this zone, stated in its output. */
export const TRACE_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const TRACE_UTC_OFFSET = '+07:00';
/**
 * An instant as a trace prints it: ISO 8601 in Vietnam time to the second, whatever zone the
 * kiosk wrote (`2021-10-20T02:00:00.000Z` is `2021-10-20T09:00:00+07:00`).
 */
export const traceTime = (atMs: number): string => `${toVietnamIso(atMs).slice(0, 19)}${TRACE_UTC_OFFSET}`;

/** Each contact once, by when first seen (then by id); their entries counted once however many visits they were near. */
export function contactSummary(places: readonly TracePlace[]): TraceContactJson[] {
  const byPerson = new Map<string, Map<string, TracedEntry>>();
  for (const { contacts } of places) {
    for (const contact of contacts) {
      let entries = byPerson.get(contact.personId);
      if (entries === undefined) byPerson.set(contact.personId, (entries = new Map()));
      // One kiosk's seq names one entry: the same entry near two visits is one sighting.
      entries.set(`${contact.kioskId}#${contact.seq}`, contact);
    }
  }
  const summaries = [...byPerson].map(([personId, entries]) => {
    const seen = [...entries.values()].sort((a, b) => a.atMs - b.atMs || a.kioskId.localeCompare(b.kioskId) || a.seq - b.seq);
    const places = new Map<string, string[]>();
    for (const entry of seen) {
      const times = places.get(entry.location) ?? [];
      places.set(entry.location, [...times, traceTime(entry.atMs)]);
    }
    const first = seen[0] as TracedEntry;
    const last = seen.at(-1) as TracedEntry;
    return {
      firstMs: first.atMs,
      json: {
        personId,
        entries: seen.length,
        firstAt: traceTime(first.atMs),
        lastAt: traceTime(last.atMs),
        places: [...places].map(([location, times]) => ({ location, times })),
      },
    };
  });
  return summaries.sort((a, b) => a.firstMs - b.firstMs || (a.json.personId < b.json.personId ? -1 : 1)).map((s) => s.json);
}

export const CONTACTS_CSV_HEADER = ['contact_id', 'entries', 'first_at', 'last_at', 'location', 'times', 'time_zone'];

/**
 * The summary as CSV (`--format contacts-csv`): one line per contact and place, the contact's
 * own columns repeated on each (a spreadsheet filters and sorts it); the place's times joined
 * by a space, each ISO 8601 at +07:00.
 */
export function contactsCsv(summary: readonly TraceContactJson[]): string {
  const lines = [CONTACTS_CSV_HEADER.join(',')];
  for (const contact of summary) {
    for (const place of contact.places) {
      lines.push(
        [
          contact.personId,
          contact.entries,
          contact.firstAt,
          contact.lastAt,
          place.location,
          place.times.join(' '),
          `${TRACE_TIME_ZONE} (UTC${TRACE_UTC_OFFSET})`,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
