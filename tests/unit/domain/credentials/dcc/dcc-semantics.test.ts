import { describe, expect, it } from 'vitest';
import { recoveryHcert, testHcert, vaccinationHcert } from '../../../../support/dcc-fixtures.js';
import { atTheGate } from './dcc-verdict-path.js';

/**
 * A DCC is decided by what its entries mean, not only by its signature: the EU value sets
 * for every code the colour depends on, the issuer's validity window of a recovery, and
 * the positive test behind it. Each case goes the whole way (signed → parseScan →
 * assessCredential with the built-in rules) and is a correctly signed, schema-valid
 * certificate: the signature is not what stops it.
 */

/** 08:00 in Vietnam on 20 October 2021. */
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const dose = (entry: Record<string, unknown>) => vaccinationHcert({ v: [{ ...(vaccinationHcert().v as object[])[0], ...entry }] });

const decide = (hcert: unknown, nowMs = NOW) => {
  const { credential, assessment } = atTheGate(hcert, nowMs);
  // Every case is authentic: what stops it is its meaning.
  expect(credential.authenticity, JSON.stringify(credential.problems)).toBe('signed-valid');
  return { outcome: assessment.outcome, reasons: assessment.reasons.map((r) => r.code), text: assessment.reasons[0], factsFrom: assessment.factsFrom };
};

describe('a certificate of recovery is checked at the moment of the scan', () => {
  it.each([
    ['expired: its last valid day (du) has passed', 'red', 'recovery-expired', { fr: '2021-03-01', df: '2021-03-12', du: '2021-08-28' }],
    ['not valid yet: its first valid day (df) is in the future', 'red', 'recovery-not-yet-valid', { fr: '2021-10-01', df: '2021-10-25', du: '2022-03-30' }],
    [
      'its first positive result (fr) was yesterday, though the issuer made it valid at once',
      'red',
      'test-positive',
      { fr: '2021-10-19', df: '2021-10-19', du: '2022-04-17' },
    ],
    ['its positive result was 13 days ago', 'red', 'test-positive', { fr: '2021-10-07', df: '2021-10-18', du: '2022-04-04' }],
    ['inside its window, the positive result 14 days ago or more', 'green', 'recovered', { fr: '2021-09-01', df: '2021-09-12', du: '2022-02-28' }],
    ['on its last valid day', 'green', 'recovered', { fr: '2021-05-01', df: '2021-05-12', du: '2021-10-20' }],
    ['inside its window but more than 180 days after the positive result', 'red', 'recovery-expired', { fr: '2021-04-01', df: '2021-04-12', du: '2022-04-01' }],
    ['about another disease (tg)', 'red', 'certificate-not-covid', { tg: '14189004' }],
  ])('%s → %s (%s)', (_label, colour, reason, entry) => {
    const verdict = decide(recoveryHcert(entry));
    expect([verdict.outcome, verdict.reasons]).toEqual([colour, [reason]]);
    expect(verdict.factsFrom).toBe('credential');
  });

  it('says why in Vietnamese first, English beside it', () => {
    expect(decide(recoveryHcert({ fr: '2021-03-01', df: '2021-03-12', du: '2021-08-28' })).text).toMatchObject({
      vi: expect.stringMatching(/^Giấy chứng nhận khỏi bệnh đã hết hiệu lực/),
      en: expect.stringMatching(/^The certificate of recovery has expired/),
    });
    expect(decide(recoveryHcert({ fr: '2021-10-19', df: '2021-10-19' })).text).toMatchObject({
      vi: expect.stringMatching(/dương tính/),
      en: expect.stringMatching(/positive/),
    });
  });
});

describe('a vaccination counts only for a recognised COVID-19 vaccine', () => {
  it.each([
    ['a product that is no vaccine (NOT-A-VACCINE)', 'red', 'vaccine-not-recognised', { mp: 'NOT-A-VACCINE' }],
    ['a product in the EU value set that was never authorised (CVnCoV)', 'red', 'vaccine-not-recognised', { mp: 'CVnCoV' }],
    ['a vaccine type outside the value set (vp)', 'red', 'vaccine-not-recognised', { vp: '123456789' }],
    ['another disease (tg)', 'red', 'certificate-not-covid', { tg: '14189004' }],
    ['a COVID-19 vaccine by its current code', 'green', 'vaccinated-full', {}],
    ['a COVID-19 vaccine by a code the EU later renamed (NVX-CoV2373 → Nuvaxovid)', 'green', 'vaccinated-full', { mp: 'NVX-CoV2373' }],
    ['a vaccine type the EU deprecated after issuing it (J07BX03)', 'green', 'vaccinated-full', { vp: 'J07BX03' }],
  ])('%s → %s (%s)', (_label, colour, reason, entry) => {
    const verdict = decide(dose(entry));
    expect([verdict.outcome, verdict.reasons]).toEqual([colour, [reason]]);
  });

  it.each([
    ['the second of two doses 5 days ago', { dn: 2, sd: 2, dt: '2021-10-15' }],
    ['the first of two doses 13 days ago', { dn: 1, sd: 2, dt: '2021-10-07' }],
  ])('vaccinated, but %s: red, and the reason says the 14 days are not over (not "not vaccinated")', (_label, entry) => {
    const verdict = decide(dose(entry));
    expect([verdict.outcome, verdict.reasons]).toEqual(['red', ['vaccinated-under-14-days']]);
    expect(verdict.text).toMatchObject({ vi: expect.stringMatching(/chưa đủ 14 ngày/), en: expect.stringMatching(/less than 14 days ago/) });
  });

  it('says so: "Vắc-xin không thuộc danh mục được công nhận"', () => {
    expect(decide(dose({ mp: 'NOT-A-VACCINE' })).text).toMatchObject({
      vi: expect.stringMatching(/^Vắc-xin không thuộc danh mục được công nhận/),
      en: expect.stringMatching(/^Not a recognised COVID-19 vaccine/),
    });
    expect(decide(dose({ tg: '14189004' })).text).toMatchObject({
      vi: expect.stringMatching(/không phải về COVID-19/),
      en: expect.stringMatching(/not about COVID-19/),
    });
  });
});

describe('a test counts only with codes from the value sets, and a positive one is F0', () => {
  it.each([
    ['a negative PCR 10 hours ago', 'yellow', 'test-negative', {}],
    ['a test type outside the value set (tt)', 'red', 'test-not-recognised', { tt: 'LP0000-0' }],
    ['a test result outside the value set (tr)', 'red', 'test-not-recognised', { tr: '1240581000000104' }],
    ['a test for another disease (tg)', 'red', 'certificate-not-covid', { tg: '14189004' }],
    ['a positive PCR yesterday', 'red', 'test-positive', { tr: '260373001' }],
    ['a positive rapid test yesterday', 'red', 'test-positive', { tt: 'LP217198-3', tr: '260373001' }],
  ])('%s → %s (%s)', (_label, colour, reason, entry) => {
    const verdict = decide(testHcert(entry));
    expect([verdict.outcome, verdict.reasons]).toEqual([colour, [reason]]);
  });

  it('a positive test 14 days ago is no longer F0 (and not protection either)', () => {
    const verdict = decide(testHcert({ tr: '260373001', sc: '2021-10-06T08:00:00+07:00' }));
    expect([verdict.outcome, verdict.reasons]).toEqual(['red', ['no-protection']]);
  });
});
