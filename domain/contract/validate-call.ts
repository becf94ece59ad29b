import { MAX_SCAN_CHARS, SCAN_SOURCE_KINDS, type ScanSourceKind } from '../scan/scan-event.js';
import { KIOSK_API_METHODS, type KioskMethod, type ScanSubmission } from './kiosk-api.js';
import { OVERRIDE_LIMITS, type OverrideRequest } from './operator-override.js';
import type { ConfirmRequest } from './staff-confirm.js';
import { CHIP_CAN_PATTERN, type ChipCanRequest } from './chip-reading.js';
import { STAFF_PIN_MAX_DIGITS, type StaffSignInRequest } from './staff-session.js';
import { ENTRY_LANE } from '../entries/entry-fields.js';
import type { RpcFailure } from './rpc-messages.js';
import { isEntryDirection, type InputDirectionRequest } from './input-lanes.js';
import { ENTRY_DIRECTIONS } from '../entries/entry-record.js';
import { TYPED_ID_PATTERN, type TypedIdRequest } from './typed-id.js';

export type ValidatedCall =
  | { readonly ok: true; readonly method: 'submitScan'; readonly args: [ScanSubmission] }
  | { readonly ok: true; readonly method: NoArgumentMethod; readonly args: [] }
  | { readonly ok: true; readonly method: 'overrideLastVerdict'; readonly args: [OverrideRequest] }
  | { readonly ok: true; readonly method: 'confirmLastVerdict'; readonly args: [ConfirmRequest] }
  | { readonly ok: true; readonly method: 'enterChipCan'; readonly args: [ChipCanRequest] }
  | { readonly ok: true; readonly method: 'staffSignIn'; readonly args: [StaffSignInRequest] }
  | { readonly ok: true; readonly method: 'setInputDirection'; readonly args: [InputDirectionRequest] }
  | { readonly ok: true; readonly method: 'enterTypedId'; readonly args: [TypedIdRequest] }
  | { readonly ok: false; readonly error: RpcFailure };

type NoArgumentMethod = 'getKioskInfo' | 'getKioskStatus' | 'getTodayStats' | 'getDiagnostics' | 'staffSignOut' | 'getStaffSession' | 'pageHeartbeat';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function bad(message: string): ValidatedCall {
  return { ok: false, error: { code: 'rpc.bad-arguments', message } };
}

// Control characters (tabs, newlines, bidi overrides) have no place in a staff name or a reason
// that is logged for good and exported to spreadsheets.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A typed field of `call` (override, confirm): NFC (so "ố" counts and logs the same however it was typed), trimmed, within its limit. */
function typedText(value: unknown, field: string, maxChars: number): string | RpcFailure {
  if (value === undefined || value === null) return { code: 'rpc.bad-arguments', message: `${field} is missing` };
  if (typeof value !== 'string') return { code: 'rpc.bad-arguments', message: `${field} must be a string` };
  const text = value.normalize('NFC').trim();
  if (text === '') return { code: 'rpc.bad-arguments', message: `${field} is empty` };
  const chars = [...text].length;
  if (chars > maxChars) return { code: 'rpc.bad-arguments', message: `${field} is too long: ${chars} characters, at most ${maxChars}` };
  if (CONTROL.test(text)) return { code: 'rpc.bad-arguments', message: `${field} holds control characters` };
  return text;
}

/** The entry a staff decision is about: a logged sequence number. */
function validSeq(seq: unknown): seq is number {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1;
}

function validateOverride(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('overrideLastVerdict takes one request {seq, by, reason}');
  const { seq } = request;
  if (!validSeq(seq)) return bad('override.seq must be an entry sequence number (a positive integer)');
  const by = optionalWho(request.by, 'override.by');
  if (typeof by === 'object') return { ok: false, error: by };
  const reason = typedText(request.reason, 'override.reason', OVERRIDE_LIMITS.reasonMaxChars);
  if (typeof reason !== 'string') return { ok: false, error: reason };
  const { confirmedSevere } = request;
  if (confirmedSevere !== undefined && typeof confirmedSevere !== 'boolean') return bad('override.confirmedSevere must be true or false');
  return {
    ok: true,
    method: 'overrideLastVerdict',
    args: [{ seq, ...(by === undefined ? {} : { by }), reason, ...(confirmedSevere === true ? { confirmedSevere } : {}) }],
  };
}

/** A confirm's who is an override's who: the same limits, the same characters refused. */
function validateConfirm(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('confirmLastVerdict takes one request {seq, by}');
  const { seq } = request;
  if (!validSeq(seq)) return bad('confirm.seq must be an entry sequence number (a positive integer)');
  const by = optionalWho(request.by, 'confirm.by');
  if (typeof by === 'object') return { ok: false, error: by };
  return { ok: true, method: 'confirmLastVerdict', args: [by === undefined ? { seq } : { seq, by }] };
}

/**
 * A typed "who" may be left out: with staff PINs set the core names the signed-in staff
 * member, and without them it refuses a decision with nobody named. Given, it is checked.
 */
function optionalWho(value: unknown, field: string): string | undefined | RpcFailure {
  return value === undefined ? undefined : typedText(value, field, OVERRIDE_LIMITS.byMaxChars);
}

