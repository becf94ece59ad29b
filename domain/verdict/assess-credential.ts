import type { Credential, ParseError, PersonIdentifiers } from '../credentials/credential.js';
import { MANUAL_NOT_VERIFIED } from './manual-not-verified.js';
import { NO_FACTS, type PersonFacts } from '../facts/person-facts.js';
import type { RuleSetOutcome } from '../rules/compiled-rule-set.js';
import type { RuleContext } from '../rules/rule-input.js';
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

/** The rule set in force, as the assessment needs it. */
export interface Rules {
  readonly requiresFacts: boolean;
  evaluate(facts: PersonFacts, context: RuleContext): RuleSetOutcome;
}

export interface LocalFacts {
  readonly facts: PersonFacts;
  /** Milliseconds since these facts were synced, when known. */
  readonly ageMs?: number;
}

export const UNKNOWN_PERSON: Reason = {
  code: 'person.unknown',
  vi: 'Không có dữ liệu tiêm chủng, xét nghiệm của người này',
  en: 'No vaccination or test record for this person',
};

export { MANUAL_NOT_VERIFIED };

const RULE_FAILURE_HEADLINE: Bilingual = { vi: 'MỜI GẶP NHÂN VIÊN', en: 'Please see staff' };

/**
 * From a credential to a colour. A credential that cannot be trusted decides nothing.
 * Otherwise the kiosk's local facts about the person decide; failing those, the facts a
 * trusted credential carries itself (a signed pass, a DCC); failing both, no colour —
 * unless the rules in force decide on identity alone (an access list).
 */
export function assessCredential(
  credential: Credential,
  findLocalFacts: (identifiers: PersonIdentifiers) => LocalFacts | undefined,
  rules: Rules,
  nowMs: number,
): Assessment {
  const assessment = assessTrusted(credential, findLocalFacts, rules, nowMs);
  return credential.authenticity === 'manual' ? { ...assessment, reasons: [...assessment.reasons, MANUAL_NOT_VERIFIED] } : assessment;
}

function assessTrusted(
  credential: Credential,
  findLocalFacts: (identifiers: PersonIdentifiers) => LocalFacts | undefined,
  rules: Rules,
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
  const facts = local?.facts ?? carried;
  if (facts === undefined && rules.requiresFacts) {
    return { outcome: 'none', headline: NO_COLOUR_HEADLINES['unknown-person'], reasons: [UNKNOWN_PERSON], factsFrom: null };
  }
  const { id12, oldId9, bhxh } = credential.identifiers;
  const decided = rules.evaluate(facts ?? NO_FACTS, {
    nowMs,
    credential: { kind: credential.kind, authenticity: credential.authenticity },
    person: { ...(id12 === undefined ? {} : { id12 }), ...(oldId9 === undefined ? {} : { oldId: oldId9 }), ...(bhxh === undefined ? {} : { bhxh }) },
    // Only local facts age with the sync; a credential's own facts are as fresh as its signature says.
    ...(local?.ageMs === undefined ? {} : { dataAgeMs: local.ageMs }),
  });
  return {
    outcome: decided.outcome,
    headline: decided.outcome === 'none' ? RULE_FAILURE_HEADLINE : COLOUR_HEADLINES[decided.outcome],
    // The credential's own problems (an expired insurance card, a name a keyboard wedge
    // garbled) do not change the colour but are said beside it, and logged with the entry.
    reasons: [...decided.reasons, ...credential.problems.map((p) => ({ code: p.code, ...p.message }))],
    ruleSet: decided.ruleSet,
    factsFrom: local !== undefined ? 'local' : carried !== undefined ? 'credential' : null,
  };
}

export function assessParseError(error: ParseError): Assessment {
  // A tail of a code says so in its headline: the person should simply scan again.
  const headline = error.code === 'scan.start-missing' ? NO_COLOUR_HEADLINES['scan-again'] : NO_COLOUR_HEADLINES.unreadable;
  return { outcome: 'none', headline, reasons: [{ code: error.code, ...error.message }], factsFrom: null };
}

/** The identifier an entry is logged under: the strongest one the credential has. */
export function loggedIdentifier(identifiers: PersonIdentifiers): string | null {
  return identifiers.id12 ?? identifiers.oldId9 ?? identifiers.bhxh ?? null;
}
