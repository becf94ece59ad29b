import type { Authenticity, CredentialKind } from '../credentials/credential.js';
import { dosesInFullCourse, type PersonFacts } from '../facts/person-facts.js';
import { addDaysMs, toVietnamIso, vietnamMidnightMs } from '../time/calendar-date.js';

/**
 * The data a rule set's conditions read (CertLogic `var` paths). CertLogic's `reduce`
 * cannot see outside the array it folds, so the input also names the facts conditions
 * compare with the scan time (`courseCompleted`, `lastNegativePcr`, `latestQuarantine`…):
 * choosing "which dose" is done here and never depends on the clock; every comparison
 * with the clock stays in the rules. Calendar dates become instants at 00:00 Vietnam
 * time, so "14 days after the second dose" ends exactly at midnight in Vietnam. All
 * instants are ISO 8601 with the +07:00 offset.
 *
 *   facts.known          whether the kiosk has any facts about this person: false when the person
 *                        is in none of the data it holds (a traveller from another province is
 *                        not in this province's data) and the credential carries none. Then every
 *                        other fact is empty, and the phase's rule set says what that means: red,
 *                        yellow or "see staff" (rule-set.ts, SEE_STAFF)
 *   facts.source         where the facts came from: "local" (the kiosk's synced data), "hub" (the
 *                        hub's signed answer about a person outside the kiosk's scope, asked while
 *                        they waited: the same facts a sync carries), "credential" (facts a
 *                        trusted credential carries: a signed pass, a DCC) or "none"
 *                        (facts.known is false); a small list (FACTS_SOURCES) that may grow
 *   facts.doses[], facts.courseCompleted, facts.firstDose, facts.lastDose
 *                        { dose, at, product, totalDoses, completesCourse }
 *   facts.tests[]        { at, kind: "pcr"|"rapid", result: "positive"|"negative" }
 *   facts.lastNegativePcr, facts.lastNegativeRapid, facts.lastPositiveTest   { at }
 *                        (a DCC's test is one of these like any other)
 *   facts.recoveredAt    instant of recovery, from the health platforms (a recovery date,
 *                        nothing more: the rule set's own window applies from it)
 *   facts.recoveryCertificate   a certificate of recovery the person presents (a DCC)
 *                        { positiveAt: the first positive test, validFrom, validUntil: end,
 *                          exclusive (00:00 after the certificate's last valid day) }; the
 *                        issuer's window, which the rule set checks along with its own.
 *                        Facts from the hub never have one, and a DCC never a recoveredAt.
 *   facts.notCounted[]   { kind: "vaccination"|"test"|"recovery", why } entries of a certificate
 *                        left out of the facts above, why: "disease" (not COVID-19),
 *                        "vaccine-product", "vaccine-type", "test-type", "test-result" (a code
 *                        outside the EU value set, or a vaccine not recognised), "incomplete";
 *                        always an array, empty for facts from the hub
 *   facts.quarantine[], facts.latestQuarantine
 *                        { status: "F0"|"F1", from, until } (until: end, exclusive; absent = open)
 *   credential           { kind: "cccd-qr"|"bhyt-qr"|"pass"|"dcc"|"chip"|"manual"|"none",
 *                          authenticity: "signed-valid"|"chip-verified"|"unsigned"|"manual"|"none" }
 *                        (credential.ts: unsigned = a card format without signature, manual = a
 *                        bare ID number), so a phase can colour on how far the credential proves
 *                        itself, e.g. a policy {"in": [{"var": "credential.authenticity"},
 *                        ["unsigned", "manual"]]} green → yellow; validFrom, validUntil: the
 *                        card's own printed validity (a health-insurance card's), instants,
 *                        validUntil exclusive (00:00 after its last valid day), absent when the
 *                        card prints none. A card outside it is still read (the verdict says
 *                        bhyt.expired / bhyt.not-yet-valid beside the colour); the rule set
 *                        decides whether that changes the colour
 *   person               { id12, oldId, bhxh } (whichever are known); idProvinceKnown: whether
 *                        id12's first three digits are on the 2021 province list (present with
 *                        id12). Not a refusal: numbers issued since Law 26/2023 and the 2025
 *                        merger may carry a code off it; the verdict says so beside the colour
 *                        (id.province-unlisted), and a phase may colour on it
 *   scan                 { at, location, lane, direction }
 *   kiosk                { dataAgeHours: whole hours since the last sync, rounded up, so
 *                          "dataAgeHours > 24" means "older than 24 h"; dataAgeKnown;
 *                          clockTrusted: false when the kiosk clock is behind a time the hub
 *                          signed or off from the hub's (domain/time/clock-trust.ts), so a
 *                          phase may take the green away when "now" itself is doubtful; true
 *                          when nothing contradicts it }
 *   params               the rule set's parameters, with the kiosk's overrides
 * A fact that is absent is absent (CertLogic `var` gives null), never an empty object.
 */
