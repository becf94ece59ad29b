import type { PolicyRule } from '../rule-set.js';
import { and, v } from './certlogic-helpers.js';

/**
 * Stale data: when the kiosk's facts are older than `params.staleAfterHours` (default 24),
 * a green verdict becomes yellow, so staff look twice at people the kiosk may know too
 * little about. An unknown data age (no sync has ever happened) does not trigger it.
 */
export const STALE_DATA_POLICY: PolicyRule = {
  id: 'stale-data',
  from: ['green'],
  to: 'yellow',
  when: and(v('kiosk.dataAgeKnown'), { '>': [v('kiosk.dataAgeHours'), v('params.staleAfterHours')] }),
  reason: { code: 'data-stale', vi: 'Dữ liệu chưa cập nhật', en: 'Data not up to date' },
};

export const STALE_DATA_DEFAULTS = { staleAfterHours: 24 } as const;
