import type { IncomingMessage } from 'node:http';
import { REQUEST_CLOCK_WINDOW_MS, REQUEST_HEADERS } from '../../domain/sync/signed-request.js';
import type { DeviceRecord, RequestRefusal, RequestVerifier } from '../enrollment/request-verifier.js';
import type { HubContext } from './hub-context.js';
import { HttpError } from './http-responses.js';

const EMPTY = new Uint8Array(0);

/**
 * Authenticates a signed request (or a WebSocket upgrade) and returns the device, or
 * throws the refusal of docs/hub-api.md. The signature covers the body's SHA-256 (the
 * empty body's for GETs), so an upload is signed by the device key with its request. The
 * path is the request target exactly as sent (Node's `request.url`), which is what the
 * kiosk signed. A request that passes is the kiosk seen, with its status report if it sent
 * one (device-sightings.ts): any request counts, a sync as much as an upload.
 */
export async function authenticate(
  hub: Pick<HubContext, 'verifier' | 'now' | 'sightings' | 'log'>,
  request: IncomingMessage,
  body: Uint8Array = EMPTY,
): Promise<DeviceRecord> {
  const result = await hub.verifier.verify({ method: request.method ?? 'GET', pathWithQuery: request.url ?? '/', headers: request.headers, body });
  if (!result.ok) throw refusalError(result.refusal, request, hub.now());
  // Said, not refused: a kiosk must keep syncing whatever its report looks like.
  if (result.reportProblem !== undefined) hub.log.warn(`kiosk ${result.device.deviceId} sent a report the hub ignores: ${result.reportProblem}`);
  hub.sightings.seen(result.device.deviceId, result.report);
  return result.device;
}

/**
 * The checks a signed request's headers allow, before its body is read (device known and
 * not revoked, timestamp fresh, nonce unused): throws the same refusals as authenticate.
 */
export async function admit(verifier: RequestVerifier, request: IncomingMessage, now: () => number): Promise<void> {
  const result = await verifier.admit(request.headers);
  if (!result.ok) throw refusalError(result.refusal, request, now());
}

function refusalError(refusal: RequestRefusal, request: IncomingMessage, now: number): HttpError {
  const device = String(request.headers[REQUEST_HEADERS.device] ?? '');
  switch (refusal) {
    case 'unsigned':
      return new HttpError(
        refusal,
        `the request is not signed: every request but POST /v1/enroll needs the ${Object.values(REQUEST_HEADERS).join(', ')} headers (and a nonce of 16–64 characters)`,
      );
    case 'unknown-device':
      return new HttpError(
        refusal,
        `device ${JSON.stringify(device)} is not enrolled at this hub: enrol the kiosk (chot enroll) with a code from chot hub enroll-code`,
      );
    case 'revoked':
      return new HttpError(refusal, `device ${JSON.stringify(device)} has been revoked at this hub: enrol it again with a new key and code`);
    case 'stale-timestamp':
      return new HttpError(refusal, staleMessage(request, now));
    case 'replayed':
      return new HttpError(refusal, 'this request was already received (its nonce was used): sign every request afresh');
    case 'bad-signature':
      return new HttpError(refusal, "the signature does not match the request and the device's enrolled key");
  }
}

function staleMessage(request: IncomingMessage, now: number): string {
  const window = `at most ${REQUEST_CLOCK_WINDOW_MS / 1000} s apart`;
  const stamp = Number(request.headers[REQUEST_HEADERS.timestamp]);
  if (!Number.isSafeInteger(stamp)) return `the request's timestamp is not Unix milliseconds; the clocks must be ${window}`;
  const seconds = Math.round((stamp - now) / 1000);
  return `the kiosk's clock is ${Math.abs(seconds)} s ${seconds > 0 ? 'ahead of' : 'behind'} the hub's (hub time ${new Date(now).toISOString()}); they must be ${window}: set the kiosk's clock`;
}