/** A PIN is only ever digits, and never longer than a PIN can be; whether it is right is the core's to say. */
function validateSignIn(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('staffSignIn takes one request {pin}');
  const { pin } = request;
  if (typeof pin !== 'string' || !/^[0-9]+$/.test(pin) || pin.length > STAFF_PIN_MAX_DIGITS) return bad('staff.pin must be up to 12 digits');
  return { ok: true, method: 'staffSignIn', args: [{ pin }] };
}

/** A card access number is six digits; a lane, when named, is a lane as the entry log writes it. */
function validateChipCan(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('enterChipCan takes one request {can, lane?}');
  const { can, lane } = request;
  if (typeof can !== 'string' || !CHIP_CAN_PATTERN.test(can)) return bad('chip.can must be the 6 digits printed on the card');
  if (lane !== undefined && (typeof lane !== 'string' || !ENTRY_LANE.test(lane))) return bad('chip.lane must be a lane name');
  return { ok: true, method: 'enterChipCan', args: [lane === undefined ? { can } : { can, lane }] };
}

/**
 * A typed ID is 12 or 9 digits and nothing else rides along; its who is an override's who.
 * Whether the digits are an ID (province, century) is the core's to say, by the parser's rules.
 */
function validateTypedId(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('enterTypedId takes one request {id, by?}');
  const extra = Object.keys(request).find((key) => key !== 'id' && key !== 'by');
  if (extra !== undefined) return bad(`enterTypedId: unknown field ${JSON.stringify(extra)}`);
  const { id } = request;
  if (typeof id !== 'string' || !TYPED_ID_PATTERN.test(id)) return bad('typedId.id must be 12 or 9 digits');
  const by = optionalWho(request.by, 'typedId.by');
  if (typeof by === 'object') return { ok: false, error: by };
  return { ok: true, method: 'enterTypedId', args: [by === undefined ? { id } : { id, by }] };
}

/** A direction is one the entry log knows; nothing else rides along. */
function validateInputDirection(args: readonly unknown[]): ValidatedCall {
  const [request] = args;
  if (args.length !== 1 || !isObject(request)) return bad('setInputDirection takes one request {direction}');
  const extra = Object.keys(request).find((key) => key !== 'direction');
  if (extra !== undefined) return bad(`setInputDirection: unknown field ${JSON.stringify(extra)}`);
  const { direction } = request;
  if (!isEntryDirection(direction)) return bad(`input.direction must be one of ${ENTRY_DIRECTIONS.join(', ')}`);
  return { ok: true, method: 'setInputDirection', args: [{ direction }] };
}

/**
 * Checks a call from the renderer before the core sees it. The renderer is our code,
 * but it renders untrusted input, so the core treats every call as untrusted.
 */
export function validateCall(method: unknown, args: unknown): ValidatedCall {
  if (typeof method !== 'string' || !(KIOSK_API_METHODS as readonly string[]).includes(method)) {
    return { ok: false, error: { code: 'rpc.unknown-method', message: `unknown method ${JSON.stringify(method)}` } };
  }
  if (!Array.isArray(args)) return bad('arguments must be an array');
  switch (method as KioskMethod) {
    case 'getKioskInfo':
    case 'getKioskStatus':
    case 'getTodayStats':
    case 'getDiagnostics':
    case 'staffSignOut':
    case 'getStaffSession':
    case 'pageHeartbeat': {
      const name = method as NoArgumentMethod;
      return args.length === 0 ? { ok: true, method: name, args: [] } : bad(`${name} takes no arguments`);
    }
    case 'overrideLastVerdict':
      // The shape only: whether that entry may be overridden is the core's to say (operator-override.ts).
      return validateOverride(args);
    case 'confirmLastVerdict':
      // The shape only: whether that entry may be confirmed is the core's to say (staff-confirm.ts).
      return validateConfirm(args);
    case 'enterChipCan':
      return validateChipCan(args);
    case 'staffSignIn':
      return validateSignIn(args);
    case 'setInputDirection':
      return validateInputDirection(args);
    case 'enterTypedId':
      return validateTypedId(args);
    case 'submitScan': {
      const [scan] = args as unknown[];
      if (args.length !== 1 || !isObject(scan)) return bad('submitScan takes one scan');
      const { source, text, overflow, startLost } = scan;
      if (typeof text !== 'string') return bad('scan.text must be a string');
      // Oversized text is not an RPC error: it is a scan the person sees refused, so cut it and flag it.
      const cut = text.length > MAX_SCAN_CHARS;
      if (!isObject(source) || typeof source.deviceId !== 'string' || source.deviceId.length > 200) {
        return bad('scan.source must name a device');
      }
      if (!(SCAN_SOURCE_KINDS as readonly string[]).includes(source.kind as string)) return bad('scan.source.kind is unknown');
      if (overflow !== undefined && typeof overflow !== 'boolean') return bad('scan.overflow must be a boolean');
      if (startLost !== undefined && !(Number.isSafeInteger(startLost) && (startLost as number) > 0 && (startLost as number) <= MAX_SCAN_CHARS)) {
        return bad(`scan.startLost must be a whole number from 1 to ${MAX_SCAN_CHARS}`);
      }
      const submission: ScanSubmission = {
        source: { kind: source.kind as ScanSourceKind, deviceId: source.deviceId },
        text: cut ? text.slice(0, MAX_SCAN_CHARS) : text,
        overflow: cut || overflow === true,
        ...(startLost === undefined ? {} : { startLost: startLost as number }),
      };
      return { ok: true, method: 'submitScan', args: [submission] };
    }
  }
}
