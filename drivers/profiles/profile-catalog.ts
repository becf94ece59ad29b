import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { matchProfile, type DeviceProfile, type ProfileMatch, type ProfileTransport } from '../../domain/devices/device-profile.js';
import { messageOf } from '../../platform/message-of.js';
import type { SerialSuffix } from '../serial/serial-framing.js';
import { DEFAULT_SERIAL_SCANNER_CONFIG, type SerialScannerConfig, type SerialScannerDriverOptions } from '../serial/serial-scanner-driver.js';
import type { SerialPortListing } from '../serial/serial-transport.js';

/**
 * The device profiles of `firmware-config/`, loaded and validated against its JSON Schema.
 * The directory is handed in (drivers may not import main/): `main/diagnostics/firmware-config-dir.ts`
 * finds it in a checkout (`<root>/firmware-config`) and in the installed kiosk
 * (`<root>/dist/firmware-config`, copied by scripts/build.mjs).
 */

export const SCHEMA_FILE = join('schema', 'device-profile.schema.json');
export const PROFILES_DIR = 'profiles';

/** A profile file the kiosk refuses: which file, which field, and why. */
export class ProfileCatalogError extends Error {
  override readonly name = 'ProfileCatalogError';

  constructor(
    readonly file: string,
    /** JSON pointer of the offending field ('' for the whole file). */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field === '' ? '(file)' : field}: ${reason}`);
  }
}

export interface ProfileCatalog {
  /** The firmware-config directory it was loaded from. */
  readonly dir: string;
  /** Sorted by id, so matching is the same on every machine. */
  readonly profiles: readonly DeviceProfile[];
  byId(id: string): DeviceProfile | undefined;
}

/** Compiles the schema once; `validateProfileJson` runs it on one parsed file. */
export function compileProfileSchema(firmwareConfigDir: string): ValidateFunction {
  // strictTypes off: the fact schemas combine `type: object` (in provenance) and unevaluatedProperties through allOf.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  return ajv.compile(JSON.parse(readFileSync(join(firmwareConfigDir, SCHEMA_FILE), 'utf8')) as object);
}

/**
 * The clearest of ajv's errors. A fact with neither source nor unverified fails the
 * provenance `anyOf`, which ajv reports as two branch errors and the anyOf: say it in words.
 */
function describeErrors(errors: readonly ErrorObject[]): { field: string; reason: string } {
  const provenance = errors.find((error) => error.keyword === 'anyOf' && error.schemaPath.includes('/provenance/'));
  if (provenance !== undefined) {
    return { field: provenance.instancePath, reason: 'a value needs a "source" (manual + section/page, or URL), or "unverified": true with a "note"' };
  }
  const unexpected = errors.find((error) => error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties');
  const first = unexpected ?? errors.find((error) => error.keyword !== 'anyOf' && error.keyword !== 'if') ?? errors[0];
  if (first === undefined) return { field: '', reason: 'does not match the schema' };
  const extra = first.params as { additionalProperty?: string; unevaluatedProperty?: string };
  const name = extra.additionalProperty ?? extra.unevaluatedProperty;
  return { field: first.instancePath, reason: name === undefined ? (first.message ?? 'is invalid') : `unknown property "${name}"` };
}

/** Validates one parsed profile file; throws ProfileCatalogError naming the file and field. */
export function validateProfileJson(validate: ValidateFunction, file: string, json: unknown): DeviceProfile {
  if (!validate(json)) {
    const { field, reason } = describeErrors(validate.errors ?? []);
    throw new ProfileCatalogError(file, field, reason);
  }
  const profile = json as DeviceProfile;
  if (basename(file) !== `${profile.id}.json`) {
    throw new ProfileCatalogError(file, '/id', `the file of profile "${profile.id}" must be named ${profile.id}.json`);
  }
  return profile;
}

/** Loads and validates every `profiles/*.json`; the first bad file throws. */
export function loadProfileCatalog(firmwareConfigDir: string): ProfileCatalog {
  return readCatalog(firmwareConfigDir, (error) => {
    throw error;
  });
}

/**
 * The running kiosk's catalog: a bad profile file is skipped and said (`problems`), the
 * others still count — a broken file must not stop the kiosk, and the diagnostics screen
 * reports it too. Without a readable schema the catalog is empty.
 */
export function loadUsableProfiles(firmwareConfigDir: string): { readonly catalog: ProfileCatalog; readonly problems: readonly string[] } {
  const problems: string[] = [];
  try {
    return { catalog: readCatalog(firmwareConfigDir, (error) => problems.push(error.message)), problems };
  } catch (error) {
    problems.push(messageOf(error));
    return { catalog: catalogOf(firmwareConfigDir, []), problems };
  }
}

function readCatalog(firmwareConfigDir: string, onBadFile: (error: ProfileCatalogError) => void): ProfileCatalog {
  const validate = compileProfileSchema(firmwareConfigDir);
  const dir = join(firmwareConfigDir, PROFILES_DIR);
  const profiles: DeviceProfile[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(dir)
    .filter((entry) => entry.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    try {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new ProfileCatalogError(file, '', `not valid JSON: ${messageOf(error)}`);
      }
      const profile = validateProfileJson(validate, file, json);
      const other = seen.get(profile.id);
      if (other !== undefined) throw new ProfileCatalogError(file, '/id', `id "${profile.id}" is also used by ${other}`);
      seen.set(profile.id, file);
      profiles.push(profile);
    } catch (error) {
      if (!(error instanceof ProfileCatalogError)) throw error;
      onBadFile(error);
    }
  }
  return catalogOf(firmwareConfigDir, profiles);
}

function catalogOf(dir: string, profiles: DeviceProfile[]): ProfileCatalog {
  profiles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(profiles.map((profile) => [profile.id, profile]));
  return { dir, profiles, byId: (id) => byId.get(id) };
}

/** What the kernel's device name says about the transport: ttyACM is CDC ACM, ttyUSB a bridge chip. */
export function serialTransportOf(path: string): ProfileTransport | undefined {
  if (/ttyACM\d+$/.test(path) || /cu\.usbmodem/.test(path)) return 'cdc-acm';
  if (/ttyUSB\d+$/.test(path) || /cu\.(usbserial|wchusbserial)/.test(path)) return 'usb-serial-bridge';
  return undefined;
}

/** The scanner profile (in serial mode) a listed port matches, or undefined. */
export function serialScannerMatch(catalog: ProfileCatalog, port: SerialPortListing): ProfileMatch | undefined {
  if (port.vendorId === undefined) return undefined;
  const transport = serialTransportOf(port.path);
  const match = matchProfile(catalog.profiles, {
    vendorId: port.vendorId,
    ...(port.productId === undefined ? {} : { productId: port.productId }),
    ...(transport === undefined ? {} : { transport }),
    kind: 'scanner',
  });
  return match === undefined || match.mode.mode !== 'serial' ? undefined : match;
}

/**
 * `SerialScannerDriver`'s `configFor`: the serial settings and framing of the scanner
 * profile a listed port matches (a value the profile leaves out is the driver's default),
 * or undefined (not a scanner we know: the driver's defaults apply to a port named explicitly).
 * A generic bridge chip's match (CH340) counts here: the port was named as a scanner.
 */
export function serialScannerConfigFor(catalog: ProfileCatalog): NonNullable<SerialScannerDriverOptions['configFor']> {
  const defaults = DEFAULT_SERIAL_SCANNER_CONFIG;
  return (port): SerialScannerConfig | undefined => {
    const match = serialScannerMatch(catalog, port);
    if (match === undefined) return undefined;
    const serial = match.profile.serial ?? {};
    const suffix: SerialSuffix = serial.suffix?.value ?? defaults.framing.suffix;
    return {
      settings: {
        ...defaults.settings,
        ...(serial.baudRate === undefined ? {} : { baudRate: serial.baudRate.value }),
        ...(serial.dataBits === undefined ? {} : { dataBits: serial.dataBits.value }),
        ...(serial.parity === undefined ? {} : { parity: serial.parity.value }),
        ...(serial.stopBits === undefined ? {} : { stopBits: serial.stopBits.value }),
      },
      framing: {
        ...defaults.framing,
        suffix,
        ...(serial.interByteTimeoutMs === undefined ? {} : { interByteTimeoutMs: serial.interByteTimeoutMs.value }),
      },
    };
  };
}

/**
 * `SerialScannerDriver`'s `discoverable`: whether a port's VID/PID say it IS a known scanner
 * model in serial mode, so that `serial-scanner=auto` may open it. A generic match is not
 * enough: the ids of a bridge chip (CH340 1a86:7523, an STM32 virtual COM port) are shared
 * with relay boards and other gear (profiles with `"generic": true`), and opening a relay
 * board as a scanner would hold the port the gate needs. Those are named explicitly.
 */
export function identifiesSerialScanner(catalog: ProfileCatalog): NonNullable<SerialScannerDriverOptions['discoverable']> {
  return (port) => {
    const match = serialScannerMatch(catalog, port);
    return match !== undefined && match.confidence !== 'generic' && match.profile.generic !== true;
  };
}
