import { ENTRY_DIRECTIONS, type EntryDirection } from '../../domain/entries/entry-record.js';
import type { SerialSuffix } from '../../drivers/serial/serial-framing.js';
import { ENTRY_LANE } from '../../domain/entries/entry-fields.js';

/**
 * Devices named explicitly, by `chot start --device KIND=PATH[:BAUD][,key=value…]` or by
 * `<data-dir>/devices.json`. Pure parsing and checking, no I/O: every mistake is a
 * DeviceSpecError naming the device and the field, which the CLI turns into a usage error.
 *
 *   serial-scanner=/dev/ttyACM0:9600,lane=2,direction=out,suffix=crlf
 *   serial-relay=/dev/ttyUSB0,channel=2,pulse=800,lane=2      (CH340 "A0" board)
 *   modbus-relay=/dev/ttyUSB1:19200,unit=3,channel=1           (Modbus RTU coil)
 *   hid-pos-scanner=auto,lane=1     hid-relay=auto             (found by discovery)
 *   serial-scanner=auto,lane=1      (every serial port whose VID/PID name a scanner model)
 *   chip-reader=auto,lane=1         (every PC/SC reader not named by another chip-reader)
 *   chip-reader=ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00,lane=2,direction=in
 */

export type ScannerKind = 'serial-scanner' | 'hid-pos-scanner';
export type RelayKind = 'serial-relay' | 'modbus-relay' | 'hid-relay';
export type DeviceSpecKind = ScannerKind | RelayKind | 'chip-reader';

export const DEVICE_SPEC_KINDS: readonly DeviceSpecKind[] = ['serial-scanner', 'hid-pos-scanner', 'serial-relay', 'modbus-relay', 'hid-relay', 'chip-reader'];

/**
 * `auto`: every device of the kind that discovery finds. Serial scanners: the ports whose
 * VID/PID a scanner profile identifies (not a generic bridge chip's). Serial relays cannot
 * be found: a CH340 or RS-485 adapter says nothing about the board behind it.
 */
export const AUTO = 'auto';

/** The kinds that `auto` may stand for. */
export function canDiscover(kind: DeviceSpecKind): boolean {
  return kind !== 'serial-relay' && kind !== 'modbus-relay';
}

export interface ScannerSpec {
  readonly kind: ScannerKind;
  readonly path: string;
  /** The lane the scanner serves (its verdicts pulse that lane's relays). Default '1'. */
  readonly lane: string;
  /** Which way people pass when they scan here. Default 'in'. */
  readonly direction: EntryDirection;
  /** Serial scanners: the port's speed (default: the profile's or 9600). */
  readonly baudRate?: number;
  /** Serial scanners: what ends a scan (default: the profile's or CR, any line ending accepted). */
  readonly suffix?: SerialSuffix;
}

export interface RelaySpec {
  readonly kind: RelayKind;
  readonly path: string;
  /** The lane whose gate this relay opens. Default '1'. */
  readonly lane: string;
  /** The relay channel (1-based) wired to the gate. Default 1. */
  readonly channel: number;
  /** How long the gate's contact closes. Default 500 ms. */
  readonly pulseMs: number;
  /** Serial relays: the port's speed (default 9600). */
  readonly baudRate?: number;
  /** Modbus relays: the board's unit id (default 1). */
  readonly unitId?: number;
}

/**
 * A chip card reader over PC/SC (main/chip/chip-station.ts): `path` is the reader's PC/SC
 * name, or `auto` for every reader PC/SC offers that no other chip-reader names.
 */
export interface ChipReaderSpec {
  readonly kind: 'chip-reader';
  readonly path: string;
  /** The lane the reader serves: a card QR decided on this lane gives the keys for the card put on it. Default '1'. */
  readonly lane: string;
  readonly direction: EntryDirection;
  /** The longest one whole read may take before it is given up (default 20 s). */
  readonly readTimeoutMs?: number;
}

export type DeviceSpec = ScannerSpec | RelaySpec | ChipReaderSpec;

