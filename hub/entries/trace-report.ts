import { MAX_TRACE_WINDOW_MS, type EntryStore, type TracedEntry, type TracePlace, type TraceQuery } from './entry-store.js';
import { csvCell } from '../reports/csv-cell.js';
import { readIsoInstant } from '../../domain/time/iso-instant.js';
import { terminalJson } from '../../domain/text/terminal-text.js';
import { VIETNAM_UTC_OFFSET_MINUTES } from '../../domain/time/calendar-date.js';
import type { TraceEntryJson, TraceResponse } from '../../domain/protocol/hub-bodies.js';
import { HUB_ROUTES } from '../../domain/protocol/hub-routes.js';
import { contactsCsv, contactSummary, TRACE_TIME_ZONE, TRACE_UTC_OFFSET, traceTime } from './trace-contacts.js';

/** The formula-guarded CSV cell, shared with the reports. */
export { csvCell };

/**
 * Contact tracing as an admin asks for it, shared by `chot hub trace` and the hub's
 * `GET /v1/admin/trace`: one parser of the request and one serialiser of the answer, so the
 * CLI and HTTP answers are the same bytes.
 */
export const TRACE_FORMATS = ['json', 'csv', 'contacts-csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** The request as typed (CLI options) or sent (query parameters), before any check. */
export interface TraceParameters {
  readonly id?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly window?: string | undefined;
  readonly format?: string | undefined;
}
export type TraceParameterName = keyof TraceParameters;
/** The query parameters of GET /v1/admin/trace are the CLI's options: one list. */
export const TRACE_PARAMETER_NAMES: readonly TraceParameterName[] = HUB_ROUTES.adminTrace.query;

export interface TraceRequest {
  readonly query: TraceQuery;
  readonly format: TraceFormat;
}

/** A parameter the caller got wrong; the CLI makes it a usage error, the HTTP API a 400. */
export class TraceParameterError extends RangeError {
  constructor(
    readonly parameter: TraceParameterName,
    message: string,
  ) {
    super(message);
  }
}

/** How a parameter is named in messages: `--from` on the command line, `from` in a query. */
export type ParameterLabel = (name: TraceParameterName) => string;

export const DEFAULT_TRACE_WINDOW = '30m';
const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000 } as const;

