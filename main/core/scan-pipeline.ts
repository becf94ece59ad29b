import { STAFF_BADGE_REFUSALS, staffSignInVerdict, type StaffBadge, type StaffBadgeResult } from '../staff/staff-badge.js';
import type { ChipCredential, Credential, ParseError } from '../../domain/credentials/credential.js';
import { isParseError } from '../../domain/credentials/credential.js';
import { scanError } from '../../domain/credentials/parse-errors.js';
import { startMissingError } from '../../domain/credentials/split-scan.js';
import { parseScan } from '../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { UNENROLLED_KIOSK_ID, type EntryDirection } from '../../domain/entries/entry-record.js';
import type { ScanEvent } from '../../domain/scan/scan-event.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { shownIdentifier } from '../../domain/verdict/shown-identifier.js';
import { assessCredential, assessParseError, loggedIdentifier, type Assessment, type Rules } from '../../domain/verdict/assess-credential.js';
import { assessChipReadFailure } from '../../domain/verdict/chip-read-failure.js';
import type { ChipVerdictDetail, DisplayImage } from '../../domain/verdict/chip-verdict.js';
import { NO_COLOUR_HEADLINES, type Verdict } from '../../domain/verdict/verdict.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { EntryLog } from '../store/entry-log.js';
import type { FactsStore } from '../store/facts-store.js';
import { gateDecision, type GatePolicy } from '../devices/gate-policy.js';
import { CLOCK_UNTRUSTED, clockTrusted, type ClockAssessment } from '../../domain/time/clock-trust.js';
import { hubFactsReason, type HubFactsAnswer } from '../../domain/verdict/hub-facts.js';

/**
 * The kiosk's way to ask its hub about a person its synced data does not hold
 * (main/sync/hub-facts-lookup.ts): the seam between the scan and the network.
 */
export interface HubFactsPort {
  /** Whether the kiosk asks about this ID when its data does not hold it: an ID outside its scope. */
  asks(id12: string): boolean;
  /** An answer held from a moment ago (memory only, briefly), if any: no second question. */
  held(id12: string, nowMs: number): HubFactsAnswer | undefined;
  /** Asks the hub; resolves within the lookup's bound (no-answer then), never rejects. */
  lookup(id12: string): Promise<HubFactsAnswer>;
}

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
  /** Trust material for authenticating passes and certificates (no `now`: the pipeline's clock is used), as in force at each scan. */
  readonly trust: Omit<VerificationContext, 'now'> | (() => Omit<VerificationContext, 'now'>);
  /** Default: DEFAULT_STATION. */
  readonly station?: EntryStation;
  /** Which verdicts open a lane's gate (devices.json `gates`); default: green, for signed credentials only. */
  readonly gatePolicy?: (lane: string) => GatePolicy;
  /** Opens a staff session for a scanned staff badge, or says why not (staff-badge.ts); without it every badge is refused. */
  readonly staffBadge?: (badge: StaffBadge) => StaffBadgeResult;
  /** The kiosk clock as the hub's signed times judge it (clock-witness.ts); without it the clock is not judged. */
  readonly clock?: () => ClockAssessment;
  /** The hub lookup, once the kiosk is enrolled and syncing; without it a person outside the data is unknown, as offline. */
  readonly hubFacts?: () => HubFactsPort | undefined;
}

/** Where one scan was read, when not at the kiosk's own station: a device scanner's lane and direction. */
export interface ScanGate {
  readonly lane: string;
  readonly direction: EntryDirection;
}

/** A chip card read by a chip card reader, decided like a scan (ScanPipeline.decideChip). */
export type ChipReadDecision =
  | {
      readonly ok: true;
      readonly credential: ChipCredential;
      /** The face for staff, or why there is none: shown with the verdict, never logged or stored. */
      readonly photo?: DisplayImage;
      readonly photoProblem?: Reason;
    }
  | {
      readonly ok: false;
      /** Why the chip was not read (ChipReadError's reason, a card removed, a timeout). */
      readonly reason: Reason;
      /** `invalid` when what the chip gave was unreadable or forged; `none` when nothing was read. */
      readonly authenticity: 'invalid' | 'none';
      /** The 12-digit ID the key came from (the card's QR just scanned), when one did: the entry is that person's. */
      readonly personId?: string;
    };

