import { idProvinceKnown, UNLISTED_PROVINCE } from '../credentials/citizen-id.js';
import type { Credential, CredentialProblem, ParseError, PersonIdentifiers } from '../credentials/credential.js';
import { MANUAL_NOT_VERIFIED } from './manual-not-verified.js';
import { NO_FACTS, type PersonFacts } from '../facts/person-facts.js';
import type { RuleSetOutcome } from '../rules/compiled-rule-set.js';
import type { FactsSource, RuleContext } from '../rules/rule-input.js';
import { UNKNOWN_PERSON } from '../rules/unknown-person.js';
import type { Bilingual, Reason } from '../text/bilingual.js';
import { COLOUR_HEADLINES, NO_COLOUR_HEADLINES, type Outcome } from './verdict.js';

/** The decision about one credential, before it is logged and shown. */
export interface Assessment {
  readonly outcome: Outcome;
  readonly headline: Bilingual;
  readonly reasons: readonly Reason[];
  readonly ruleSet?: { readonly id: string; readonly version: string };
  /** Where the facts behind the colour came from. */
  readonly factsFrom: Exclude<FactsSource, 'none'> | null;
}

/** The rule set in force, as the assessment needs it. */
export interface Rules {
  evaluate(facts: PersonFacts, context: RuleContext): RuleSetOutcome;
}

export interface LocalFacts {
  readonly facts: PersonFacts;
  /** Milliseconds since these facts were synced, when known. */
  readonly ageMs?: number;
  /** Not from the kiosk's own data but the hub's answer about a person outside its scope (docs/hub-api.md). */
  readonly from?: 'hub';
}

export { MANUAL_NOT_VERIFIED, UNKNOWN_PERSON };

/** A rule set's "see staff", or a rule it could not apply. */
const SEE_STAFF_HEADLINE: Bilingual = { vi: 'MỜI GẶP NHÂN VIÊN', en: 'Please see staff' };

/**
 * From a credential to a colour. A credential that cannot be trusted decides nothing.
 * Otherwise the rules in force decide, on the kiosk's local facts about the person; failing
 * those, on the facts a trusted credential carries itself (a signed pass, a DCC); failing
 * both, on the person being unknown here (`facts.known` false): the phase's rule set says
 * whether that is red, yellow or "see staff".
 */
export function assessCredential(
  credential: Credential,
  findLocalFacts: (identifiers: PersonIdentifiers) => LocalFacts | undefined,
  rules: Rules,
  nowMs: number,
  clockTrusted = true,
): Assessment {
  const assessment = assessTrusted(credential, findLocalFacts, rules, nowMs, clockTrusted);
  return credential.authenticity === 'manual' ? { ...assessment, reasons: [...assessment.reasons, MANUAL_NOT_VERIFIED] } : assessment;
}

function assessTrusted(
  credential: Credential,
  findLocalFacts: (identifiers: PersonIdentifiers) => LocalFacts | undefined,
  rules: Rules,
  nowMs: number,
  clockTrusted: boolean,
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
  const factsSource: FactsSource = local !== undefined ? (local.from ?? 'local') : carried !== undefined ? 'credential' : 'none';
  const { id12, oldId9, bhxh } = credential.identifiers;
  const provinceKnown = idProvinceKnown(id12);
  const decided = rules.evaluate(local?.facts ?? carried ?? NO_FACTS, {
    nowMs,
    factsSource,
    clockTrusted,
    credential: {
      kind: credential.kind,
      authenticity: credential.authenticity,
      // A card's printed validity (a health-insurance card's), for the rules to compare with the scan.
      ...('validFrom' in credential && credential.validFrom !== undefined ? { validFrom: credential.validFrom } : {}),
      ...('validTo' in credential && credential.validTo !== undefined ? { validTo: credential.validTo } : {}),
    },
    person: {
      ...(id12 === undefined ? {} : { id12 }),
      ...(oldId9 === undefined ? {} : { oldId: oldId9 }),
      ...(bhxh === undefined ? {} : { bhxh }),
      ...(provinceKnown === undefined ? {} : { idProvinceKnown: provinceKnown }),
    },
    // Only local facts age with the sync; a credential's own facts are as fresh as its signature says.
    ...(local?.ageMs === undefined ? {} : { dataAgeMs: local.ageMs }),
  });
  // No colour for a person the kiosk knows nothing about is "no record"; for anyone else, "see staff".
  const noColourHeadline = factsSource === 'none' ? NO_COLOUR_HEADLINES['unknown-person'] : SEE_STAFF_HEADLINE;
  return {
    outcome: decided.outcome,
    headline: decided.outcome === 'none' ? noColourHeadline : COLOUR_HEADLINES[decided.outcome],
    // The credential's own problems (an expired insurance card, a name a keyboard wedge
    // garbled, an ID whose province code is off the list) are said beside the colour and
    // logged with the entry; the rule set decides whether they change it (rule-input.ts).
    reasons: [...decided.reasons, ...[...credential.problems, ...identifierWarnings(provinceKnown)].map((p) => ({ code: p.code, ...p.message }))],
    ruleSet: decided.ruleSet,
    factsFrom: factsSource === 'none' ? null : factsSource,
  };
}

/** What the ID's structure says that refuses nothing: a province code off the list (citizen-id.ts). */
const identifierWarnings = (provinceKnown: boolean | undefined): CredentialProblem[] => (provinceKnown === false ? [UNLISTED_PROVINCE] : []);

export function assessParseError(error: ParseError): Assessment {
  // A tail of a code says so in its headline: the person should simply scan again.
  const headline = error.code === 'scan.start-missing' ? NO_COLOUR_HEADLINES['scan-again'] : NO_COLOUR_HEADLINES.unreadable;
  return { outcome: 'none', headline, reasons: [{ code: error.code, ...error.message }], factsFrom: null };
}

/** The identifier an entry is logged under: the strongest one the credential has. */
export function loggedIdentifier(identifiers: PersonIdentifiers): string | null {
  return identifiers.id12 ?? identifiers.oldId9 ?? identifiers.bhxh ?? null;
}
