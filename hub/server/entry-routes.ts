import { canonicalReceipt, type UploadReceipt } from '../../domain/entries/entry-upload.js';
import type { EntriesResponse } from '../../domain/protocol/hub-bodies.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { ZERO_HASH } from '../entries/ingest-plan.js';
import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, sendJson } from './http-responses.js';

/** An answer lists this many problems at most (a batch of gaps could name thousands); the count says how many more. */
const MAX_LISTED_PROBLEMS = 100;
/** How long a kiosk should wait when the store is busy with an import. */
const BUSY_RETRY_SECONDS = 5;

/**
 * `POST /v1/entries`: one batch of the kiosk's entry log (docs/hub-api.md). The request
 * signature has already proved the device and covers the body; ingest (in the upload worker
 * thread, on its own storage connection) checks each entry's hash and its link and stores it
 * once, and the answer, sent only once the rows are committed, is a receipt, signed by the
 * hub key, of the highest sequence up to which the hub holds the kiosk's chain complete.
 */
export async function handleEntries(hub: HubContext, exchange: Exchange): Promise<void> {
  const device = exchange.device;
  if (device === undefined) throw new Error('POST /v1/entries reached its handler unauthenticated');
  const outcome = await hub.ingestUpload({
    body: exchange.body ?? Buffer.alloc(0),
    encoding: uploadEncoding(exchange),
    kioskId: device.deviceId,
    context: { enrolledLocation: device.location, receivedAtMs: hub.now() },
  });
  if (outcome.kind === 'refused') throw new HttpError(outcome.code, outcome.message);
  if (outcome.kind === 'busy')
    throw new HttpError('busy', outcome.message, { [HUB_HEADERS.retryAfter]: String(outcome.retryAfterSeconds ?? BUSY_RETRY_SECONDS) });
  const { result, chain } = outcome;
  hub.metrics.batchIngested(result.accepted, result.duplicates, outcome.seconds);
  // The chain as stored after the commit: another upload of this kiosk may have extended it
  // meanwhile, and the receipt vouches only for what the hub holds.
  const receipt: UploadReceipt = {
    kioskId: device.deviceId,
    contiguousSeq: chain?.contiguousSeq ?? 0,
    headHash: chain?.headHash ?? ZERO_HASH,
    issuedAt: hub.now(),
    hubKeyId: hub.key.keyId,
  };
  const answer: EntriesResponse = {
    receipt,
    signature: Buffer.from(hub.key.sign(canonicalReceipt(receipt))).toString('base64url'),
    accepted: result.accepted,
    duplicates: result.duplicates,
    problems: result.problems.slice(0, MAX_LISTED_PROBLEMS),
    moreProblems: Math.max(0, result.problems.length - MAX_LISTED_PROBLEMS),
  };
  sendJson(exchange.response, 200, answer);
}

/** The batch's Content-Encoding, once its Content-Type is JSON. */
function uploadEncoding(exchange: Exchange): string {
  const type = (exchange.request.headers[HUB_HEADERS.contentType] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError('bad-batch', 'the batch must be JSON (Content-Type: application/json)');
  return (exchange.request.headers[HUB_HEADERS.contentEncoding] ?? 'identity').trim().toLowerCase();
}
