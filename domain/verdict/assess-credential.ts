import type { Credential, ParseError, PersonIdentifiers } from '../credentials/credential.js';
import type { PersonFacts } from '../facts/person-facts.js';
import type { RuleEvaluator } from '../rules/rule-outcome.js';
import type { Bilingual, Reason } from '../text/bilingual.js';
import { COLOUR_HEADLINES, NO_COLOUR_HEADLINES, type Outcome } from './verdict.js';

/** The decision about one credential, before it is logged and shown. */
export interface Assessment {
  readonly outcome: Outcome;
  readonly headline: Bilingual;
  readonly reasons: readonly Reason[];
  readonly ruleSet?: { readonly id: string; readonly version: string };
  /** Where the facts behind the colour came from. */
  readonly factsFrom: 'local' | 'credential' | null;
}

export const UNKNOWN_PERSON: Reason = {
  code: 'person.unknown',
  vi: 'Không có dữ liệu tiêm chủng, xét nghiệm của người này',
  en: 'No vaccination or test record for this person',
};

/**
 * From a credential to a colour. A credential that cannot be trusted decides nothing.
 * Otherwise the kiosk's local facts about the person decide; failing those, the facts a
 * trusted credential carries itself (a signed pass, a DCC); failing both, no colour.
 */
export function assessCredential(
  credential: Credential,
  findLocalFacts: (identifiers: PersonIdentifiers) => PersonFacts | undefined,
  evaluate: RuleEvaluator,
  nowMs: number,
): Assessment {
  if (credential.authenticity === 'invalid') {
    return {
      outcome: 'none',
      headline: NO_COLOUR_HEADLINES.invalid,
      reasons: credential.problems.map((p) => ({ code: p.code, ...p.message })),
      factsFrom: null,
    };
  }
  const local = findLocalFacts(credential.identifiers);
  const carried = 'embeddedFacts' in credential ? credential.embeddedFacts : undefined;
  const facts = local ?? carried;
  if (facts === undefined) return { outcome: 'none', headline: NO_COLOUR_HEADLINES['unknown-person'], reasons: [UNKNOWN_PERSON], factsFrom: null };
  const decided = evaluate(facts, nowMs);
  return {
    outcome: decided.colour,
    headline: COLOUR_HEADLINES[decided.colour],
    reasons: decided.reasons,
    ruleSet: decided.ruleSet,
    factsFrom: local === undefined ? 'credential' : 'local',
  };
}

export function assessParseError(error: ParseError): Assessment {
  return { outcome: 'none', headline: NO_COLOUR_HEADLINES.unreadable, reasons: [{ code: error.code, ...error.message }], factsFrom: null };
}

/** The identifier an entry is logged under: the strongest one the credential has. */
export function loggedIdentifier(identifiers: PersonIdentifiers): string | null {
  return identifiers.id12 ?? identifiers.oldId9 ?? identifiers.bhxh ?? null;
}
