import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { matchProfile, type DeviceProfile, type ProfileTransport, type SuffixSetting } from '../../domain/devices/device-profile.js';
import { MAX_SCAN_CHARS } from '../../domain/scan/scan-event.js';

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
  const extra = (first.params as { additionalProperty?: string; unevaluatedProperty?: string });
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
  const validate = compileProfileSchema(firmwareConfigDir);
  const dir = join(firmwareConfigDir, PROFILES_DIR);
  const profiles: DeviceProfile[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ProfileCatalogError(file, '', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const profile = validateProfileJson(validate, file, json);
    const other = seen.get(profile.id);
    if (other !== undefined) throw new ProfileCatalogError(file, '/id', `id "${profile.id}" is also used by ${other}`);
    seen.set(profile.id, file);
    profiles.push(profile);
  }
  profiles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(profiles.map((profile) => [profile.id, profile]));
  return { dir: firmwareConfigDir, profiles, byId: (id) => byId.get(id) };
}

// The serial scanner driver's option shapes (drivers/serial, written beside this): restated
// structurally here so either can land first; the lead unifies them on merge.
export interface SerialPortListing {
  readonly path: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
}

export interface SerialScannerConfig {
  readonly settings: { readonly baudRate: number; readonly dataBits?: 7 | 8; readonly parity?: 'none' | 'even' | 'odd'; readonly stopBits?: 1 | 2 };
  readonly framing: { readonly suffix: SuffixSetting; readonly interByteTimeoutMs: number; readonly maxFrameBytes: number };
}

/** A frame without a suffix ends after this much silence (a scanner sends a code's bytes back to back). */
export const DEFAULT_INTER_BYTE_TIMEOUT_MS = 50;
/** UTF-8 of the longest scan the core looks at: up to 4 bytes a character would be generous; QR byte mode holds 2 953 bytes. */
export const DEFAULT_MAX_FRAME_BYTES = MAX_SCAN_CHARS;

/** What the kernel's device name says about the transport: ttyACM is CDC ACM, ttyUSB a bridge chip. */
export function serialTransportOf(path: string): ProfileTransport | undefined {
  if (/ttyACM\d+$/.test(path) || /cu\.usbmodem/.test(path)) return 'cdc-acm';
  if (/ttyUSB\d+$/.test(path) || /cu\.(usbserial|wchusbserial)/.test(path)) return 'usb-serial-bridge';
  return undefined;
}

/**
 * `SerialScannerDriver`'s `configFor`: the serial settings and framing of the scanner
 * profile a listed port matches, or undefined (not a scanner we know: the driver leaves it).
 */
export function serialScannerConfigFor(catalog: ProfileCatalog): (port: SerialPortListing) => SerialScannerConfig | undefined {
  return (port) => {
    if (port.vendorId === undefined) return undefined;
    const transport = serialTransportOf(port.path);
    const match = matchProfile(catalog.profiles, {
      vendorId: port.vendorId,
      ...(port.productId === undefined ? {} : { productId: port.productId }),
      ...(transport === undefined ? {} : { transport }),
      kind: 'scanner',
    });
    if (match === undefined || match.mode.mode !== 'serial') return undefined;
    const serial = match.profile.serial ?? {};
    return {
      settings: {
        baudRate: serial.baudRate?.value ?? 9600,
        ...(serial.dataBits === undefined ? {} : { dataBits: serial.dataBits.value }),
        ...(serial.parity === undefined ? {} : { parity: serial.parity.value }),
        ...(serial.stopBits === undefined ? {} : { stopBits: serial.stopBits.value }),
      },
      framing: {
        suffix: serial.suffix?.value ?? 'none',
        interByteTimeoutMs: serial.interByteTimeoutMs?.value ?? DEFAULT_INTER_BYTE_TIMEOUT_MS,
        maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      },
    };
  };
}
