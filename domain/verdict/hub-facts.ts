import type { PersonFacts } from '../facts/person-facts.js';
import type { Reason } from '../text/bilingual.js';

/**
 * What the kiosk got when it asked its hub about a person outside its synced data
 * (`GET /v1/person/:id/facts`, checked): their facts, a signed "not known", or nothing in time
 * (offline, a timeout, a refusal, an answer that did not verify) — then the rule set's
 * "unknown" policy decides, as it does offline.
 */
export type HubFactsAnswer = { readonly answer: 'facts'; readonly facts: PersonFacts } | { readonly answer: 'not-known' } | { readonly answer: 'no-answer' };

/**
 * Said beside the verdict and logged with its entry (reason codes: docs/entry-log.md), so the
 * entry records where the facts came from without a new entry format: an entry with none of
 * these codes was decided on the kiosk's own data (or the credential's, or nobody's).
 */
export const HUB_FACTS_REASONS = {
  /** The colour was decided on the hub's answer: the person is outside the kiosk's data. */
  fromHub: { code: 'facts.from-hub', vi: 'Dữ liệu hỏi từ máy chủ', en: 'Facts asked from the hub' },
  /** The hub answered, signed, that it knows nobody by this ID. */
  hubNotKnown: { code: 'facts.hub-not-known', vi: 'Máy chủ không có dữ liệu về người này', en: 'The hub has no record of this person' },
  /** The hub was asked and gave no usable answer in time: the "unknown" policy decided. */
  hubNoAnswer: { code: 'facts.hub-no-answer', vi: 'Máy chủ không trả lời kịp', en: 'The hub did not answer in time' },
} as const satisfies Record<string, Reason>;

/** The reason an assessment gets from a hub lookup, if one was made (or held from a moment ago). */
export function hubFactsReason(asked: HubFactsAnswer | undefined, factsFrom: string | null): Reason | undefined {
  if (asked === undefined) return undefined;
  if (factsFrom === 'hub') return HUB_FACTS_REASONS.fromHub;
  // Local or a credential's own facts decided after all: the lookup changed nothing worth saying.
  if (factsFrom !== null) return undefined;
  return asked.answer === 'not-known' ? HUB_FACTS_REASONS.hubNotKnown : asked.answer === 'no-answer' ? HUB_FACTS_REASONS.hubNoAnswer : undefined;
}
