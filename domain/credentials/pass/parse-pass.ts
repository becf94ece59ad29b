import { decodeBase45 } from '../../encoding/base45.js';
import type { CredentialProblem, ParseError, PassCredential, SubjectDisplay } from '../credential.js';
import { errorFrom } from '../parse-errors.js';
import { vietnamDateOf } from '../../time/calendar-date.js';
import { hasLetter, visibleText } from '../../text/visible-text.js';
import type { VerificationContext } from '../verification.js';
import { decodePassBody, PASS_PREFIX, SIGNATURE_BYTES, signedBytes, type PassHolder } from './pass-codec.js';

export const PASS_ERRORS = {
  'pass.base45': { vi: 'Mã thẻ thông hành bị hỏng (ký tự không hợp lệ)', en: 'The status pass is damaged (invalid characters)' },
  'pass.truncated': { vi: 'Mã thẻ thông hành bị thiếu dữ liệu', en: 'The status pass is incomplete' },
  'pass.version': { vi: 'Phiên bản thẻ thông hành không được hỗ trợ', en: 'This status pass version is not supported' },
  'pass.malformed': { vi: 'Nội dung thẻ thông hành không hợp lệ', en: 'The status pass content is malformed' },
  'pass.unknown-key': { vi: 'Thẻ thông hành được ký bởi khóa không tin cậy', en: 'The status pass is signed by an unknown key' },
  'pass.signature-invalid': { vi: 'Chữ ký thẻ thông hành không hợp lệ — có thể bị giả mạo', en: 'The status pass signature is invalid — it may be forged' },
  /** The generic text; a decoded pass says on which day it expired (expiredProblem). */
  'pass.expired': { vi: 'Thẻ thông hành đã hết hạn — mời dùng CCCD', en: 'The status pass has expired — please show your ID card' },
  'pass.not-yet-valid': { vi: 'Thẻ thông hành chưa có hiệu lực', en: 'The status pass is not valid yet' },
} as const;

type PassErrorCode = keyof typeof PASS_ERRORS;
const problem = (code: PassErrorCode): CredentialProblem => ({ code, message: PASS_ERRORS[code] });
const failure = (code: PassErrorCode): ParseError => errorFrom(PASS_ERRORS, code, { credentialKind: 'pass' });

/**
 * An expired pass says since when, in Vietnam's calendar: a printed badge held for weeks is
 * the likely case, and the person needs to know it is the card, not their facts, and what
 * to show instead (the ID card, which the kiosk decides from its own data).
 */
function expiredProblem(expiresAtSeconds: number): CredentialProblem {
  const [year, month, day] = vietnamDateOf(expiresAtSeconds * 1000).split('-');
  const date = `${day}/${month}/${year}`;
  return { code: 'pass.expired', message: { vi: `Thẻ hết hạn ngày ${date} — mời dùng CCCD`, en: `Pass expired on ${date} — please show your ID card` } };
}

/** The signed holder fields, for staff to match; the name made safe to show like every credential's. */
function holderSubject(holder: PassHolder | undefined): SubjectDisplay {
  const name = holder?.name === undefined ? undefined : visibleText(holder.name);
  return {
    ...(name === undefined || !hasLetter(name) ? {} : { name }),
    ...(holder?.birthYear === undefined ? {} : { birthDate: String(holder.birthYear) }),
  };
}

/** Clocks of phones, hubs and kiosks differ a little; a pass issued this far "in the future" is still fine. */
const CLOCK_SKEW_SECONDS = 300;

export function isPassCandidate(text: string): boolean {
  return text.startsWith(PASS_PREFIX);
}

/**
 * A Chốt status pass (`CHOT1:` + base45 of body ‖ Ed25519 signature). A pass that
 * decodes identifies its holder even when it cannot be trusted, so those failures are
 * `problems` on an `invalid` credential; only an undecodable pass is a ParseError.
 */
/** Far above the largest pass (≈ 215 characters); anything longer is not one. */
const MAX_PASS_CHARS = 1024;

export function parsePass(text: string, context: VerificationContext): PassCredential | ParseError {
  if (text.length > MAX_PASS_CHARS) return failure('pass.malformed');
  const raw = decodeBase45(text.slice(PASS_PREFIX.length));
  if (raw === null) return failure('pass.base45');
  if (raw.length <= SIGNATURE_BYTES) return failure('pass.truncated');
  const bodyBytes = raw.subarray(0, raw.length - SIGNATURE_BYTES);
  const signature = raw.subarray(raw.length - SIGNATURE_BYTES);
  const decoded = decodePassBody(bodyBytes);
  if (!decoded.ok) return failure(decoded.code);
  const body = decoded.body;

  const problems: CredentialProblem[] = [];
  const key = context.hubKeys?.byKeyId(body.keyId);
  if (key === undefined) problems.push(problem('pass.unknown-key'));
  else if (!key.verify(signedBytes(bodyBytes), signature)) problems.push(problem('pass.signature-invalid'));
  const nowSeconds = Math.floor(context.now / 1000);
  if (nowSeconds > body.expiresAt) problems.push(expiredProblem(body.expiresAt));
  if (body.issuedAt > nowSeconds + CLOCK_SKEW_SECONDS) problems.push(problem('pass.not-yet-valid'));

  return {
    kind: 'pass',
    authenticity: problems.length === 0 ? 'signed-valid' : 'invalid',
    identifiers: { id12: body.id12 },
    subject: holderSubject(body.holder),
    problems,
    pass: {
      version: 1,
      keyId: body.keyId,
      issuedAt: new Date(body.issuedAt * 1000).toISOString(),
      expiresAt: new Date(body.expiresAt * 1000).toISOString(),
    },
    ...(body.facts === undefined ? {} : { embeddedFacts: body.facts }),
    ...(body.staffId === undefined ? {} : { staffId: body.staffId }),
  };
}
