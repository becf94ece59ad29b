import type { UncountedReason } from '../../facts/person-facts.js';
import type { Reason } from '../../text/bilingual.js';
import type { RuleSet } from '../rule-set.js';
import { and, before, either, ifThen, notAfter, notBefore, some, time, v } from './certlogic-helpers.js';
import { FACTS_UNKNOWN, UNKNOWN_PERSON } from '../unknown-person.js';
import { STALE_DATA_DEFAULTS, STALE_DATA_POLICY } from './stale-data-policy.js';

const NOW = time('scan.at');
const CERTIFICATE = 'facts.recoveryCertificate';
/** From `path`'s instant (inclusive) for `days` days: F0 counts 14 days from the positive test. */
const withinDaysOf = (path: string, days: number) => and(notBefore(NOW, time(path)), before(NOW, time(path, days, 'day')));
const POSITIVE: Reason = {
  code: 'test-positive',
  vi: 'Có kết quả xét nghiệm dương tính trong vòng 14 ngày (F0)',
  en: 'Tested positive within the last 14 days (F0)',
};
const RECOVERED: Reason = { code: 'recovered', vi: 'Đã khỏi bệnh COVID-19 trong vòng 180 ngày', en: 'Recovered from COVID-19 within 180 days' };
/** A certificate's entry left out of the facts for one of these reasons (rule-input.ts, facts.notCounted). */
const uncounted = (...why: UncountedReason[]) => some('facts.notCounted', { in: [v('current.why'), why] });

/**
 * Khánh Hòa, October 2021: the first province to colour the card (PC-Covid 4.0.4).
 * Green: a full course (2 doses, or 1 of a single-dose vaccine) at least 14 days ago, or
 * recovered within 180 days. Yellow: a first dose at least 14 days ago, or a negative PCR
 * within 72 hours. Red: everyone else. F0, or in F1 quarantine: red whatever else holds —
 * and a positive test within 14 days is F0, whether a test or a certificate of recovery
 * (its first positive result) states it.
 *
 * A person the kiosk has no facts about (not in the province's data, no certificate of their
 * own: a traveller from another province) gets no colour: "no record — see staff".
 *
 * A certificate of recovery is green only inside the issuer's window (valid from … until)
 * and within 180 days of its positive test. The red rules at the end change no colour (red
 * is the default): they say why a certificate did not count, or that the last dose is not
 * 14 days old yet, instead of "not vaccinated".
 */
