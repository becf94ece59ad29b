import {
  parseTraceParameters,
  renderTrace,
  TRACE_CONTENT_TYPES,
  TRACE_PARAMETER_NAMES,
  TraceParameterError,
  type TraceFormat,
  type TraceParameters,
} from '../entries/trace-report.js';
import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, writeOkHead } from './http-responses.js';

/**
 * The admin API (docs/hub-api.md, "Admin API"): routes authenticated by an admin token
 * (admin-auth.ts), not by a kiosk's signature. Each route names the query parameters the
 * request log may show in clear; every other value is masked (request-log.ts). A new admin
 * route (a report) is a handler here, its logged parameters, and one line in hub-router.ts.
 */

/** Never the person's id: whom an admin traced is health data, and logs travel further than databases. */
export const ADMIN_TRACE_LOGGED_PARAMS: readonly string[] = ['from', 'to', 'window', 'format'];

/** The CSV answers are downloads; their names never carry the person's id (they end up in download folders and histories). */
const TRACE_FILE_NAMES: Readonly<Partial<Record<TraceFormat, string>>> = { csv: 'chot-trace.csv', 'contacts-csv': 'chot-trace-contacts.csv' };

/** `GET /v1/admin/trace?id=&from=&to=[&window=][&format=json|csv|contacts-csv]`: the answer of `chot hub trace`. */
export async function handleAdminTrace(hub: HubContext, exchange: Exchange): Promise<void> {
  const request = parseTraceQuery(exchange.query);
  const text = await renderTrace(hub.storage.entries, request);
  const body = Buffer.from(text, 'utf8');
  writeOkHead(exchange.response, {
    'Content-Type': TRACE_CONTENT_TYPES[request.format],
    'Content-Length': String(body.length),
    // Health data: no proxy or browser cache keeps a copy.
    'Cache-Control': 'no-store',
    ...(TRACE_FILE_NAMES[request.format] === undefined ? {} : { 'Content-Disposition': `attachment; filename="${TRACE_FILE_NAMES[request.format]}"` }),
  });
  exchange.response.end(body);
}

function parseTraceQuery(query: URLSearchParams): ReturnType<typeof parseTraceParameters> {
  const parameters: Record<string, string> = {};
  for (const name of new Set(query.keys())) {
    if (!(TRACE_PARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new HttpError('bad-request', `unknown query parameter ${JSON.stringify(name.slice(0, 40))}: a trace takes ${TRACE_PARAMETER_NAMES.join(', ')}`);
    }
    const values = query.getAll(name);
    if (values.length > 1) throw new HttpError('bad-request', `the query parameter ${name} is given ${values.length} times: give it once`);
    parameters[name] = values[0] as string;
  }
  try {
    return parseTraceParameters(parameters as TraceParameters, (name) => `the query parameter ${name}`);
  } catch (error) {
    if (error instanceof TraceParameterError) throw new HttpError('bad-request', error.message);
    throw error;
  }
}