/** A scan decided: its verdict, and the credential it held (for the core only: never logged or stored). */
export interface DecidedScan {
  readonly verdict: Verdict;
  readonly credential?: Credential;
}

/** What one decision commits and shows: everything the entry log and the verdict need. */
interface Decision {
  readonly nowMs: number;
  readonly source: ScanEvent['source'];
  readonly gate: ScanGate | undefined;
  readonly credentialKind: Verdict['credentialKind'];
  readonly authenticity: Verdict['authenticity'];
  readonly personId: string | null;
  readonly assessment: Assessment;
  readonly subject?: Verdict['subject'];
  readonly chip?: ChipVerdictDetail;
  /** A chip's document signer, for the entry (docs/entry-log.md): who vouched for the data, nothing of the person. */
  readonly documentSigner?: string;
  /** The staff member who typed the ID on the staff keypad, for the entry (format 4's enteredBy). */
  readonly enteredBy?: string;
  /** Whether the clock was trusted when the rules decided; absent: judged at the commit. */
  readonly clockTrusted?: boolean;
}

/**
 * One scan, end to end: parse and authenticate → look up facts → rules → durable entry →
 * verdict. Nothing here waits on the network but decideScanAsking, for a person outside the
 * kiosk's data, and only for the lookup's bound (HubFactsPort); the verdict exists
 * only once its entry is committed: if the log cannot be written, this throws and
 * nothing is shown. A chip card read goes the same way from its credential on
 * (decideChip): one mechanism for every credential, whatever read it.
 */
export class ScanPipeline {
  constructor(private readonly deps: ScanPipelineDeps) {}

  /** `gate`: the lane and direction of the scanner that read it (default: the kiosk's station's). */
  decide(scan: ScanEvent, gate?: ScanGate): Verdict {
    return this.decideScan(scan, gate).verdict;
  }

  /**
   * As decide, with the credential the scan held (for the core only: a card QR on a lane
   * with a chip card reader gives the keys to read that card's chip). Never logged or stored.
   */
  decideScan(scan: ScanEvent, gate?: ScanGate): DecidedScan {
    return this.#decideScan(scan, gate, {});
  }

  /**
   * As decideScan, but a person the kiosk's data does not hold and whose ID is outside its
   * scope is first asked about at the hub (HubFactsPort), for at most the lookup's bound:
   * the one place in a decision that waits on the network, and never longer than that.
   */
  async decideScanAsking(scan: ScanEvent, gate?: ScanGate, typed: { readonly enteredBy?: string } = {}): Promise<DecidedScan> {
    const nowMs = this.deps.now();
    const parsed = this.#parse(scan, nowMs);
    const asked = await this.#askHub(parsed, nowMs);
    return this.#decideParsed(parsed, scan, gate, typed, nowMs, asked);
  }

