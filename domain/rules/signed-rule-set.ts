import type { HubKeyStore } from '../credentials/verification.js';
import type { Bilingual } from '../text/bilingual.js';
import { checkRuleSet, type RuleSetProblem } from './rule-set-check.js';
import type { RuleSet } from './rule-set.js';

/**
 * A rule set as the hub publishes it: the document plus an Ed25519 signature over
 * `CHOT-RULESET-1\n` followed by the document's canonical JSON (keys sorted, no blanks),
 * so any byte-level re-serialisation on the way keeps the signature valid.
 */
export interface SignedRuleSet {
  readonly format: 'chot-rule-set/1';
  readonly ruleSet: RuleSet;
  readonly signature: { readonly keyId: string; readonly value: string };
}

export const RULE_SET_FORMAT = 'chot-rule-set/1';
const SIGNING_CONTEXT = 'CHOT-RULESET-1\n';

/** Deterministic JSON: object keys sorted, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function ruleSetSignedBytes(ruleSet: unknown): Uint8Array {
  return new TextEncoder().encode(SIGNING_CONTEXT + canonicalJson(ruleSet));
}

const ERRORS = {
  'rules.not-signed': { vi: 'Bộ tiêu chí không có chữ ký', en: 'The rule set is not signed' },
  'rules.unknown-key': { vi: 'Bộ tiêu chí được ký bởi khóa không tin cậy', en: 'The rule set is signed by an unknown key' },
  'rules.signature-invalid': { vi: 'Chữ ký bộ tiêu chí không hợp lệ', en: 'The rule set signature is invalid' },
  'rules.malformed': { vi: 'Bộ tiêu chí không hợp lệ', en: 'The rule set is malformed' },
} as const satisfies Record<string, Bilingual>;

export type SignedRuleSetError = { readonly code: keyof typeof ERRORS; readonly message: Bilingual; readonly problems?: readonly RuleSetProblem[] };

const refuse = (code: keyof typeof ERRORS, problems?: readonly RuleSetProblem[]): { ok: false; error: SignedRuleSetError } => ({
  ok: false,
  error: { code, message: ERRORS[code], ...(problems === undefined ? {} : { problems }) },
});

/** Accepts a published rule set only if a trusted hub key signed exactly this document and it is well-formed. */
export function verifySignedRuleSet(
  document: unknown,
  hubKeys: HubKeyStore | undefined,
): { ok: true; ruleSet: RuleSet } | { ok: false; error: SignedRuleSetError } {
  if (typeof document !== 'object' || document === null) return refuse('rules.malformed');
  const envelope = document as Partial<SignedRuleSet>;
  const signature = envelope.signature;
  if (envelope.format !== RULE_SET_FORMAT || typeof signature?.keyId !== 'string' || typeof signature.value !== 'string') return refuse('rules.not-signed');
  const key = hubKeys?.byKeyId(signature.keyId);
  if (key === undefined) return refuse('rules.unknown-key');
  const signatureBytes = decodeBase64(signature.value);
  if (signatureBytes === null || !key.verify(ruleSetSignedBytes(envelope.ruleSet), signatureBytes)) return refuse('rules.signature-invalid');
  const checked = checkRuleSet(envelope.ruleSet);
  return checked.ok ? { ok: true, ruleSet: checked.ruleSet } : refuse('rules.malformed', checked.problems);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64, padded. The domain has no Buffer (nor btoa). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const chars = [18, 12, 6, 0].map((shift) => B64[(n >> shift) & 63]);
    const kept = Math.min(4, bytes.length - i + 1);
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept);
  }
  return out;
}

/** Standard base64 (padding optional); null when malformed. The domain has no Buffer. */
export function decodeBase64(text: string): Uint8Array | null {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  const clean = text.slice(0, end);
  if (clean.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(clean)) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const char of clean) {
    value = (value << 6) | B64.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
