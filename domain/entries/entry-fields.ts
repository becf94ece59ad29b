import { AUTHENTICITIES, CREDENTIAL_KINDS } from '../credentials/credential.js';
import { SCAN_SOURCE_KINDS } from '../scan/scan-event.js';
import { OUTCOMES } from '../verdict/verdict.js';
import { OVERRIDE_LIMITS } from '../contract/operator-override.js';
import { ENTRY_DIRECTIONS, UNENROLLED_KIOSK_ID, type StoredEntry } from './entry-record.js';
import { documentSignerTextProblem } from './document-signer-id.js';

/**
 * What every field of a logged entry may hold (docs/entry-log.md, "Field limits"): the hub
 * refuses an upload holding anything else, and a kiosk can check what it writes against the
 * same limits. The lists of values are the ones the types are made from, so a value added
 * there (a new credential kind or authenticity) is accepted here at once.
 */

/** The credential kinds an entry may name: a credential's, or `unknown` when nothing was read. */
export const ENTRY_CREDENTIAL_KINDS: readonly string[] = [...CREDENTIAL_KINDS, 'unknown'];
/** The authenticities an entry may name: a credential's, or `none` when nothing was read. */
export const ENTRY_AUTHENTICITIES: readonly string[] = [...AUTHENTICITIES, 'none'];

export const ENTRY_LIMITS = {
  /** Seqs count decisions at one kiosk: a million a day for 2 700 years stays below this. */
  maxSeq: 999_999_999_999,
  /** No Chốt kiosk logged before this instant (epoch ms of 2021-01-01T00:00:00Z). */
  earliestAtMs: Date.UTC(2021, 0, 1),
  /**
   * How far past the hub's clock an entry's time may be before it is flagged. A kiosk's
   * requests are refused beyond a few minutes of clock difference already; this leaves room
   * for that and for the time an upload takes.
   */
  maxFutureMs: 10 * 60_000,
  /** As the hub's admin may name a location (hub/enrollment: MAX_LOCATION_LENGTH). */
  maxLocationChars: 200,
  /** A device's stable name, e.g. a /dev/serial/by-id path. */
  maxSourceDeviceIdChars: 200,
  maxReasonCodes: 16,
  maxReasonCodeChars: 80,
  maxOverrideByChars: OVERRIDE_LIMITS.byMaxChars,
  maxOverrideReasonChars: OVERRIDE_LIMITS.reasonMaxChars,
} as const;

/** The identifiers an entry may carry (domain/verdict: loggedIdentifier): 12-digit ID, BHXH 10 digits, old 9-digit ID. */
export const ENTRY_PERSON_ID = /^(?:\d{12}|\d{10}|\d{9})$/;
/** A device id as the hub derives it from the key (`k-` and 16 hex digits), or `unenrolled`. */
export const ENTRY_KIOSK_ID = /^(?:k-[0-9a-f]{16}|unenrolled)$/;
/** As the kiosk's devices.json allows a lane (1–32 letters, digits, '.', '_', '-'). */
export const ENTRY_LANE = /^[\p{L}\p{N}._-]{1,32}$/u;
/**
 * A reason code: a verdict's (`vaccinated-full`, `person.unknown`), an override's
 * (`overrides:12`); a rule set's codes are held to the same shape when it is checked.
 */
export const REASON_CODE = /^[\p{L}\p{N}][\p{L}\p{N}._:@/+-]{0,79}$/u;
/** `id@version` of a rule set (domain/rules/rule-set-check.ts: id and MAJOR.MINOR.PATCH). */
export const ENTRY_RULE_SET = /^[a-z0-9][a-z0-9.-]{0,63}@\d{1,6}\.\d{1,6}\.\d{1,6}$/;
/** ISO 8601 with seconds and a zone: `2021-10-15T08:00:00.000+07:00` as kiosks write it, or `…Z`. */
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|([+-])(\d{2}):(\d{2}))$/;
/** Control and format characters, line and paragraph separators: nothing a name or a device id holds. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A field that breaks the limits: which, and why, for a refusal naming the entry. */
export interface EntryFieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * The instant an entry's `at` names, in epoch ms, or undefined when it is not ISO 8601 with
 * a zone, or not a real date and time (2021-02-30, 24:00, an offset beyond ±14:00).
 */