/**
 * Where the facts a rule set reads came from: the kiosk's synced data ("local"), the hub
 * asked while the person waited, about someone outside the kiosk's scope ("hub": the same
 * facts a sync carries, signed for this kiosk moments ago), the credential itself, or
 * "none": the person is in no data the kiosk has or could ask for.
 */
export const FACTS_SOURCES = ['local', 'hub', 'credential', 'none'] as const;
export type FactsSource = (typeof FACTS_SOURCES)[number];

export interface DoseInput {
  readonly dose: number;
  readonly at: string;
  readonly product: string;
  readonly totalDoses: number;
  readonly completesCourse: boolean;
}

export interface RuleInput {
  readonly facts: {
    readonly known: boolean;
    readonly source: FactsSource;
    readonly doses: readonly DoseInput[];
    /** The earliest dose that completed a primary course (a later booster does not restart the 14 days). */
    readonly courseCompleted?: DoseInput;
    readonly firstDose?: DoseInput;
    readonly lastDose?: DoseInput;
    readonly tests: readonly { at: string; kind: string; result: string }[];
    readonly lastNegativePcr?: { readonly at: string };
    readonly lastNegativeRapid?: { readonly at: string };
    readonly lastPositiveTest?: { readonly at: string };
    readonly recoveredAt?: string;
    readonly recoveryCertificate?: { readonly positiveAt: string; readonly validFrom: string; readonly validUntil: string };
    readonly notCounted: readonly { readonly kind: string; readonly why: string }[];
    readonly quarantine: readonly QuarantineInput[];
    /** The period that started last: earlier ones have ended. */
    readonly latestQuarantine?: QuarantineInput;
  };
  readonly credential: {
    readonly kind: CredentialKind | 'none';
    readonly authenticity: Authenticity | 'none';
    readonly validFrom?: string;
    readonly validUntil?: string;
  };
  readonly person: { readonly id12?: string; readonly oldId?: string; readonly bhxh?: string; readonly idProvinceKnown?: boolean };
  readonly scan: { readonly at: string; readonly location?: string; readonly lane?: string; readonly direction?: string };
  readonly kiosk: { readonly dataAgeHours: number; readonly dataAgeKnown: boolean; readonly clockTrusted: boolean };
  readonly params: Readonly<Record<string, unknown>>;
}

interface QuarantineInput {
  readonly status: string;
  readonly from: string;
  readonly until?: string;
}

export interface RuleContext {
  readonly nowMs: number;
  readonly credential?: {
    readonly kind: CredentialKind;
    readonly authenticity: Authenticity;
    /** The card's printed validity, YYYY-MM-DD, both days included. */
    readonly validFrom?: string;
    readonly validTo?: string;
  };
  readonly person?: RuleInput['person'];
  readonly scan?: { readonly location?: string; readonly lane?: string; readonly direction?: string };
  /** Milliseconds since the facts were last synced; absent when unknown. */
  readonly dataAgeMs?: number;
  /**
   * Where the facts being evaluated came from. Absent: "local" — the caller holds facts about
   * the person (`chot rules test` and most tests do); the kiosk always says.
   */
  readonly factsSource?: FactsSource;
  /** Whether the kiosk clock can be trusted (clock-trust.ts). Absent: trusted — nothing judged it (`chot rules test`). */
  readonly clockTrusted?: boolean;
}

