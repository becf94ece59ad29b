import type { Credential, ParseError } from '../../domain/credentials/credential.js';
import { isParseError } from '../../domain/credentials/credential.js';
import { scanError } from '../../domain/credentials/parse-errors.js';
import { parseScan } from '../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { UNENROLLED_KIOSK_ID, type EntryDirection } from '../../domain/entries/entry-record.js';
import type { ScanEvent } from '../../domain/scan/scan-event.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { assessCredential, assessParseError, loggedIdentifier, type Assessment, type Rules } from '../../domain/verdict/assess-credential.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { EntryLog } from '../store/entry-log.js';
import type { FactsStore } from '../store/facts-store.js';
import { gateDecision, type GatePolicy } from '../devices/gate-policy.js';

/** Where the decisions are made: logged with every entry. */
export interface EntryStation {
  /** The kiosk's device id at the hub, or 'unenrolled'. */
  readonly kioskId: string;
  /** The location the kiosk was enrolled for, or '' before enrolment. */
  readonly location: string;
  readonly lane: string;
  readonly direction: EntryDirection;
}

/** A kiosk that is not enrolled, at the only lane of a gate people go in by. */
export const DEFAULT_STATION: EntryStation = { kioskId: UNENROLLED_KIOSK_ID, location: '', lane: '1', direction: 'in' };

export interface ScanPipelineDeps {
  readonly facts: FactsStore;
  readonly log: EntryLog;
  /** The rule set in force at an instant (chosen per scan: a new set applies at its validFrom). */
  readonly rulesAt: (nowMs: number) => Rules;
  readonly now: () => number;
  /** Trust material for authenticating passes and certificates (no `now`: the pipeline's clock is used). */
  readonly trust: Omit<VerificationContext, 'now'>;
  /** Default: DEFAULT_STATION. */
  readonly station?: EntryStation;
  /** Which verdicts open a lane's gate (devices.json `gates`); default: green, for signed credentials only. */
  readonly gatePolicy?: (lane: string) => GatePolicy;
}

/** Where one scan was read, when not at the kiosk's own station: a device scanner's lane and direction. */
export interface ScanGate {
  readonly lane: string;
  readonly direction: EntryDirection;
}

/**
 * One scan, end to end and synchronous: parse and authenticate → look up facts → rules
 * → durable entry → verdict. Nothing here waits on the network, and the verdict exists
 * only once its entry is committed: if the log cannot be written, this throws and
 * nothing is shown.
 */
export class ScanPipeline {
  constructor(private readonly deps: ScanPipelineDeps) {}

  /** `gate`: the lane and direction of the scanner that read it (default: the kiosk's station's). */
  decide(scan: ScanEvent, gate?: ScanGate): Verdict {
    const nowMs = this.deps.now();
    const parsed: Credential | ParseError =
      scan.overflow === true ? scanError('scan.too-long') : parseScan(scan.bytes ?? scan.text, { ...this.deps.trust, now: nowMs });
    const credential = isParseError(parsed) ? null : parsed;
    const assessment: Assessment =
      credential === null
        ? assessParseError(parsed as ParseError)
        : assessCredential(credential, (ids) => this.deps.facts.findWithAge(ids, nowMs), this.deps.rulesAt(nowMs), nowMs);

    const station = this.deps.station ?? DEFAULT_STATION;
    const { kioskId, location } = station;
    const { lane, direction } = gate ?? station;
    const authenticity = credential?.authenticity ?? 'none';
    // The lane's gate policy (gate-policy.ts), by colour and authenticity: the relay pulses on `open` alone.
    const gateDecided = gateDecision(assessment.outcome, authenticity, this.deps.gatePolicy?.(lane));
    const entrySeq = this.deps.log.append({
      at: toVietnamIso(nowMs),
      kioskId,
      location,
      lane,
      direction,
      sourceKind: scan.source.kind,
      sourceDeviceId: scan.source.deviceId,
      credentialKind: credential?.kind ?? 'unknown',
      authenticity,
      // Logged even with no record or an untrusted code: contact tracing needs everyone who passed.
      personId: credential === null ? null : loggedIdentifier(credential.identifiers),
      outcome: assessment.outcome,
      // A gate that waits for staff says so in the log too: reports count the greens that needed a confirm.
      reasonCodes: [...assessment.reasons, ...(gateDecided.needsConfirm === undefined ? [] : [gateDecided.needsConfirm])].map((r) => r.code),
      ruleSet: assessment.ruleSet === undefined ? null : `${assessment.ruleSet.id}@${assessment.ruleSet.version}`,
      // The verdict as decided: a staff override is a later entry of its own (operator-override.ts).
      override: null,
    });
    return {
      outcome: assessment.outcome,
      headline: assessment.headline,
      reasons: assessment.reasons,
      ...(credential === null ? {} : { subject: subjectDisplay(credential) }),
      credentialKind: credential?.kind ?? 'unknown',
      authenticity,
      gate: gateDecided,
      entrySeq,
      decidedAt: toVietnamIso(nowMs),
      ...(assessment.ruleSet === undefined ? {} : { ruleSet: assessment.ruleSet }),
    };
  }
}

function subjectDisplay(credential: Credential): NonNullable<Verdict['subject']> {
  const { name, birthDate } = credential.subject;
  const id = credential.identifiers.id12 ?? credential.identifiers.bhxh ?? credential.identifiers.oldId9;
  return {
    ...(name === undefined ? {} : { name }),
    ...(birthDate === undefined || birthDate.length < 4 ? {} : { birthYear: Number(birthDate.slice(0, 4)) }),
    ...(id === undefined ? {} : { idTail: id.slice(-4) }),
  };
}
