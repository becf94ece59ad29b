import { EntryStoreBusy, type EntryStore, type IngestContext, type IngestResult, type KioskChain } from './entry-store.js';
import { hubErrorStatus } from '../../domain/protocol/hub-errors.js';
import { decodeUpload, type DecodedUpload } from './upload-body.js';

/** One kiosk's upload, its signature already checked: what the upload worker thread is given. */
export interface UploadJob {
  readonly body: Uint8Array;
  /** The request's Content-Encoding: gzip or identity. */
  readonly encoding: string;
  /** The authenticated kiosk. */
  readonly kioskId: string;
  readonly context: IngestContext;
}

/**
 * What became of an upload, as a value (a thrown error loses its class crossing threads):
 * refused before anything was stored, refused for now (an import holds the store), or
 * stored and committed, with the chain as it stands after the commit (what the receipt
 * vouches for: another upload of the kiosk may have extended it meanwhile).
 */
export type UploadOutcome =
  | Extract<DecodedUpload, { kind: 'refused' }>
  | { readonly kind: 'busy'; readonly message: string; readonly retryAfterSeconds?: number }
  | { readonly kind: 'stored'; readonly result: IngestResult; readonly chain: KioskChain | undefined; readonly seconds: number };

/**
 * Decodes and ingests one upload: the whole costly part of `POST /v1/entries` (inflate,
 * parse, check every field, hash every entry, write thousands of rows). The hub runs it in
 * its upload worker thread on that thread's own storage connection (build-worker.ts), so a
 * backlog of uploads never holds up the thread or the connections that answer sync requests;
 * it resolves once the rows are committed, and only then is the kiosk answered.
 */
export async function ingestUpload(entries: EntryStore, job: UploadJob): Promise<UploadOutcome> {
  const decoded = decodeUpload(job.body, job.encoding);
  if (decoded.kind === 'refused') return decoded;
  const started = performance.now();
  let result: IngestResult;
  try {
    result = await entries.ingest(job.kioskId, decoded.entries, job.context);
  } catch (error) {
    // A batch ingest refuses whole (checkBatch): the same answer as a body that is not one.
    if (error instanceof RangeError) return { kind: 'refused', code: 'bad-batch', status: hubErrorStatus('bad-batch'), message: error.message };
    if (error instanceof EntryStoreBusy) return { kind: 'busy', message: error.message };
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  return { kind: 'stored', result, chain: await entries.chain(job.kioskId), seconds };
}
