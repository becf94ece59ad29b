import { HUB_HEADERS, snapshotEtag } from '../../domain/protocol/hub-headers.js';
import type { Exchange } from './hub-context.js';
import { HttpError, matchesEtag, sendNotModified } from './http-responses.js';

/**
 * The part every `GET /v1/snapshot` answer shares, wherever its chunks come from (the cache
 * file, the artefact store, a scoped kiosk's derived copy): `from` checked against the chunk
 * count, the ETag, sequence and chunk headers, and a `304` when the kiosk has it already.
 * Returns the headers to answer `200` with, or undefined once the `304` is sent.
 */
export function snapshotHead(
  exchange: Exchange,
  snapshot: { readonly seq: number; readonly chunks: number; readonly from: number; readonly etag?: string },
): Record<string, string> | undefined {
  const { seq, chunks, from } = snapshot;
  if (from >= chunks) throw new HttpError('bad-request', `from=${from} is beyond the last chunk of the snapshot at sequence ${seq} (chunks 0–${chunks - 1})`);
  const etag = snapshot.etag ?? snapshotEtag(seq);
  const headers = { [HUB_HEADERS.etag]: etag, [HUB_HEADERS.seq]: String(seq), [HUB_HEADERS.chunks]: String(chunks) };
  if (!matchesEtag(exchange.request, etag)) return headers;
  sendNotModified(exchange.response, etag, headers);
  return undefined;
}
