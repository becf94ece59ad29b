/**
 * The enrolment QR (`chot hub enroll-code --url URL`): everything a new kiosk needs to enrol,
 * read by any of its scanners, so setting a kiosk up needs no keyboard.
 *
 *     CHOT-ENROLL1:<code>:<hub key fingerprint>:<hub URL>
 *
 * - code: the one-time code as the hub prints it, `XXXX-XXXX-XXXX` (Crockford base32, upper case);
 * - fingerprint: the SHA-256 of the hub's raw 32-byte Ed25519 public key, 64 lower-case hex
 *   digits. The kiosk refuses a hub whose key does not hash to it, and keeps nothing. (The
 *   4-byte key id that names a key in signed files is a name, not a proof: anyone can make a
 *   key with a given key id.)
 * - hub URL: last, as it holds colons itself; `http://` or `https://`, a host, an optional port
 *   and path, nothing else (no user, query or fragment).
 *
 * Only printable ASCII, no spaces, at most MAX_ENROLLMENT_QR_LENGTH characters: the text comes
 * from whatever a scanner read, and the code in it is a secret until it is used.
 */
export const ENROLLMENT_QR_PREFIX = 'CHOT-ENROLL1:';
export const MAX_ENROLLMENT_QR_LENGTH = 400;
export const MAX_HUB_URL_LENGTH = 256;

export interface EnrollmentQr {
  readonly code: string;
  /** SHA-256 of the hub's raw public key, lower-case hex. */
  readonly hubKeySha256: string;
  readonly hubUrl: string;
}

export type EnrollmentQrProblem = 'too-long' | 'bad-characters' | 'bad-fields' | 'bad-code' | 'bad-fingerprint' | 'bad-url';

export type EnrollmentQrParse = { readonly ok: true; readonly qr: EnrollmentQr } | { readonly ok: false; readonly problem: EnrollmentQrProblem };

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
/** A DNS name or IPv4 address, or a bracketed IPv6 address; an optional port; an optional plain path. */
const HUB_URL = /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/** Whether a scan is meant as an enrolment QR at all (then it is never decided as a person). */
export function isEnrollmentQr(text: string): boolean {
  return text.startsWith(ENROLLMENT_QR_PREFIX);
}

export function parseEnrollmentQr(text: string): EnrollmentQrParse {
  if (text.length > MAX_ENROLLMENT_QR_LENGTH) return { ok: false, problem: 'too-long' };
  // A scanner's trailing CR/LF is the framer's; anything else not printable is refused outright.
  if (!PRINTABLE_ASCII.test(text)) return { ok: false, problem: 'bad-characters' };
  if (!isEnrollmentQr(text)) return { ok: false, problem: 'bad-fields' };
  const body = text.slice(ENROLLMENT_QR_PREFIX.length);
  const first = body.indexOf(':');
  const second = first < 0 ? -1 : body.indexOf(':', first + 1);
  if (second < 0) return { ok: false, problem: 'bad-fields' };
  const code = body.slice(0, first);
  const hubKeySha256 = body.slice(first + 1, second);
  const hubUrl = body.slice(second + 1);
  if (!CODE.test(code)) return { ok: false, problem: 'bad-code' };
  if (!FINGERPRINT.test(hubKeySha256)) return { ok: false, problem: 'bad-fingerprint' };
  if (!isHubUrl(hubUrl)) return { ok: false, problem: 'bad-url' };
  return { ok: true, qr: { code, hubKeySha256, hubUrl } };
}

/** The QR's text for an enrolment; throws RangeError for fields the parser would refuse. */
export function formatEnrollmentQr(qr: EnrollmentQr): string {
  const text = `${ENROLLMENT_QR_PREFIX}${qr.code}:${qr.hubKeySha256}:${qr.hubUrl}`;
  const parsed = parseEnrollmentQr(text);
  if (!parsed.ok) throw new RangeError(`an enrolment QR cannot carry these fields (${parsed.problem})`);
  return text;
}

/** A hub URL an enrolment QR may carry: http(s), a host, an optional port and plain path; at most MAX_HUB_URL_LENGTH. */
export function isHubUrl(url: string): boolean {
  return url.length <= MAX_HUB_URL_LENGTH && PRINTABLE_ASCII.test(url) && HUB_URL.test(url) && validPort(url);
}

function validPort(url: string): boolean {
  const port = /^https?:\/\/(?:[^/[]+|\[[^\]]+\]):([0-9]+)/.exec(url)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}
