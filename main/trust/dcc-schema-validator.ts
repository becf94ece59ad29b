import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DccSchemaValidator } from '../../domain/credentials/verification.js';
import type { DccSchemaEntry } from '../../domain/trust/dcc-trust-kinds.js';

/**
 * The DCC JSON schemas behind the domain's `DccSchemaValidator` port, from a directory
 * laid out as the schema repository publishes them:
 *   <dir>/<major.minor.patch>/DCC.combined-schema.json   (1.3.0 and later)
 *   <dir>/<major.minor.patch>/DGC.combined-schema.json   (1.0.x, before the rename)
 * A certificate is held to the schema of its own `ver` (see schemaFor): what a version
 * permits is decided by that version. Each schema is compiled once, on first use.
 *
 * Schemas the hub signed (the `dcc-schemas` trust file) are given as documents beside the
 * directory; a version in both is the hub's: the hub is how every gate gets the same schema.
 */

const SCHEMA_FILES = ['DCC.combined-schema.json', 'DGC.combined-schema.json'];
type Version = readonly [number, number, number];

/** `1.3.0` → [1, 3, 0]; also `1.3` (missing parts are 0). Null for anything else. */
export function parseSchemaVersion(text: string): Version | null {
  const m = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?$/.exec(text.trim());
  return m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The schemas use `format: date` and `format: date-time`. They are asserted as the schema
 * repository itself validates certificates (ajv with ajv-formats 2.1.1, pinned in its
 * package-lock), so a certificate its own tooling passes is not refused here; ajv-formats
 * is not a dependency, so the two formats are defined here to match it.
 * `date` is an RFC 3339 full-date, a real day of the calendar.
 */
function isRfc3339Date(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const TIME_OF_DAY = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * `date-time` as the schema repository's validator reads it, which is looser than RFC 3339
 * in two ways issuers use: the zone may be left out (`2021-06-01T10:00:00`, a time the
 * readers of the certificate take as UTC) and an offset may lack its colon (`+0200`).
 * Seconds are required; a leap second only at 23:59:60.
 */
function isDccDateTime(text: string): boolean {
  const parts = text.split(/[Tt\s]/);
  if (parts.length !== 2 || !isRfc3339Date(parts[0] as string)) return false;
  const m = TIME_OF_DAY.exec(parts[1] as string);
  if (m === null) return false;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return (hour <= 23 && minute <= 59 && second <= 59) || (hour === 23 && minute === 59 && second === 60);
}

interface SchemaSource {
  readonly version: Version;
  /** Reads the schema document (from its file, or the hub's document already in memory). */
  readonly load: () => object;
}

export class DirectoryDccSchemaValidator implements DccSchemaValidator {
  private readonly schemas: SchemaSource[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(directory: string | undefined, hubSchemas: readonly DccSchemaEntry[] = []) {
    const fromHub = hubSchemas.flatMap((entry): SchemaSource[] => {
      const version = parseSchemaVersion(entry.version);
      return version === null ? [] : [{ version, load: () => entry.schema }];
    });
    const hubVersions = new Set(fromHub.map((source) => source.version.join('.')));
    const fromDirectory =
      directory === undefined
        ? []
        : readdirSync(directory, { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .flatMap((entry): SchemaSource[] => {
              const version = parseSchemaVersion(entry.name);
              const name = SCHEMA_FILES.find((candidate) => existsSync(join(directory, entry.name, candidate)));
              if (version === null || name === undefined || hubVersions.has(version.join('.'))) return [];
              const file = join(directory, entry.name, name);
              return [{ version, load: () => JSON.parse(readFileSync(file, 'utf8')) as object }];
            });
    this.schemas = [...fromHub, ...fromDirectory].sort((a, b) => compare(b.version, a.version));
  }

  /** The versions found, highest first (for `chot verify` and tests). */
  versions(): string[] {
    return this.schemas.map((schema) => schema.version.join('.'));
  }

  /**
   * Reads and compiles every schema now. A kiosk does this at start, so the first DCC
   * scanned does not pay disk reads and an ajv compile (tens of milliseconds) on the scan path.
   */
  compileAll(): number {
    for (const schema of this.schemas) this.validator(schema);
    return this.compiled.size;
  }

  /** How many schemas are compiled so far. */
  compiledCount(): number {
    return this.compiled.size;
  }

  validate(hcert: unknown, version: string): boolean | null {
    const wanted = parseSchemaVersion(version);
    if (wanted === null) return null;
    const schema = this.schemaFor(wanted);
    if (schema === undefined) return null;
    return this.validator(schema)(hcert);
  }

  /**
   * The schema that describes version `wanted`: that release when shipped; else the
   * nearest later patch release of the same major.minor, because the schema repository's
   * patch releases only relax or clarify (1.3.2 made `fnt` optional, 1.3.3 changed nothing
   * a validator sees), so a 1.3.2 certificate is described by 1.3.3 and not by 1.3.0,
   * which would refuse what its own version allows; else the highest release below it
   * (a 1.2.1 certificate to 1.0.1 when that is what is shipped), never a later minor
   * release that added rules the certificate could not know.
   */
  private schemaFor(wanted: Version): SchemaSource | undefined {
    const sameMinorLater = this.schemas
      .filter((candidate) => candidate.version[0] === wanted[0] && candidate.version[1] === wanted[1] && candidate.version[2] >= wanted[2])
      .at(-1); // the list is highest first: the last is the nearest at or above
    return sameMinorLater ?? this.schemas.find((candidate) => compare(candidate.version, wanted) <= 0);
  }

  private validator(schema: SchemaSource): ValidateFunction {
    const key = schema.version.join('.');
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = compileDccSchema(schema.load());
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** Compiles one DCC schema document; throws when it is not a schema ajv can use. */
export function compileDccSchema(schema: object): ValidateFunction {
  // One ajv per schema: every version declares the same $id. strict: false because the
  // schemas carry annotations ajv's strict mode rejects (e.g. `valueset-uri`).
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addFormat('date', isRfc3339Date);
  ajv.addFormat('date-time', isDccDateTime);
  return ajv.compile(schema);
}
