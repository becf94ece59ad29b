import { hubKeySha256 } from '../../platform/hub-key-fingerprint.js';
import type { EnrollRefusal } from '../enrollment/enrollment-service.js';
import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, readSmallBody, sendJson } from './http-responses.js';
import { MAX_ENROLL_BODY_BYTES, type EnrollRequest, type EnrollResponse } from '../../domain/protocol/hub-bodies.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';

export { MAX_ENROLL_BODY_BYTES };

const REFUSALS: Record<EnrollRefusal, string> = {
  'unknown-code': 'this enrolment code is unknown or already used: ask an admin for a new one (chot hub enroll-code)',
  'expired-code': 'this enrolment code has expired: ask an admin for a new one (chot hub enroll-code)',
  'revoked-device': 'this device key has been revoked at this hub: make a new device key and enrol it with a new code',
  'bad-public-key': 'publicKey must be a raw 32-byte Ed25519 public key in base64',
  'already-enrolled':
    'this device key is enrolled at this hub already; a key is enrolled once, at one location: to enrol the kiosk again, make a new device key (the code was not used)',
};

/**
 * Enrolment attempts: codes are 60 bits, so guessing is hopeless, and these limits keep it so
 * (and keep the hub's database out of a flood): a kiosk enrols once, a rollout a few a minute.
 */
export const ENROLL_LIMITS = { perAddress: { burst: 10, perMinute: 6 }, overall: { burst: 60, perMinute: 60 } } as const;

/** `POST /v1/enroll`: redeems a one-time code for the kiosk's public key (the only unsigned request). */
export async function handleEnroll(hub: HubContext, exchange: Exchange): Promise<void> {
  const address = exchange.request.socket.remoteAddress ?? '-';
  const allowed = hub.enrollLimiter.take(address);
  if (!allowed.ok) {
    hub.log.warn(
      `enrol: attempt from ${address} refused, too many ${allowed.scope === 'address' ? 'from this address' : 'at this hub'} (next in ${allowed.retryAfterSeconds} s)`,
    );
    throw new HttpError(
      'too-many-attempts',
      `too many enrolment attempts ${allowed.scope === 'address' ? 'from this address' : 'at this hub'}: try again in ${allowed.retryAfterSeconds} s`,
      {
        [HUB_HEADERS.retryAfter]: String(allowed.retryAfterSeconds),
      },
    );
  }
  const type = (exchange.request.headers[HUB_HEADERS.contentType] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError('bad-request', 'the body must be JSON (Content-Type: application/json)');
  const body = await readSmallBody(exchange.request, MAX_ENROLL_BODY_BYTES);
  const { code, publicKey, hubKey, hubKeySha256: expectedSha256 } = parseEnrollBody(body);
  // Before the code is spent: a kiosk told to expect another hub's key keeps its code.
  const ownKey = Buffer.from(hub.key.publicKeyRaw).toString('base64');
  if ((hubKey !== undefined && hubKey !== ownKey) || (expectedSha256 !== undefined && expectedSha256 !== hubKeySha256(hub.key.publicKeyRaw))) {
    throw new HttpError('wrong-hub-key', `this hub signs with key ${hub.key.keyId} (${ownKey}), not the key the kiosk expects: the code was not used`);
  }
  const result = await hub.enrollment.redeem(code, publicKey);
  if (!result.ok) {
    throw new HttpError(result.refusal, REFUSALS[result.refusal]);
  }
  const { device } = result;
  exchange.device = device;
  const answer: EnrollResponse = {
    deviceId: device.deviceId,
    location: device.location,
    hubPublicKey: Buffer.from(hub.key.publicKeyRaw).toString('base64'),
    hubKeyId: hub.key.keyId,
    seq: await hub.storage.currentSeq(),
  };
  sendJson(exchange.response, 200, answer);
}

function parseEnrollBody(body: Buffer): { code: string; publicKey: Uint8Array; hubKey?: string; hubKeySha256?: string } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError('bad-request', 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError('bad-request', 'the body must be a JSON object { "code", "publicKey" }');
  // Unknown until checked: the fields of an EnrollRequest, of any type.
  const { code, publicKey, hubKey, hubKeySha256: keySha256 } = value as { readonly [K in keyof EnrollRequest]?: unknown };
  if (typeof code !== 'string' || code.trim() === '' || code.length > 64)
    throw new HttpError('bad-request', '"code" must be the enrolment code, a string (e.g. "ABCD-EFGH-JKMN")');
  if (typeof publicKey !== 'string') throw new HttpError('bad-request', '"publicKey" must be a string: the raw 32-byte Ed25519 public key in base64');
  // Strict base64 of exactly 32 bytes: Buffer.from would quietly skip stray characters.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(publicKey)) throw new HttpError('bad-public-key', REFUSALS['bad-public-key']);
  if (hubKey !== undefined && (typeof hubKey !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(hubKey))) {
    throw new HttpError('bad-request', '"hubKey", when given, must be the expected hub key: a raw 32-byte Ed25519 public key in base64');
  }
  if (keySha256 !== undefined && (typeof keySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(keySha256))) {
    throw new HttpError('bad-request', '"hubKeySha256", when given, must be the SHA-256 of the expected hub key: 64 lower-case hex digits');
  }
  return {
    code,
    publicKey: new Uint8Array(Buffer.from(publicKey, 'base64')),
    ...(hubKey === undefined ? {} : { hubKey }),
    ...(keySha256 === undefined ? {} : { hubKeySha256: keySha256 }),
  };
}
