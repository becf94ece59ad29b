import { describe, expect, it } from 'vitest';
import { parseMrz } from '../../../../domain/chip/lds/mrz.js';
import { passiveAuthReason } from '../../../../domain/chip/passive-auth-reasons.js';
import type { ChipReadResult } from '../../../../domain/chip/read-chip.js';
import { chipCredential } from '../../../../domain/credentials/chip-credential.js';
import { isParseError, type Credential } from '../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { NO_FACTS, type PersonFacts } from '../../../../domain/facts/person-facts.js';
import { KHANH_HOA_2021_10 } from '../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../domain/rules/compiled-rule-set.js';
import type { RuleSet } from '../../../../domain/rules/rule-set.js';
import { assessCredential } from '../../../../domain/verdict/assess-credential.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';

const NOW = Date.parse('2022-06-20T08:00:00+07:00');
/** The card emulator's fictitious person (make_vn_sample.py), as the card's QR and as its chip. */
const ID = '001095000225';
const QR = `${ID}||Nguyễn Văn A|10081995|Nam|Số 1 Phố Huế, Hoàn Kiếm, Hà Nội|01012022`;
const MRZ = parseMrz('IDVNM0950002257001095000225<<8' + '9508107M3508105VNM<<<<<<<<<<<2' + 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<');
const FULLY_VACCINATED: PersonFacts = {
  ...NO_FACTS,
  doses: [
    { dose: 1, date: '2021-07-01', product: 'EU/1/20/1528' },
    { dose: 2, date: '2021-08-01', product: 'EU/1/20/1528' },
  ],
};

/** A phase where only an ID card whose chip the issuer's signature vouches for is green: the rest is at most yellow. */
const CHIP_VERIFIED_ONLY_GREEN: RuleSet = {
  ...KHANH_HOA_2021_10,
  id: 'chip-verified-only-green',
  policies: [
    ...(KHANH_HOA_2021_10.policies ?? []),
    {
      id: 'not-chip-verified-at-most-yellow',
      from: ['green'],
      to: 'yellow',
      when: { '!': [{ and: [{ '===': [{ var: 'credential.kind' }, 'chip'] }, { '===': [{ var: 'credential.authenticity' }, 'chip-verified'] }] }] },
      reason: { code: 'credential-not-chip-verified', vi: 'Chưa xác thực bằng chip thẻ căn cước', en: 'Not verified by the ID card’s chip' },
    },
  ],
};

function chipRead(outcome: 'chip-verified' | 'chip-integrity-only'): ChipReadResult {
  return {
    access: 'pace-can',
    passive: { outcome, reason: passiveAuthReason(outcome === 'chip-verified' ? 'chip.pa.verified' : 'chip.pa.csca-unknown'), checkedDataGroups: [1] },
    dataGroups: [1],
    mrz: MRZ,
    timings: [],
  };
}

function qrCredential(): Credential {
  const parsed = parseScan(QR, { now: NOW, hubKeys: hubKeyStoreFromKeys([]) });
  if (isParseError(parsed)) throw new Error(parsed.code);
  return parsed;
}

describe('a rule set that greens only chip-verified ID cards', () => {
  const compiled = CompiledRuleSet.compile(CHIP_VERIFIED_ONLY_GREEN);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const decide = (credential: Credential): [string, string[]] => {
    const seen: string[] = [];
    const assessment = assessCredential(
      credential,
      (ids) => {
        seen.push(ids.id12 ?? '');
        return { facts: FULLY_VACCINATED, ageMs: 60_000 };
      },
      compiled.compiled,
      NOW,
    );
    // The chip and the QR find the same person's facts by the same ID.
    expect(seen).toEqual([ID]);
    return [assessment.outcome, assessment.reasons.map((reason) => reason.code)];
  };

  it('the chip, verified under a trusted CSCA: green', () => {
    expect(decide(chipCredential(chipRead('chip-verified')))).toEqual(['green', ['vaccinated-full']]);
  });

  it("the same person's card QR: yellow", () => {
    expect(decide(qrCredential())).toEqual(['yellow', ['vaccinated-full', 'credential-not-chip-verified']]);
  });

  it('the chip, intact but under no trusted CSCA: yellow, with the reason from passive authentication', () => {
    expect(decide(chipCredential(chipRead('chip-integrity-only')))).toEqual([
      'yellow',
      ['vaccinated-full', 'credential-not-chip-verified', 'chip.pa.csca-unknown'],
    ]);
  });
});