export function entryInstant(at: string): number | undefined {
  const match = ISO_WITH_ZONE.exec(at);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = match.map((part) => part ?? '');
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (sign !== '' && (Number(oh) > 14 || Number(om) > 59)) return undefined;
  const parsed = Date.parse(at);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * The first field of `entry` outside the limits, or undefined. Its time must be well formed;
 * whether the kiosk's clock was right when it logged is entryClockProblem's to say.
 */
export function entryFieldProblem(entry: StoredEntry): EntryFieldProblem | undefined {
  const problem = (field: string, message: string): EntryFieldProblem => ({ field, message });
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1 || entry.seq > ENTRY_LIMITS.maxSeq)
    return problem('seq', `must be an integer from 1 to ${ENTRY_LIMITS.maxSeq}`);
  const atMs = entryInstant(entry.at);
  if (atMs === undefined) return problem('at', 'must be a real date and time in ISO 8601 with its zone, e.g. 2021-10-15T08:00:00.000+07:00');
  if (!SCAN_SOURCE_KINDS.includes(entry.sourceKind as never)) return problem('sourceKind', oneOf(SCAN_SOURCE_KINDS));
  const deviceId = textProblem(entry.sourceDeviceId, 0, ENTRY_LIMITS.maxSourceDeviceIdChars);
  if (deviceId !== undefined) return problem('sourceDeviceId', deviceId);
  if (!ENTRY_CREDENTIAL_KINDS.includes(entry.credentialKind)) return problem('credentialKind', oneOf(ENTRY_CREDENTIAL_KINDS));
  if (!ENTRY_AUTHENTICITIES.includes(entry.authenticity)) return problem('authenticity', oneOf(ENTRY_AUTHENTICITIES));
  if (entry.personId !== null && !ENTRY_PERSON_ID.test(entry.personId)) return problem('personId', 'must be null or an identifier of 12, 10 or 9 digits');
  if (!OUTCOMES.includes(entry.outcome as never)) return problem('outcome', oneOf(OUTCOMES));
  if (entry.reasonCodes.length > ENTRY_LIMITS.maxReasonCodes) return problem('reasonCodes', `holds at most ${ENTRY_LIMITS.maxReasonCodes} codes`);
  const badCode = entry.reasonCodes.findIndex((code) => code.length > ENTRY_LIMITS.maxReasonCodeChars || !REASON_CODE.test(code));
  if (badCode >= 0)
    return problem(
      `reasonCodes[${badCode}]`,
      `must be a code of 1–${ENTRY_LIMITS.maxReasonCodeChars} letters, digits and . _ : @ / + - (starting with a letter or digit)`,
    );
  if (entry.ruleSet !== null && !ENTRY_RULE_SET.test(entry.ruleSet)) return problem('ruleSet', 'must be null or id@MAJOR.MINOR.PATCH');
  if (entry.format === 1) return undefined;
  if (!ENTRY_KIOSK_ID.test(entry.kioskId)) return problem('kioskId', `must be a device id (k- and 16 hex digits) or ${UNENROLLED_KIOSK_ID}`);
  const location = textProblem(entry.location, 0, ENTRY_LIMITS.maxLocationChars);
  if (location !== undefined) return problem('location', location);
  if (!ENTRY_LANE.test(entry.lane)) return problem('lane', "must be 1–32 letters, digits, '.', '_' or '-'");
  if (!ENTRY_DIRECTIONS.includes(entry.direction)) return problem('direction', oneOf(ENTRY_DIRECTIONS));
  if (entry.override !== null) {
    const by = textProblem(entry.override.by, 1, ENTRY_LIMITS.maxOverrideByChars);
    if (by !== undefined) return problem('override.by', by);
    const reason = textProblem(entry.override.reason, 1, ENTRY_LIMITS.maxOverrideReasonChars);
    if (reason !== undefined) return problem('override.reason', reason);
  }
  if (entry.format === 2) return undefined;
  const signer = documentSignerProblem(entry.credentialKind, entry.documentSigner);
  if (signer !== undefined) return problem('documentSigner', signer);
  if (entry.format === 3) return undefined;
  const enteredBy = enteredByProblem(entry.sourceKind, entry.enteredBy);
  if (enteredBy !== undefined) return problem('enteredBy', enteredBy);
  return undefined;
}

/**
 * Why an entry read by `sourceKind` may not name `enteredBy`, or undefined. Only an ID typed on
 * the staff keypad (source kind `manual`) has someone who typed it; the name is a staff name as
 * an override's `by` is (the same limits). The kiosk checks this before it logs, the hub when it ingests.
 */
export function enteredByProblem(sourceKind: string, enteredBy: string | null): string | undefined {
  if (enteredBy === null) return undefined;
  if (sourceKind !== 'manual') return "must be null unless the ID was typed by staff (source kind 'manual')";
  return textProblem(enteredBy, 1, ENTRY_LIMITS.maxOverrideByChars);
}

/**
 * Why an entry of `credentialKind` may not name `documentSigner`, or undefined. Only a chip
 * ID card's EF.SOD names a document signer: on any other credential it is a field no kiosk
 * fills. The kiosk checks this before it logs (EntryLog.append), the hub when it ingests.
 */
export function documentSignerProblem(credentialKind: string, documentSigner: string | null): string | undefined {
  if (documentSigner === null) return undefined;
  if (credentialKind !== 'chip') return "must be null unless the credential is a chip ID card ('chip')";
  return documentSignerTextProblem(documentSigner);
}

/**
 * Why an entry's instant cannot be when it was logged — before any Chốt kiosk ran, or later
 * than `nowMs` (the hub's clock) allows — or undefined. Such an entry is a kiosk's clock
 * fault, not a malformed entry: it is in the kiosk's hash chain, so the hub stores and flags
 * it (`clock-skew`) rather than refuse it, which would stall that kiosk's upload for good
 * (an entry from a board that booted in 1970 never becomes acceptable).
 */
export function entryClockProblem(atMs: number, nowMs: number): string | undefined {
  if (atMs < ENTRY_LIMITS.earliestAtMs) return `is before ${new Date(ENTRY_LIMITS.earliestAtMs).toISOString()}: the kiosk's clock was wrong`;
  if (atMs > nowMs + ENTRY_LIMITS.maxFutureMs)
    return `is more than ${ENTRY_LIMITS.maxFutureMs / 60_000} minutes after the hub's clock (${new Date(nowMs).toISOString()}): the kiosk's clock was ahead`;
  return undefined;
}

const oneOf = (values: readonly string[]): string => `must be one of ${values.join(', ')}`;

/** Free text a person typed or configured: bounded in characters (code points), nothing invisible. */
function textProblem(text: string, minChars: number, maxChars: number): string | undefined {
  // Length in UTF-16 first: a huge string is refused without walking it.
  const chars = text.length > maxChars * 2 ? Infinity : [...text].length;
  if (chars < minChars || chars > maxChars) return `must be ${minChars}–${maxChars} characters`;
  if (INVISIBLE.test(text)) return 'must hold no control or invisible formatting characters';
  return undefined;
}
