import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { MAX_TRACE_WINDOW_MS, type TracedEntry, type TracePlace } from '../../hub/entries/entry-store.js';
import { csvCell } from '../../hub/reports/csv-cell.js';
import { openHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { UsageError } from '../args.js';

/** Shared with the report CSV (the formula guard lives in one place); re-exported for existing callers. */
export { csvCell };

/** The trace command's lines for the hub's help text. */
export const HUB_TRACE_HELP = `  trace --id ID12 --from ISO8601 --to ISO8601 [--window 30m] [--format json|csv] [--pg URL]
             contact tracing: the places the person passed between --from and --to and,
             for each, everyone else recorded at that place within ± the window (90s, 30m,
             2h), with times, colours and kiosks. Times without a zone are Vietnam time (UTC+7)`;

export interface HubTraceIo {
  readonly stdout: { write(text: string): unknown };
}

const DEFAULT_WINDOW = '30m';
const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000 } as const;

/** "90s", "30m", "2h" → milliseconds. */
export function parseWindow(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms >= 0 && ms <= MAX_TRACE_WINDOW_MS)) throw new UsageError(`--window must be a duration like 90s, 30m or 2h, at most 24h; got ${JSON.stringify(text)}`);
  return ms;
}

/** An ISO 8601 instant; without a zone it is Vietnam time, as the kiosks record it and imports read it. */
export function parseTraceInstant(option: string, text: string): number {
  const trimmed = text.trim();
  const withTime = /T/i.test(trimmed) ? trimmed : `${trimmed}T00:00`;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(withTime) ? withTime : `${withTime}+07:00`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw new UsageError(`--${option} must be an ISO 8601 time, e.g. 2021-10-20T08:00+07:00; got ${JSON.stringify(text)}`);
  return ms;
}

/** `chot hub trace --id ID12 --from ISO --to ISO [--window 30m] [--format json|csv] [--data DIR | --pg URL]` */
export async function runHubTrace(args: readonly string[], io: HubTraceIo = { stdout: process.stdout }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        id: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, window: { type: 'string' }, format: { type: 'string' },
        data: { type: 'string' }, pg: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.id === undefined || !/^\d{12}$/.test(values.id)) throw new UsageError('--id must be a 12-digit citizen ID');
  if (values.from === undefined || values.to === undefined) throw new UsageError('--from and --to are needed: the period to trace');
  const fromMs = parseTraceInstant('from', values.from);
  const toMs = parseTraceInstant('to', values.to);
  if (fromMs > toMs) throw new UsageError('--from must not be after --to');
  const windowMs = parseWindow(values.window ?? DEFAULT_WINDOW);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError('--format must be json or csv');
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir: resolve(values.data ?? defaultHubDataDir()) };

  const storage = await openHubStorage(location);
  let places: TracePlace[];
  try {
    places = await storage.entries.trace({ personId: values.id, fromMs, toMs, windowMs });
  } finally {
    await storage.close();
  }
  const query = { personId: values.id, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), windowMs };
  io.stdout.write(format === 'json' ? traceJson(query, places) : traceCsv(places));
  return 0;
}

const entryJson = (e: TracedEntry) => ({ personId: e.personId, at: e.at, location: e.location, kioskId: e.kioskId, seq: e.seq, lane: e.lane, direction: e.direction, outcome: e.outcome });

export function traceJson(query: { personId: string; from: string; to: string; windowMs: number }, places: readonly TracePlace[]): string {
  const body = { ...query, places: places.map((p) => ({ ...entryJson(p.visit), contacts: p.contacts.map(entryJson) })) };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export const TRACE_CSV_HEADER = [
  'visit_at', 'location', 'visit_kiosk', 'visit_seq', 'visit_outcome',
  'contact_id', 'contact_at', 'contact_kiosk', 'contact_seq', 'contact_lane', 'contact_direction', 'contact_outcome',
];

/**
 * One line per contact, the visit repeated on each (a spreadsheet filters and sorts it); a
 * visit with nobody around still gets a line, with the contact columns empty. Every text
 * cell is quoted: place names carry commas.
 */
export function traceCsv(places: readonly TracePlace[]): string {
  const lines = [TRACE_CSV_HEADER.join(',')];
  for (const { visit, contacts } of places) {
    const visitCells = [visit.at, visit.location, visit.kioskId, visit.seq, visit.outcome];
    const contactCells = contacts.map((c) => [c.personId, c.at, c.kioskId, c.seq, c.lane, c.direction, c.outcome]);
    for (const cells of contactCells.length === 0 ? [['', '', '', '', '', '', '']] : contactCells) lines.push([...visitCells, ...cells].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