/** "90s", "30m", "2h" → milliseconds, at most a day (MAX_TRACE_WINDOW_MS). */
export function parseWindow(text: string, label = '--window'): number {
  const match = /^(\d+)([smh])$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms >= 0 && ms <= MAX_TRACE_WINDOW_MS))
    throw new TraceParameterError('window', `${label} must be a duration like 90s, 30m or 2h, at most 24h; got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * An ISO 8601 instant; without a zone it is Vietnam time, as the kiosks record it and
 * imports read it. Strict (domain/time/iso-instant.ts): `2021-02-31` is refused, saying why,
 * where `Date.parse` would trace from 3 March.
 */
export function parseTraceInstant(parameter: 'from' | 'to', text: string, label = `--${parameter}`): number {
  const result = readIsoInstant(text.trim(), VIETNAM_UTC_OFFSET_MINUTES);
  if (!result.ok)
    throw new TraceParameterError(parameter, `${label} must be an ISO 8601 time, e.g. 2021-10-20T08:00+07:00; ${JSON.stringify(text)} ${result.problem}`);
  return result.ms;
}

/**
 * Checks and reads a trace request. The person's id is never echoed in a message: messages
 * may end up in logs and terminals, and whom an admin traces is health data.
 */
export function parseTraceParameters(parameters: TraceParameters, label: ParameterLabel): TraceRequest {
  const { id, from, to } = parameters;
  if (id === undefined || !/^\d{12}$/.test(id)) throw new TraceParameterError('id', `${label('id')} must be a 12-digit citizen ID`);
  if (from === undefined || to === undefined)
    throw new TraceParameterError(from === undefined ? 'from' : 'to', `${label('from')} and ${label('to')} are needed: the period to trace`);
  const fromMs = parseTraceInstant('from', from, label('from'));
  const toMs = parseTraceInstant('to', to, label('to'));
  if (fromMs > toMs) throw new TraceParameterError('from', `${label('from')} must not be after ${label('to')}`);
  const windowMs = parseWindow(parameters.window ?? DEFAULT_TRACE_WINDOW, label('window'));
  const format = parameters.format ?? 'json';
  if (!isTraceFormat(format)) throw new TraceParameterError('format', `${label('format')} must be json, csv or contacts-csv`);
  return { query: { personId: id, fromMs, toMs, windowMs }, format };
}

const isTraceFormat = (text: string): text is TraceFormat => (TRACE_FORMATS as readonly string[]).includes(text);

/** The media type of each format, for the HTTP answer. */
export const TRACE_CONTENT_TYPES: Readonly<Record<TraceFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  'contacts-csv': 'text/csv; charset=utf-8; header=present',
};

/** Runs the trace and serialises it in the requested format: the text both the CLI and the HTTP API give. */
export async function renderTrace(entries: EntryStore, request: TraceRequest): Promise<string> {
  const places = await entries.trace(request.query);
  const { personId, fromMs, toMs, windowMs } = request.query;
  if (request.format === 'csv') return traceCsv(places);
  if (request.format === 'contacts-csv') return contactsCsv(contactSummary(places));
  return traceJson({ personId, from: traceTime(fromMs), to: traceTime(toMs), windowMs }, places);
}

const entryJson = (e: TracedEntry): TraceEntryJson => ({
  personId: e.personId,
  // Kiosks write their own zone (some UTC): the answer gives every time in one.
  at: traceTime(e.atMs),
  location: e.location,
  kioskId: e.kioskId,
  seq: e.seq,
  lane: e.lane,
  direction: e.direction,
  outcome: e.outcome,
  credentialKind: e.credentialKind,
  authenticity: e.authenticity,
  documentSigner: e.documentSigner,
  enteredBy: e.enteredBy,
});

export function traceJson(query: Pick<TraceResponse, 'personId' | 'from' | 'to' | 'windowMs'>, places: readonly TracePlace[]): string {
  const body: TraceResponse = {
    personId: query.personId,
    timeZone: TRACE_TIME_ZONE,
    utcOffset: TRACE_UTC_OFFSET,
    from: query.from,
    to: query.to,
    windowMs: query.windowMs,
    places: places.map((p) => ({ ...entryJson(p.visit), contacts: p.contacts.map(entryJson) })),
    contactSummary: contactSummary(places),
  };
  // Locations and lanes come from kiosks' uploads: written so the JSON prints safely on a
  // terminal (`chot hub trace`) and parses to the same value (the HTTP answer is the same bytes).
  return `${terminalJson(body, 2)}\n`;
}

const TIME_ZONE_CELL = `${TRACE_TIME_ZONE} (UTC${TRACE_UTC_OFFSET})`;

export const TRACE_CSV_HEADER = [
  'visit_at',
  'location',
  'visit_kiosk',
  'visit_seq',
  'visit_outcome',
  'contact_id',
  'contact_at',
  'contact_kiosk',
  'contact_seq',
  'contact_lane',
  'contact_direction',
  'contact_outcome',
  // Added after the columns above, so a sheet that reads them by position still does.
  'visit_credential_kind',
  'visit_authenticity',
  'visit_document_signer',
  'contact_credential_kind',
  'contact_authenticity',
  'contact_document_signer',
  // Added after the columns above, as they were: who typed a typed ID (a contact found by a typed number weighs less).
  'visit_entered_by',
  'contact_entered_by',
  // The zone of visit_at and contact_at (always Vietnam time, +07:00), stated on every line.
  'time_zone',
];

/**
 * One line per contact, the visit repeated on each (a spreadsheet filters and sorts it); a
 * visit with nobody around still gets a line, with the contact columns empty. Times in
 * Vietnam time (+07:00), the zone stated in the last column. Every text
 * cell is quoted: place names carry commas. A document signer, or who typed an ID, is empty when there is none.
 */
export function traceCsv(places: readonly TracePlace[]): string {
  const lines = [TRACE_CSV_HEADER.join(',')];
  const credentialCells = (e: TracedEntry): string[] => [e.credentialKind, e.authenticity, e.documentSigner ?? ''];
  for (const { visit, contacts } of places) {
    const visitCells = [traceTime(visit.atMs), visit.location, visit.kioskId, visit.seq, visit.outcome];
    const rows = contacts.map((c) => ({
      cells: [c.personId, traceTime(c.atMs), c.kioskId, c.seq, c.lane, c.direction, c.outcome],
      credential: credentialCells(c),
      enteredBy: c.enteredBy ?? '',
    }));
    const none = { cells: ['', '', '', '', '', '', ''], credential: ['', '', ''], enteredBy: '' };
    for (const { cells, credential, enteredBy } of rows.length === 0 ? [none] : rows)
      lines.push([...visitCells, ...cells, ...credentialCells(visit), ...credential, visit.enteredBy ?? '', enteredBy, TIME_ZONE_CELL].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