export function buildRuleInput(facts: PersonFacts, context: RuleContext, params: Readonly<Record<string, unknown>>): RuleInput {
  const midnight = (isoDate: string): string => toVietnamIso(vietnamMidnightMs(isoDate));
  /** The exclusive end of an inclusive last day: 00:00 Vietnam time the day after. */
  const afterDay = (isoDate: string): string => toVietnamIso(addDaysMs(vietnamMidnightMs(isoDate), 1));
  const doses: DoseInput[] = [...facts.doses]
    .sort((a, b) => a.date.localeCompare(b.date) || a.dose - b.dose)
    .map((d) => {
      const totalDoses = dosesInFullCourse(d);
      return { dose: d.dose, at: midnight(d.date), product: d.product, totalDoses, completesCourse: d.dose >= totalDoses };
    });
  const tests = [...facts.tests]
    .sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt))
    .map((t) => ({ at: toVietnamIso(Date.parse(t.takenAt)), kind: t.kind, result: t.result }));
  const lastTest = (predicate: (t: (typeof tests)[number]) => boolean) => {
    const found = tests.filter(predicate).at(-1);
    return found === undefined ? undefined : { at: found.at };
  };
  const quarantine = [...facts.quarantine]
    .sort((a, b) => a.from.localeCompare(b.from))
    .map((q) => ({
      status: q.status,
      from: midnight(q.from),
      ...(q.to === undefined ? {} : { until: afterDay(q.to) }),
    }));
  const certificate = facts.recoveryCertificate;
  const recoveryCertificate =
    certificate === undefined
      ? undefined
      : { positiveAt: midnight(certificate.positiveOn), validFrom: midnight(certificate.validFrom), validUntil: afterDay(certificate.validUntil) };
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  const source = context.factsSource ?? 'local';
  return {
    facts: {
      known: source !== 'none',
      source,
      doses,
      ...optional(
        'courseCompleted',
        doses.find((d) => d.completesCourse),
      ),
      ...optional('firstDose', doses[0]),
      ...optional('lastDose', doses.at(-1)),
      tests,
      ...optional(
        'lastNegativePcr',
        lastTest((t) => t.kind === 'pcr' && t.result === 'negative'),
      ),
      ...optional(
        'lastNegativeRapid',
        lastTest((t) => t.kind === 'rapid' && t.result === 'negative'),
      ),
      ...optional(
        'lastPositiveTest',
        lastTest((t) => t.result === 'positive'),
      ),
      ...optional('recoveredAt', facts.recoveredOn === undefined ? undefined : midnight(facts.recoveredOn)),
      ...optional('recoveryCertificate', recoveryCertificate),
      notCounted: (facts.notCounted ?? []).map((entry) => ({ kind: entry.kind, why: entry.why })),
      quarantine,
      ...optional('latestQuarantine', quarantine.at(-1)),
    },
    credential: credentialInput(context.credential),
    person: context.person ?? {},
    scan: { at: toVietnamIso(context.nowMs), ...context.scan },
    kiosk: {
      dataAgeHours: context.dataAgeMs === undefined ? 0 : Math.max(0, Math.ceil(context.dataAgeMs / 3_600_000)),
      dataAgeKnown: context.dataAgeMs !== undefined,
      clockTrusted: context.clockTrusted ?? true,
    },
    params,
  };
}

function credentialInput(credential: RuleContext['credential']): RuleInput['credential'] {
  if (credential === undefined) return { kind: 'none', authenticity: 'none' };
  const { kind, authenticity, validFrom, validTo } = credential;
  return {
    kind,
    authenticity,
    ...(validFrom === undefined ? {} : { validFrom: toVietnamIso(vietnamMidnightMs(validFrom)) }),
    // The last valid day is whole: the card ends at 00:00 Vietnam time the day after.
    ...(validTo === undefined ? {} : { validUntil: toVietnamIso(addDaysMs(vietnamMidnightMs(validTo), 1)) }),
  };
}