export const DEFAULT_LANE = '1';
export const DEFAULT_PULSE_MS = 500;
/** A pulse, never a latch: the drivers refuse longer ones too. */
export const MAX_PULSE_MS = 10_000;
const BAUD_RATES: readonly number[] = [1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

export class DeviceSpecError extends Error {
  override readonly name = 'DeviceSpecError';
}

export function isScannerSpec(spec: DeviceSpec): spec is ScannerSpec {
  return spec.kind === 'serial-scanner' || spec.kind === 'hid-pos-scanner';
}

export function isChipReaderSpec(spec: DeviceSpec): spec is ChipReaderSpec {
  return spec.kind === 'chip-reader';
}

/** The bounds of one chip read's timeout (`timeout=MS`, devices.json `readTimeoutMs`). */
export const CHIP_READ_TIMEOUT_RANGE_MS = { min: 1_000, max: 120_000 } as const;

export function isSerialKind(kind: DeviceSpecKind): boolean {
  return kind === 'serial-scanner' || kind === 'serial-relay' || kind === 'modbus-relay';
}

/** The options each kind accepts, for the error that names the ones it does not. */
const OPTIONS: Readonly<Record<DeviceSpecKind, readonly string[]>> = {
  'serial-scanner': ['lane', 'direction', 'baud', 'suffix'],
  'hid-pos-scanner': ['lane', 'direction'],
  'serial-relay': ['lane', 'channel', 'pulse', 'baud'],
  'modbus-relay': ['lane', 'channel', 'pulse', 'baud', 'unit'],
  'hid-relay': ['lane', 'channel', 'pulse'],
  'chip-reader': ['lane', 'direction', 'timeout'],
};

/** Parses one `--device` value. */
export function parseDeviceArg(text: string): DeviceSpec {
  const where = `--device ${JSON.stringify(text)}`;
  const equals = text.indexOf('=');
  if (equals < 1) throw new DeviceSpecError(`${where}: expected KIND=PATH, e.g. serial-scanner=/dev/ttyACM0:9600 (kinds: ${DEVICE_SPEC_KINDS.join(', ')})`);
  const kind = checkKind(text.slice(0, equals), where);
  const [target = '', ...pairs] = text.slice(equals + 1).split(',');
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new DeviceSpecError(`${where}: option ${JSON.stringify(pair)} is not key=value (options of ${kind}: ${OPTIONS[kind].join(', ')})`);
    const key = pair.slice(0, eq);
    if (Object.hasOwn(options, key)) throw new DeviceSpecError(`${where}: option ${key} is given twice`);
    options[key] = pair.slice(eq + 1);
  }
  let path = target;
  // Serial paths may end in :BAUD. HID paths may hold colons of their own (libusb's "0001:0004:00"), so only serial kinds read one.
  const baud = isSerialKind(kind) ? /^(.*):(\d+)$/.exec(target) : null;
  if (baud !== null) {
    if (Object.hasOwn(options, 'baud')) throw new DeviceSpecError(`${where}: the baud rate is given twice (:${baud[2]} and baud=)`);
    path = baud[1] ?? '';
    options.baud = baud[2] ?? '';
  }
  return buildSpec(kind, path, options, where);
}

