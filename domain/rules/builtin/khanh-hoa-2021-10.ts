import type { RuleSet } from '../rule-set.js';
import { and, before, ifThen, notAfter, notBefore, time, v } from './certlogic-helpers.js';
import { STALE_DATA_DEFAULTS, STALE_DATA_POLICY } from './stale-data-policy.js';

const NOW = time('scan.at');

/**
 * Khánh Hòa, October 2021: the first province to colour the card (PC-Covid 4.0.4).
 * Green: a full course (2 doses, or 1 of a single-dose vaccine) at least 14 days ago, or
 * recovered within 180 days. Yellow: a first dose at least 14 days ago, or a negative PCR
 * within 72 hours. Red: everyone else. F0, or in F1 quarantine: red whatever else holds.
 */
export const KHANH_HOA_2021_10: RuleSet = {
  id: 'khanh-hoa-2021-10',
  version: '1.0.0',
  validFrom: '2021-10-01T00:00:00+07:00',
  description: {
    vi: 'Khánh Hòa, tháng 10/2021: thẻ xanh, vàng, đỏ theo tiêm chủng, xét nghiệm và cách ly',
    en: 'Khánh Hòa, October 2021: green, yellow and red by vaccination, testing and quarantine',
  },
  parameters: { ...STALE_DATA_DEFAULTS },
  rules: [
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
      reason: { code: 'recovered', vi: 'Đã khỏi bệnh COVID-19 trong vòng 180 ngày', en: 'Recovered from COVID-19 within 180 days' },
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
  ],
  default: {
    colour: 'red',
    reason: { code: 'no-protection', vi: 'Chưa tiêm vắc-xin, chưa có xét nghiệm âm tính', en: 'Not vaccinated and no negative test' },
  },
  policies: [STALE_DATA_POLICY],
};
