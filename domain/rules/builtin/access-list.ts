import type { RuleSet } from '../rule-set.js';
import { v } from './certlogic-helpers.js';

/**
 * A plain access list — allowed and denied 12-digit IDs, valid for the rule set's window —
 * to show the engine is not tied to one disease (an event's guest list, a staff entrance).
 * Publish it with the lists in `parameters` (e.g. `chot hub rules publish list.json`).
 */
export const ACCESS_LIST: RuleSet = {
  id: 'access-list',
  version: '1.0.0',
  validFrom: '2021-01-01T00:00:00+07:00',
  description: { vi: 'Danh sách ra vào: cho phép hoặc từ chối theo số CCCD', en: 'Access list: allow or deny by citizen ID' },
  requiresFacts: false,
  parameters: { allowed: [], denied: [] },
  rules: [
    {
      id: 'denied',
      colour: 'red',
      when: { in: [v('person.id12'), v('params.denied')] },
      reason: { code: 'access-denied', vi: 'Có tên trong danh sách không được vào', en: 'On the denied list' },
    },
    {
      id: 'allowed',
      colour: 'green',
      when: { in: [v('person.id12'), v('params.allowed')] },
      reason: { code: 'access-allowed', vi: 'Có tên trong danh sách được vào', en: 'On the allowed list' },
    },
  ],
  default: { colour: 'red', reason: { code: 'access-not-listed', vi: 'Không có tên trong danh sách', en: 'Not on the list' } },
};