  #decideScan(scan: ScanEvent, gate: ScanGate | undefined, typed: { readonly enteredBy?: string }): DecidedScan {
    const nowMs = this.deps.now();
    return this.#decideParsed(this.#parse(scan, nowMs), scan, gate, typed, nowMs, undefined);
  }

  #parse(scan: ScanEvent, nowMs: number): Credential | ParseError {
    return scan.overflow === true
      ? scanError('scan.too-long')
      : scan.startLost !== undefined
        ? // A tail the framer cut from its code: whatever it parses as, it is not the code scanned.
          startMissingError({ format: 'unknown', lostChars: scan.startLost })
        : parseScan(scan.bytes ?? scan.text, { ...(typeof this.deps.trust === 'function' ? this.deps.trust() : this.deps.trust), now: nowMs });
  }

  /**
   * The hub's answer about the person, when it is worth asking: a credential to be trusted,
   * with a 12-digit ID outside the kiosk's scope, carrying no facts of its own, and not in
   * the kiosk's data. Undefined: not asked (the decision is as it always was).
   */
  async #askHub(parsed: Credential | ParseError, nowMs: number): Promise<HubFactsAnswer | undefined> {
    const port = this.deps.hubFacts?.();
    if (port === undefined || isParseError(parsed) || parsed.authenticity === 'invalid') return undefined;
    if (parsed.kind === 'pass' && parsed.staffId !== undefined) return undefined;
    const { id12 } = parsed.identifiers;
    if (id12 === undefined || ('embeddedFacts' in parsed && parsed.embeddedFacts !== undefined) || !port.asks(id12)) return undefined;
    if (this.deps.facts.findWithAge(parsed.identifiers, nowMs) !== undefined) return undefined;
    return port.held(id12, nowMs) ?? (await port.lookup(id12));
  }

  #decideParsed(
    parsed: Credential | ParseError,
    scan: ScanEvent,
    gate: ScanGate | undefined,
    typed: { readonly enteredBy?: string },
    nowMs: number,
    asked: HubFactsAnswer | undefined,
  ): DecidedScan {
    if (isParseError(parsed)) {
      const assessment = assessParseError(parsed);
      return {
        verdict: this.#commit({ nowMs, source: scan.source, gate, credentialKind: 'unknown', authenticity: 'none', personId: null, assessment, ...typed }),
      };
    }
    if (parsed.kind === 'pass' && parsed.staffId !== undefined)
      return { verdict: this.#staffBadge({ ...parsed, staffId: parsed.staffId }, nowMs, scan.source, gate) };
    return { verdict: this.#decideCredential(parsed, nowMs, scan.source, gate, undefined, typed, asked), credential: parsed };
  }

  /**
   * A staff badge, from any input: it never decides an entry. Accepted, it opens a staff
   * session and the screen says who (nothing logged in the entry log, nothing opens);
   * refused, it is a logged no-colour verdict with the specific reason, like any untrusted code.
   */
  #staffBadge(badge: StaffBadge, nowMs: number, source: ScanEvent['source'], gate: ScanGate | undefined): Verdict {
    const result = this.deps.staffBadge?.(badge) ?? { ok: false, refusal: STAFF_BADGE_REFUSALS.notStaff };
    if (result.ok) return staffSignInVerdict(result.signedIn.staff, nowMs);
    return this.#commit({
      nowMs,
      source,
      gate,
      credentialKind: 'pass',
      authenticity: badge.authenticity,
      personId: null,
      assessment: { outcome: 'none', headline: NO_COLOUR_HEADLINES.invalid, reasons: [result.refusal], factsFrom: null },
    });
  }

  /**
   * A chip card's read, from the chip card reader `source` at `gate`: a read credential is
   * decided like any (facts by its identifiers, the rules, the entry), with Verdict.chip; a
   * failed read is logged as a verdict with no colour and the reason, as an unreadable code is.
   */
  decideChip(read: ChipReadDecision, source: ScanEvent['source'], gate?: ScanGate): Verdict {
    return this.#decideChipRead(read, this.deps.now(), source, gate, undefined);
  }

  /**
   * As decideChip, but a person read from the chip whom the kiosk's data does not hold, with
   * an ID outside its scope, is first asked about at the hub, within the lookup's bound — as a
   * scan is (a card put on the reader first, its CAN typed, has no QR that asked before it).
   */
  async decideChipAsking(read: ChipReadDecision, source: ScanEvent['source'], gate?: ScanGate): Promise<Verdict> {
    const nowMs = this.deps.now();
    const asked = read.ok ? await this.#askHub(read.credential, nowMs) : undefined;
    return this.#decideChipRead(read, nowMs, source, gate, asked);
  }

  #decideChipRead(read: ChipReadDecision, nowMs: number, source: ScanEvent['source'], gate: ScanGate | undefined, asked: HubFactsAnswer | undefined): Verdict {
    if (!read.ok) {
      return this.#commit({
        nowMs,
        source,
        gate,
        credentialKind: 'chip',
        authenticity: read.authenticity,
        personId: read.personId ?? null,
        assessment: assessChipReadFailure(read.reason),
      });
    }
    const chip: ChipVerdictDetail = {
      ...read.credential.chip,
      ...(read.photo === undefined ? {} : { photo: read.photo }),
      ...(read.photoProblem === undefined ? {} : { photoProblem: read.photoProblem }),
    };
    return this.#decideCredential(read.credential, nowMs, source, gate, chip, {}, asked);
  }

  #decideCredential(
    credential: Credential,
    nowMs: number,
    source: ScanEvent['source'],
    gate: ScanGate | undefined,
    chip?: ChipVerdictDetail,
    typed: { readonly enteredBy?: string } = {},
    askedNow?: HubFactsAnswer,
  ): Verdict {
    const trusted = this.#clockTrusted();
    // A person asked about at the hub just now, or a moment ago (a chip read after its card's QR): decided on that answer.
    const { id12 } = credential.identifiers;
    const asked = askedNow ?? (id12 === undefined ? undefined : this.deps.hubFacts?.()?.held(id12, nowMs));
    const findFacts = (ids: Credential['identifiers']) =>
      this.deps.facts.findWithAge(ids, nowMs) ?? (asked?.answer === 'facts' ? { facts: asked.facts, from: 'hub' as const } : undefined);
    const assessed = assessCredential(credential, findFacts, this.deps.rulesAt(nowMs), nowMs, trusted);
    const hubReason = hubFactsReason(asked, assessed.factsFrom);
    const assessment = hubReason === undefined ? assessed : { ...assessed, reasons: [...assessed.reasons, hubReason] };
    return this.#commit({
      clockTrusted: trusted,
      nowMs,
      source,
      gate,
      credentialKind: credential.kind,
      authenticity: credential.authenticity,
      // Logged even with no record or an untrusted code: contact tracing needs everyone who passed.
      personId: loggedIdentifier(credential.identifiers),
      assessment,
      subject: subjectDisplay(credential),
      ...(chip === undefined ? {} : { chip }),
      ...(credential.kind === 'chip' && credential.documentSigner !== undefined ? { documentSigner: credential.documentSigner } : {}),
      ...typed,
    });
  }

  #clockTrusted(): boolean {
    return this.deps.clock === undefined || clockTrusted(this.deps.clock());
  }

  /** The gate's decision, the durable entry, then the verdict: the one place every decision is committed. */
  #commit(decision: Decision): Verdict {
    const { nowMs, authenticity } = decision;
    // A verdict decided on a clock the hub's signatures contradict says so, and its entry
    // carries the code: the hub sees which entries were decided on a wrong clock.
    const assessment =
      (decision.clockTrusted ?? this.#clockTrusted())
        ? decision.assessment
        : { ...decision.assessment, reasons: [...decision.assessment.reasons, CLOCK_UNTRUSTED] };
    const station = this.deps.station ?? DEFAULT_STATION;
    const { kioskId, location } = station;
    const { lane, direction } = decision.gate ?? station;
    // The lane's gate policy (gate-policy.ts), by colour and authenticity: the relay pulses on `open` alone.
    const gateDecided = gateDecision(assessment.outcome, authenticity, this.deps.gatePolicy?.(lane));
    const entrySeq = this.deps.log.append({
      at: toVietnamIso(nowMs),
      kioskId,
      location,
      lane,
      direction,
      sourceKind: decision.source.kind,
      sourceDeviceId: decision.source.deviceId,
      credentialKind: decision.credentialKind,
      authenticity,
      personId: decision.personId,
      outcome: assessment.outcome,
      // A gate that waits for staff says so in the log too: reports count the greens that needed a confirm.
      reasonCodes: [...assessment.reasons, ...(gateDecided.needsConfirm === undefined ? [] : [gateDecided.needsConfirm])].map((r) => r.code),
      ruleSet: assessment.ruleSet === undefined ? null : `${assessment.ruleSet.id}@${assessment.ruleSet.version}`,
      // The verdict as decided: a staff override is a later entry of its own (operator-override.ts).
      override: null,
      ...(decision.documentSigner === undefined ? {} : { documentSigner: decision.documentSigner }),
      ...(decision.enteredBy === undefined ? {} : { enteredBy: decision.enteredBy }),
    });
    return {
      outcome: assessment.outcome,
      headline: assessment.headline,
      reasons: assessment.reasons,
      ...(decision.subject === undefined ? {} : { subject: decision.subject }),
      credentialKind: decision.credentialKind,
      authenticity,
      gate: gateDecided,
      entrySeq,
      decidedAt: toVietnamIso(nowMs),
      ...(assessment.ruleSet === undefined ? {} : { ruleSet: assessment.ruleSet }),
      // The face and the chip's checks go to the screen only: the entry above holds none of it.
      ...(decision.chip === undefined ? {} : { chip: decision.chip }),
    };
  }
}

function subjectDisplay(credential: Credential): NonNullable<Verdict['subject']> {
  const { name, birthDate } = credential.subject;
  const id = shownIdentifier(credential.kind, credential.identifiers);
  return {
    ...(name === undefined ? {} : { name }),
    ...(birthDate === undefined || birthDate.length < 4 ? {} : { birthYear: Number(birthDate.slice(0, 4)) }),
    ...(id === undefined ? {} : { idTail: id.tail, idLabel: id.label }),
  };
}