export const KHANH_HOA_2021_10: RuleSet = {
  id: 'khanh-hoa-2021-10',
  version: '1.2.0',
  validFrom: '2021-10-01T00:00:00+07:00',
  description: {
    vi: 'Khánh Hòa, tháng 10/2021: thẻ xanh, vàng, đỏ theo tiêm chủng, xét nghiệm và cách ly',
    en: 'Khánh Hòa, October 2021: green, yellow and red by vaccination, testing and quarantine',
  },
  parameters: { ...STALE_DATA_DEFAULTS },
  rules: [
    { id: 'unknown-person', colour: 'see-staff', when: FACTS_UNKNOWN, reason: UNKNOWN_PERSON },
    {
      id: 'quarantine',
      colour: 'red',
      when: and(
        v('facts.latestQuarantine'),
        notBefore(NOW, time('facts.latestQuarantine.from')),
        ifThen(v('facts.latestQuarantine.until'), before(NOW, time('facts.latestQuarantine.until')), true),
      ),
      reason: { code: 'quarantine', vi: 'Đang là F0 hoặc đang cách ly F1', en: 'Currently F0 or in F1 quarantine' },
    },
    { id: 'test-positive', colour: 'red', when: and(v('facts.lastPositiveTest'), withinDaysOf('facts.lastPositiveTest.at', 14)), reason: POSITIVE },
    { id: 'recovery-positive-recent', colour: 'red', when: and(v(CERTIFICATE), withinDaysOf(`${CERTIFICATE}.positiveAt`, 14)), reason: POSITIVE },
    {
      id: 'vaccinated-full',
      colour: 'green',
      when: and(v('facts.courseCompleted'), notAfter(time('facts.courseCompleted.at', 14, 'day'), NOW)),
      reason: { code: 'vaccinated-full', vi: 'Đã tiêm đủ liều từ 14 ngày trở lên', en: 'Fully vaccinated at least 14 days ago' },
    },
    {
      id: 'recovered',
      colour: 'green',
      when: and(v('facts.recoveredAt'), notBefore(NOW, time('facts.recoveredAt')), before(NOW, time('facts.recoveredAt', 181, 'day'))),
      reason: RECOVERED,
    },
    {
      id: 'recovered-certificate',
      colour: 'green',
      when: and(
        v(CERTIFICATE),
        notBefore(NOW, time(`${CERTIFICATE}.validFrom`)),
        before(NOW, time(`${CERTIFICATE}.validUntil`)),
        notBefore(NOW, time(`${CERTIFICATE}.positiveAt`, 14, 'day')),
        before(NOW, time(`${CERTIFICATE}.positiveAt`, 181, 'day')),
      ),
      reason: RECOVERED,
    },
    {
      id: 'vaccinated-partial',
      colour: 'yellow',
      when: and(v('facts.firstDose'), notAfter(time('facts.firstDose.at', 14, 'day'), NOW)),
      reason: { code: 'vaccinated-partial', vi: 'Đã tiêm mũi 1 từ 14 ngày trở lên', en: 'First dose at least 14 days ago' },
    },
    {
      id: 'test-negative',
      colour: 'yellow',
      when: and(v('facts.lastNegativePcr'), notBefore(NOW, time('facts.lastNegativePcr.at')), notAfter(NOW, time('facts.lastNegativePcr.at', 72, 'hour'))),
      reason: { code: 'test-negative', vi: 'Xét nghiệm PCR âm tính trong vòng 72 giờ', en: 'Negative PCR test within 72 hours' },
    },
    {
      // Vaccinated, but no dose is 14 days old yet: say so, not "not vaccinated".
      id: 'vaccinated-too-recently',
      colour: 'red',
      when: and(v('facts.lastDose'), before(NOW, time('facts.lastDose.at', 14, 'day'))),
      reason: {
        code: 'vaccinated-under-14-days',
        vi: 'Đã tiêm vắc-xin nhưng mũi gần nhất chưa đủ 14 ngày',
        en: 'Vaccinated, but the last dose was less than 14 days ago',
      },
    },
    {
      id: 'recovery-not-yet-valid',
      colour: 'red',
      when: and(v(CERTIFICATE), before(NOW, time(`${CERTIFICATE}.validFrom`))),
      reason: { code: 'recovery-not-yet-valid', vi: 'Giấy chứng nhận khỏi bệnh chưa có hiệu lực', en: 'The certificate of recovery is not valid yet' },
    },
    {
      id: 'recovery-expired',
      colour: 'red',
      when: and(v(CERTIFICATE), either(notBefore(NOW, time(`${CERTIFICATE}.validUntil`)), notBefore(NOW, time(`${CERTIFICATE}.positiveAt`, 181, 'day')))),
      reason: {
        code: 'recovery-expired',
        vi: 'Giấy chứng nhận khỏi bệnh đã hết hiệu lực (quá 180 ngày)',
        en: 'The certificate of recovery has expired (over 180 days)',
      },
    },
    {
      id: 'not-covid',
      colour: 'red',
      when: uncounted('disease'),
      reason: {
        code: 'certificate-not-covid',
        vi: 'Chứng nhận không phải về COVID-19, không được tính',
        en: 'The certificate is not about COVID-19 and does not count',
      },
    },
    {
      id: 'vaccine-not-recognised',
      colour: 'red',
      when: uncounted('vaccine-product', 'vaccine-type'),
      reason: {
        code: 'vaccine-not-recognised',
        vi: 'Vắc-xin không thuộc danh mục được công nhận, mũi tiêm không được tính',
        en: 'Not a recognised COVID-19 vaccine: the dose does not count',
      },
    },
    {
      id: 'test-not-recognised',
      colour: 'red',
      when: uncounted('test-type', 'test-result'),
      reason: {
        code: 'test-not-recognised',
        vi: 'Loại hoặc kết quả xét nghiệm không được công nhận, xét nghiệm không được tính',
        en: 'Test type or result not recognised: the test does not count',
      },
    },
  ],
  default: {
    colour: 'red',
    reason: { code: 'no-protection', vi: 'Chưa tiêm vắc-xin, chưa có xét nghiệm âm tính', en: 'Not vaccinated and no negative test' },
  },
  policies: [STALE_DATA_POLICY],
};
