import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DccSchemaEntry, DccValueSetEntry } from '../../domain/trust/dcc-trust-kinds.js';
import { messageOf } from '../../platform/message-of.js';
import { DccImportRefused } from './dcc-dsc-import.js';

/**
 * What `chot hub trust import dcc-schemas` and `… dcc-value-sets` take from their files.
 * Anything unreadable refuses the whole import: a schema or value set is all or nothing.
 */

const SCHEMA_FILES = ['DCC.combined-schema.json', 'DGC.combined-schema.json'];
const VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new DccImportRefused(`${file}: not JSON: ${messageOf(error)}`);
  }
};
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The DCC schemas of each path: a combined schema file (its version from its `$comment`,
 * "Schema version 1.3.0", else from its folder's name), a version folder holding one, or a
 * folder of version folders as the schema repository publishes them.
 */
export function readDccSchemas(paths: readonly string[]): DccSchemaEntry[] {
  const byVersion = new Map<string, DccSchemaEntry>();
  for (const path of paths) for (const entry of schemasAt(path)) byVersion.set(entry.version, entry);
  return [...byVersion.values()];
}

function schemasAt(path: string): DccSchemaEntry[] {
  if (!existsSync(path)) throw new DccImportRefused(`${path}: no such file or folder`);
  if (statSync(path).isFile()) return [schemaFile(path)];
  const own = SCHEMA_FILES.find((name) => existsSync(join(path, name)));
  if (own !== undefined) return [schemaFile(join(path, own))];
  const found = readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && VERSION.test(entry.name))
    .flatMap((entry) => {
      const name = SCHEMA_FILES.find((candidate) => existsSync(join(path, entry.name, candidate)));
      return name === undefined ? [] : [schemaFile(join(path, entry.name, name))];
    });
  if (found.length === 0) throw new DccImportRefused(`${path}: no DCC combined schema (<version>/DCC.combined-schema.json) in it`);
  return found;
}

function schemaFile(file: string): DccSchemaEntry {
  const schema = readJson(file);
  if (!isRecord(schema) || typeof schema.$schema !== 'string') throw new DccImportRefused(`${file}: not a JSON schema (no $schema)`);
  const stated = typeof schema.$comment === 'string' ? /Schema version (\d+\.\d+\.\d+)/.exec(schema.$comment)?.[1] : undefined;
  const version = stated ?? basename(dirname(file));
  if (!VERSION.test(version)) throw new DccImportRefused(`${file}: no version (neither "Schema version X.Y.Z" in $comment nor a folder named X.Y.Z)`);
  return { version, schema };
}

/**
 * The EU value-set files (`{valueSetId, valueSetDate, valueSetValues: {code: {display, lang,
 * active, system, version}}}`): only what a kiosk reads is kept, the code's display and
 * whether it is still active.
 */
export function readDccValueSets(files: readonly string[]): DccValueSetEntry[] {
  const byId = new Map<string, DccValueSetEntry>();
  for (const file of files) {
    const json = readJson(file);
    if (!isRecord(json) || typeof json.valueSetId !== 'string' || typeof json.valueSetDate !== 'string' || !isRecord(json.valueSetValues))
      throw new DccImportRefused(`${file}: not an EU value-set file ({valueSetId, valueSetDate, valueSetValues})`);
    const values = Object.fromEntries(
      Object.entries(json.valueSetValues).map(([code, value]) => {
        if (!isRecord(value) || typeof value.display !== 'string') throw new DccImportRefused(`${file}: code ${JSON.stringify(code)} has no display`);
        return [code, { display: value.display, ...(value.active === false ? { active: false } : {}) }];
      }),
    );
    byId.set(json.valueSetId, { id: json.valueSetId, date: json.valueSetDate, values });
  }
  return [...byId.values()];
}
