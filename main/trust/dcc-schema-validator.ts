import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DccSchemaValidator } from '../../domain/credentials/verification.js';

/**
 * The DCC JSON schemas behind the domain's `DccSchemaValidator` port, from a directory
 * laid out as the schema repository publishes them:
 *   <dir>/<major.minor.patch>/DCC.combined-schema.json   (1.3.0 and later)
 *   <dir>/<major.minor.patch>/DGC.combined-schema.json   (1.0.x, before the rename)
 * A certificate is held to the highest version not above its own `ver`: a 1.2.1
 * certificate to 1.0.1 when that is what is shipped, never to a later schema that
 * added rules it could not know. Each schema is compiled once, on first use.
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
 * The schemas use `format: date` and `format: date-time`; ajv-formats is not a dependency,
 * so the two are defined here, as RFC 3339 says (full-date; date-time with a zone).
 */
function isRfc3339Date(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isRfc3339DateTime(text: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (m === null || !isRfc3339Date(m[1] as string)) return false;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const zoneOk = m[5] === undefined || (Number(m[5]) <= 23 && Number(m[6]) <= 59);
  return hour <= 23 && minute <= 59 && second <= 60 && zoneOk;
}

export class DirectoryDccSchemaValidator implements DccSchemaValidator {
  private readonly schemas: { readonly version: Version; readonly file: string }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(directory: string) {
    this.schemas = readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const version = parseSchemaVersion(entry.name);
        const name = SCHEMA_FILES.find((candidate) => existsSync(join(directory, entry.name, candidate)));
        return version === null || name === undefined ? [] : [{ version, file: join(directory, entry.name, name) }];
      })
      .sort((a, b) => compare(b.version, a.version));
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
    for (const schema of this.schemas) this.validator(schema.file);
    return this.compiled.size;
  }

  /** How many schemas are compiled so far. */
  compiledCount(): number {
    return this.compiled.size;
  }

  validate(hcert: unknown, version: string): boolean | null {
    const wanted = parseSchemaVersion(version);
    if (wanted === null) return null;
    const schema = this.schemas.find((candidate) => compare(candidate.version, wanted) <= 0);
    if (schema === undefined) return null;
    return this.validator(schema.file)(hcert);
  }

  private validator(file: string): ValidateFunction {
    let validate = this.compiled.get(file);
    if (validate === undefined) {
      // One ajv per schema: every version declares the same $id. strict: false because the
      // schemas carry annotations ajv's strict mode rejects (e.g. `valueset-uri`).
      const ajv = new Ajv2020({ strict: false, allErrors: false });
      ajv.addFormat('date', isRfc3339Date);
      ajv.addFormat('date-time', isRfc3339DateTime);
      validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
      this.compiled.set(file, validate);
    }
    return validate;
  }
}
