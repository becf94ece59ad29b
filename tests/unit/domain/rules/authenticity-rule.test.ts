import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Credential } from '../../../../domain/credentials/credential.js';
import { isParseError } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import { buildRuleInput } from '../../../../domain/rules/rule-input.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { assessCredential } from '../../../../domain/verdict/assess-credential.js';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const ID = '056089001234';
const CCCD = `${ID}|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Nha Trang|10072021`;
const FULLY_VACCINATED: PersonFacts = {
  ...NO_FACTS,
  doses: [
    { dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-08-01', product: 'EU/1/20/1528' },
  ],
};
const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const trust = { now: NOW, hubKeys: hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]) };

/**
 * A phase that trusts only what proves itself: an unsigned card (CCCD / BHYT QR) or a bare
 * number is at most yellow. The authenticity is a rule input, so officials can say so as data.
 */
const SIGNED_ONLY_GREEN: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'signed-only-green',
  policies: [
    ...(KHANH_HOA_2021_10.policies ?? []),
    {
      id: 'unsigned-at-most-yellow',
      from: ['green'],
      to: 'yellow',
      when: { in: [{ var: 'credential.authenticity' }, ['unsigned', 'manual']] },
      reason: { code: 'credential-unsigned', vi: 'Giấy tờ không có chữ ký số', en: 'The credential is not digitally signed' },
    },
  ],
};

function credentialOf(text: string): Credential {
  const parsed = parseScan(text, trust);
  if (isParseError(parsed)) throw new Error(parsed.code);
  return parsed;
}

describe('credential.authenticity as a rule input', () => {
  const compiled = CompiledRuleSet.compile(SIGNED_ONLY_GREEN);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const decide = (text: string) => {
    const assessment = assessCredential(credentialOf(text), () => ({ facts: FULLY_VACCINATED, ageMs: 3600_000 }), compiled.compiled, NOW);
    return [assessment.outcome, assessment.reasons.map((r) => r.code)];
  };

  it.each([
    ['a CCCD QR (unsigned)', CCCD, ['yellow', ['vaccinated-full', 'credential-unsigned']]],
    ['a bare ID number (manual)', ID, ['yellow', ['vaccinated-full', 'credential-unsigned', 'credential.manual']]],
    ['a signed status pass', issuePass(hubKey, { id12: ID, now: NOW, validForHours: 24 }), ['green', ['vaccinated-full']]],
  ])('a phase that colours unsigned credentials yellow: %s → %j', (_label, text, expected) => {
    expect(decide(text)).toEqual(expected);
  });

  it('reaches the rule input as the credential says, every class including manual', () => {
    for (const authenticity of ['signed-valid', 'chip-verified', 'unsigned', 'manual'] as const) {
      const input = buildRuleInput(NO_FACTS, { nowMs: NOW, credential: { kind: 'cccd-qr', authenticity } }, {});
      expect(input.credential).toEqual({ kind: 'cccd-qr', authenticity });
    }
    expect(credentialOf(ID).authenticity).toBe('manual');
    expect(credentialOf(CCCD).authenticity).toBe('unsigned');
  });
});