/** A device as devices.json writes it: `{kind, path, lane?, direction?, baudRate?, suffix?, channel?, pulseMs?, unitId?}`. */
export function deviceSpecFromJson(value: unknown, where: string): DeviceSpec {
  if (typeof value === 'string') return parseDeviceArg(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DeviceSpecError(`${where}: a device is an object {"kind", "path", …} or a string like "serial-scanner=/dev/ttyACM0"`);
  const fields = value as Record<string, unknown>;
  const kind = checkKind(fields.kind, `${where}.kind`);
  const names: Readonly<Record<string, string>> = {
    lane: 'lane',
    direction: 'direction',
    baudRate: 'baud',
    suffix: 'suffix',
    channel: 'channel',
    pulseMs: 'pulse',
    unitId: 'unit',
    readTimeoutMs: 'timeout',
  };
  const options: Record<string, string> = {};
  for (const [key, raw] of Object.entries(fields)) {
    if (key === 'kind' || key === 'path') continue;
    const option = names[key];
    if (option === undefined || !OPTIONS[kind].includes(option)) {
      const allowed = Object.keys(names).filter((name) => OPTIONS[kind].includes(names[name] ?? ''));
      throw new DeviceSpecError(`${where}.${key}: not a field of a ${kind} (fields: kind, path, ${allowed.join(', ')})`);
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') throw new DeviceSpecError(`${where}.${key}: must be a string or a number`);
    options[option] = String(raw);
  }
  if (typeof fields.path !== 'string')
    throw new DeviceSpecError(`${where}.path: missing (a device path such as /dev/ttyACM0${canDiscover(kind) ? ', or "auto"' : ''})`);
  return buildSpec(kind, fields.path, options, where);
}

function checkKind(kind: unknown, where: string): DeviceSpecKind {
  if (typeof kind === 'string' && (DEVICE_SPEC_KINDS as readonly string[]).includes(kind)) return kind as DeviceSpecKind;
  throw new DeviceSpecError(`${where}: unknown device kind ${JSON.stringify(kind)} (kinds: ${DEVICE_SPEC_KINDS.join(', ')})`);
}

function buildSpec(kind: DeviceSpecKind, path: string, options: Readonly<Record<string, string>>, where: string): DeviceSpec {
  for (const key of Object.keys(options)) {
    if (!OPTIONS[kind].includes(key))
      throw new DeviceSpecError(`${where}: ${kind} has no option ${JSON.stringify(key)} (options: ${OPTIONS[kind].join(', ')})`);
  }
  if (path === '') throw new DeviceSpecError(`${where}: the device path is missing`);
  if (path === AUTO && !canDiscover(kind)) {
    throw new DeviceSpecError(
      `${where}: a ${kind} cannot be found automatically (its USB-serial adapter does not say what is behind it): name its path, e.g. /dev/serial/by-id/…`,
    );
  }
  if (path !== AUTO && isSerialKind(kind) && !path.startsWith('/') && !/^COM\d+$/i.test(path)) {
    throw new DeviceSpecError(`${where}: ${JSON.stringify(path)} is not a serial port path (/dev/ttyACM0, /dev/serial/by-id/…, COM3)`);
  }
  const lane = options.lane ?? DEFAULT_LANE;
  if (!ENTRY_LANE.test(lane)) throw new DeviceSpecError(`${where}: lane ${JSON.stringify(lane)} must be 1–32 letters, digits, '.', '_' or '-'`);
  const baudRate = options.baud === undefined ? undefined : integer(options.baud, 'baud rate', where);
  if (baudRate !== undefined && !BAUD_RATES.includes(baudRate))
    throw new DeviceSpecError(`${where}: baud rate ${baudRate} is not a standard one (${BAUD_RATES.join(', ')})`);
  const direction = options.direction ?? 'in';
  if (!(ENTRY_DIRECTIONS as readonly string[]).includes(direction))
    throw new DeviceSpecError(`${where}: direction ${JSON.stringify(direction)} must be one of ${ENTRY_DIRECTIONS.join(', ')}`);
  if (kind === 'chip-reader') {
    const timeoutMs = options.timeout === undefined ? undefined : integer(options.timeout, 'timeout (ms)', where);
    const { min, max } = CHIP_READ_TIMEOUT_RANGE_MS;
    if (timeoutMs !== undefined && (timeoutMs < min || timeoutMs > max))
      throw new DeviceSpecError(`${where}: timeout ${timeoutMs} ms must be ${min}–${max} ms`);
    return { kind, path, lane, direction: direction as EntryDirection, ...(timeoutMs === undefined ? {} : { readTimeoutMs: timeoutMs }) };
  }
  if (kind === 'serial-scanner' || kind === 'hid-pos-scanner') {
    const suffix = options.suffix === undefined ? undefined : parseSuffix(options.suffix, where);
    return {
      kind,
      path,
      lane,
      direction: direction as EntryDirection,
      ...(baudRate === undefined ? {} : { baudRate }),
      ...(suffix === undefined ? {} : { suffix }),
    };
  }
  const channel = options.channel === undefined ? 1 : integer(options.channel, 'channel', where);
  const maxChannel = kind === 'serial-relay' ? 8 : 256;
  if (channel < 1 || channel > maxChannel) throw new DeviceSpecError(`${where}: channel ${channel} must be 1–${maxChannel}`);
  const pulseMs = options.pulse === undefined ? DEFAULT_PULSE_MS : integer(options.pulse, 'pulse (ms)', where);
  if (pulseMs < 50 || pulseMs > MAX_PULSE_MS) throw new DeviceSpecError(`${where}: pulse ${pulseMs} ms must be 50–${MAX_PULSE_MS} ms (a pulse, never a latch)`);
  const unitId = kind === 'modbus-relay' ? (options.unit === undefined ? 1 : integer(options.unit, 'unit id', where)) : undefined;
  if (unitId !== undefined && (unitId < 1 || unitId > 247)) throw new DeviceSpecError(`${where}: Modbus unit id ${unitId} must be 1–247`);
  return { kind, path, lane, channel, pulseMs, ...(baudRate === undefined ? {} : { baudRate }), ...(unitId === undefined ? {} : { unitId }) };
}

function integer(text: string, what: string, where: string): number {
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new DeviceSpecError(`${where}: ${what} ${JSON.stringify(text)} must be a whole number`);
  return value;
}

function parseSuffix(text: string, where: string): SerialSuffix {
  if (text === 'cr' || text === 'lf' || text === 'crlf' || text === 'none') return text;
  const hex = /^hex:([0-9a-f]{2}){1,8}$/i.test(text) ? text.slice(4).toLowerCase() : undefined;
  if (hex !== undefined) return { hex };
  throw new DeviceSpecError(`${where}: suffix ${JSON.stringify(text)} must be cr, lf, crlf, none or hex:XX… (e.g. hex:03)`);
}

/** The one place two specs count as the same device: a CLI flag replaces the file's entry for it. */
export function deviceKey(spec: DeviceSpec): string {
  return `${spec.kind}=${spec.path}`;
}

/** The file's devices, then the CLI's: a CLI device replaces a file device of the same kind and path. */
export function mergeDeviceSpecs(fromFile: readonly DeviceSpec[], fromCli: readonly DeviceSpec[]): DeviceSpec[] {
  const cliKeys = new Set(fromCli.map(deviceKey));
  const merged = [...fromFile.filter((spec) => !cliKeys.has(deviceKey(spec))), ...fromCli];
  const seen = new Set<string>();
  for (const spec of merged) {
    // Scanners opened twice would decide every scan twice; relays, pulse twice.
    if (seen.has(deviceKey(spec))) throw new DeviceSpecError(`device ${deviceKey(spec)} is named twice`);
    seen.add(deviceKey(spec));
  }
  return merged;
}
