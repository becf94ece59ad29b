import type { RuleSet } from '../rule-set.js';
import { ACCESS_LIST } from './access-list.js';
import { KHANH_HOA_2021_10 } from './khanh-hoa-2021-10.js';

/** The rule sets Chốt ships, by id. A new hub publishes the default one. */
export const BUILTIN_RULE_SETS: Readonly<Record<string, RuleSet>> = {
  [KHANH_HOA_2021_10.id]: KHANH_HOA_2021_10,
  [ACCESS_LIST.id]: ACCESS_LIST,
};

export const DEFAULT_RULE_SET = KHANH_HOA_2021_10;
