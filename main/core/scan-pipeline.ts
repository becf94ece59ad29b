import type { Credential, ParseError } from '../../domain/credentials/credential.js';
import { isParseError } from '../../domain/credentials/credential.js';
import { scanError } from '../../domain/credentials/parse-errors.js';
import { parseScan } from '../../domain/credentials/parse-scan.js';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import type { RuleOutcome } from '../../domain/rules/rule-outcome.js';
import type { ScanEvent } from '../../domain/scan/scan-event.js';
import type { Reason } from '../../domain/text/bilingual.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { COLOUR_HEADLINES, NO_COLOUR_HEADLINES, type Verdict } from '../../domain/verdict/verdict.js';
import type { EntryFields, EntryLog } from '../store/entry-log.js';
import type { FactsStore, PersonRecord } from '../store/facts-store.js';

export type RuleEvaluator = (facts: PersonFacts, nowMs: number) => RuleOutcome;

export interface ScanPipelineDeps {
  readonly facts: FactsStore;
  readonly log: EntryLog;
  readonly evaluate: RuleEvaluator;
  readonly now: () => number;
}

const UNKNOWN_PERSON: Reason = {
  code: 'person.unknown',
  vi: 'Không có dữ liệu tiêm chủng, xét nghiệm của người này',
  en: 'No vaccination or test record for this person',
};

/**
 * One scan, end to end and synchronous: parse → look up facts → rules → durable entry
 * → verdict. Nothing here waits on the network, and the verdict exists only once its
 * entry is committed: if the log cannot be written, this throws and nothing is shown.
 */
export class ScanPipeline {
  constructor(private readonly deps: ScanPipelineDeps) {}

  decide(scan: ScanEvent): Verdict {
    const nowMs = this.deps.now();
    const parsed: Credential | ParseError = scan.overflow === true ? scanError('scan.too-long') : parseScan(scan.bytes ?? scan.text);
    if (isParseError(parsed)) return this.unreadable(scan, parsed, nowMs);

    const person = this.lookUp(parsed);
    const base = {
      credentialKind: parsed.kind,
      authenticity: parsed.authenticity,
      subject: {
        ...(parsed.subject.name === undefined ? {} : { name: parsed.subject.name }),
        ...(parsed.subject.birthDate === undefined ? {} : { birthYear: Number(parsed.subject.birthDate.slice(0, 4)) }),
        ...(parsed.identifiers.id12 === undefined ? {} : { idTail: parsed.identifiers.id12.slice(-4) }),
      },
      decidedAt: toVietnamIso(nowMs),
    } as const;
    if (person === undefined) {
      // The ID is logged even with no record: contact tracing needs everyone who passed.
      const entrySeq = this.commit(scan, nowMs, parsed, parsed.identifiers.id12 ?? null, 'none', [UNKNOWN_PERSON], null);
      return { ...base, outcome: 'none', headline: NO_COLOUR_HEADLINES['unknown-person'], reasons: [UNKNOWN_PERSON], gate: { open: false }, entrySeq };
    }
    const outcome = this.deps.evaluate(person.facts, nowMs);
    const ruleSet = `${outcome.ruleSet.id}@${outcome.ruleSet.version}`;
    const entrySeq = this.commit(scan, nowMs, parsed, person.id12, outcome.colour, outcome.reasons, ruleSet);
    return {
      ...base,
      outcome: outcome.colour,
      headline: COLOUR_HEADLINES[outcome.colour],
      reasons: outcome.reasons,
      // Gate policy of the foundation: only green opens. Per-gate policy arrives with the relay drivers.
      gate: { open: outcome.colour === 'green' },
      entrySeq,
      ruleSet: outcome.ruleSet,
    };
  }

  private lookUp(credential: Credential): PersonRecord | undefined {
    const { id12, oldId9 } = credential.identifiers;
    return (id12 === undefined ? undefined : this.deps.facts.findById12(id12)) ?? (oldId9 === undefined ? undefined : this.deps.facts.findByOldId(oldId9));
  }

  private unreadable(scan: ScanEvent, error: ParseError, nowMs: number): Verdict {
    const reason: Reason = { code: error.code, ...error.message };
    const entrySeq = this.commit(scan, nowMs, null, null, 'none', [reason], null);
    return {
      outcome: 'none',
      headline: NO_COLOUR_HEADLINES.unreadable,
      reasons: [reason],
      credentialKind: 'unknown',
      authenticity: 'none',
      gate: { open: false },
      entrySeq,
      decidedAt: toVietnamIso(nowMs),
    };
  }

  private commit(
    scan: ScanEvent, nowMs: number, credential: Credential | null, personId: string | null,
    outcome: string, reasons: readonly Reason[], ruleSet: string | null,
  ): number {
    const entry: EntryFields = {
      at: toVietnamIso(nowMs),
      sourceKind: scan.source.kind,
      deviceId: scan.source.deviceId,
      credentialKind: credential?.kind ?? 'unknown',
      authenticity: credential?.authenticity ?? 'none',
      personId,
      outcome,
      reasonCodes: reasons.map((r) => r.code),
      ruleSet,
    };
    return this.deps.log.append(entry);
  }
}
