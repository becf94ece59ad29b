import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { parseTraceParameters, renderTrace, TraceParameterError, type TraceRequest } from '../../hub/entries/trace-report.js';
import { openHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { UsageError } from '../args.js';
import { messageOf } from '../../platform/message-of.js';

// The parsing and serialisation live in the hub (GET /v1/admin/trace gives the same answer);
// re-exported for the callers that know them from here.
export { csvCell, parseWindow, TRACE_CSV_HEADER, traceCsv, traceJson } from '../../hub/entries/trace-report.js';

/** The trace command's lines for the hub's help text. */
export const HUB_TRACE_HELP = `  trace --id ID12 --from ISO8601 --to ISO8601 [--window 30m] [--format json|csv|contacts-csv] [--pg URL]
             contact tracing: the places the person passed between --from and --to and,
             for each, everyone else recorded at that place within ± the window (90s, 30m,
             2h), with times, colours, kiosks and what was shown (credential, authenticity, a
             chip's document signer); beside it each contact once, with their places and
             times (contacts-csv: that summary alone). Times without a zone are Vietnam time
             (UTC+7); every time printed is Vietnam time, +07:00, as the output states.
             The same over HTTP for admins: GET /v1/admin/trace with an admin token`;

export interface HubTraceIo {
  readonly stdout: { write(text: string): unknown };
}

/** `chot hub trace --id ID12 --from ISO --to ISO [--window 30m] [--format json|csv|contacts-csv] [--data DIR | --pg URL]` */
export async function runHubTrace(args: readonly string[], io: HubTraceIo = { stdout: process.stdout }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        id: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        window: { type: 'string' },
        format: { type: 'string' },
        data: { type: 'string' },
        pg: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  let request: TraceRequest;
  try {
    request = parseTraceParameters(values, (name) => `--${name}`);
  } catch (error) {
    if (error instanceof TraceParameterError) throw new UsageError(error.message);
    throw error;
  }
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir: resolve(values.data ?? defaultHubDataDir()) };

  const storage = await openHubStorage(location);
  let text: string;
  try {
    text = await renderTrace(storage.entries, request);
  } finally {
    await storage.close();
  }
  io.stdout.write(text);
  return 0;
}
