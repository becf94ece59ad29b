import { HUB_HEADERS } from '../protocol/hub-headers.js';

/**
 * How a kiosk authenticates each request to the hub after enrolment: an Ed25519
 * signature with its device key over a canonical text of the request. The hub refuses a
 * request that is unsigned, from an unknown or revoked device, too old or too far in the
 * future, or whose nonce it has already seen (a replay).
 *
 *   chot-request-1
 *   <METHOD>
 *   <path with query>
 *   <device id>
 *   <timestamp: Unix milliseconds>
 *   <nonce: 16+ random bytes, base64url>
 *   <SHA-256 of the body, hex; of the empty string for no body>
 *
 * Sent as headers: x-chot-device, x-chot-timestamp, x-chot-nonce, x-chot-signature (base64url).
 *
 * A request that carries the kiosk's status report (x-chot-report, kiosk-report.ts) is
 * signed as `chot-request-2`: the same lines, then the report header's exact value, so the
 * report cannot be added, removed or changed on the way. A request without one is signed
 * as `chot-request-1`, as before the report existed: older kiosks keep working.
 */
export const REQUEST_SIGNATURE_VERSION = 'chot-request-1';
export const REPORTED_REQUEST_SIGNATURE_VERSION = 'chot-request-2';

/** The headers a signed request carries (named in domain/protocol/hub-headers.ts). */
export const REQUEST_HEADERS = {
  device: HUB_HEADERS.device,
  timestamp: HUB_HEADERS.timestamp,
  nonce: HUB_HEADERS.nonce,
  signature: HUB_HEADERS.signature,
} as const;

/** The optional header of a signed request carrying the kiosk's status report. */
export const REPORT_HEADER = HUB_HEADERS.report;

/** How far a request's clock may differ from the hub's; also how long nonces are remembered. */
export const REQUEST_CLOCK_WINDOW_MS = 5 * 60_000;

export interface RequestToSign {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly deviceId: string;
  readonly timestampMs: number;
  readonly nonce: string;
  /** Hex SHA-256 of the body bytes. */
  readonly bodySha256: string;
  /** The x-chot-report header's value, when the request carries one. */
  readonly report?: string;
}

export function canonicalRequest(request: RequestToSign): Uint8Array {
  return new TextEncoder().encode(
    [
      request.report === undefined ? REQUEST_SIGNATURE_VERSION : REPORTED_REQUEST_SIGNATURE_VERSION,
      request.method.toUpperCase(),
      request.pathWithQuery,
      request.deviceId,
      String(request.timestampMs),
      request.nonce,
      request.bodySha256,
      ...(request.report === undefined ? [] : [request.report]),
    ].join('\n'),
  );
}

export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
