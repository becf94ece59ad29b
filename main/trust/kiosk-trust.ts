import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValueSet, ValueSetOverrides } from '../../domain/credentials/dcc/dcc-value-sets.js';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import type { DccSchemaEntry, DccValueSetEntry } from '../../domain/trust/dcc-trust-kinds.js';
import { loadDccTrustList } from './dcc-trust-list.js';
import { DirectoryDccSchemaValidator } from './dcc-schema-validator.js';
import { hubKeyStoreFromKeys } from './hub-key-store.js';

/**
 * What a kiosk trusts, from its data directory (placed there by enrolment and sync):
 *   trust/hub-keys.json                hub keys (status passes, rule sets): ["<base64 raw Ed25519 key>", …]
 *   trust/dcc-trust-list.json          DCC document signers placed by hand (see dcc-trust-list.ts)
 *   trust/dcc-trust-list.hub.json      … and those of the hub's signed `dcc-dsc` file (written by the sync)
 *   dcc-schema/<version>/              DCC JSON schemas placed by hand
 *   trust/dcc-schemas.hub.json         … and the hub's `dcc-schemas` (a version in both: the hub's)
 *   trust/dcc-value-sets.hub.json      the hub's `dcc-value-sets` (an id the hub sent replaces the built-in set)
 * plus anything named on the command line. Missing files mean "nothing trusted yet".
 * Signers are the union of the hand-placed and the hub's: either is a reason to trust a
 * certificate, as with the CSCA list (docs/trust-files.md).
 */
export interface TrustSources {
  readonly dataDir?: string;
  readonly hubKeys?: readonly string[];
  readonly dccCertificates?: readonly string[];
  readonly dccTrustListFile?: string;
  readonly dccSchemaDir?: string;
}

export const HUB_KEYS_FILE = join('trust', 'hub-keys.json');
export const DCC_TRUST_LIST_FILE = join('trust', 'dcc-trust-list.json');
export const DCC_SCHEMA_DIR = 'dcc-schema';
/** The content files of the hub's DCC trust files, each written whole by the sync (trust-file-store.ts). */
export const HUB_DCC_TRUST_LIST_FILE = join('trust', 'dcc-trust-list.hub.json');
export const HUB_DCC_SCHEMAS_FILE = join('trust', 'dcc-schemas.hub.json');
export const HUB_DCC_VALUE_SETS_FILE = join('trust', 'dcc-value-sets.hub.json');

export type VerificationPorts = Omit<VerificationContext, 'now'> & { readonly dccSchemas?: DirectoryDccSchemaValidator };

export function loadVerificationPorts(sources: TrustSources): VerificationPorts {
  const inData = (relative: string): string | undefined => {
    if (sources.dataDir === undefined) return undefined;
    const path = join(sources.dataDir, relative);
    return existsSync(path) ? path : undefined;
  };
  const hubKeysFile = inData(HUB_KEYS_FILE);
  const hubKeys = [...(hubKeysFile === undefined ? [] : (JSON.parse(readFileSync(hubKeysFile, 'utf8')) as string[])), ...(sources.hubKeys ?? [])];
  const trustListFiles = [inData(DCC_TRUST_LIST_FILE), inData(HUB_DCC_TRUST_LIST_FILE), sources.dccTrustListFile].filter((f): f is string => f !== undefined);
  const schemaDir = sources.dccSchemaDir ?? inData(DCC_SCHEMA_DIR);
  const hubSchemasFile = inData(HUB_DCC_SCHEMAS_FILE);
  const hubSchemas = hubSchemasFile === undefined ? [] : (JSON.parse(readFileSync(hubSchemasFile, 'utf8')) as DccSchemaEntry[]);
  const valueSetsFile = inData(HUB_DCC_VALUE_SETS_FILE);
  return {
    hubKeys: hubKeyStoreFromKeys(hubKeys),
    dccTrust: loadDccTrustList({ files: trustListFiles, base64Certificates: sources.dccCertificates ?? [] }),
    ...(schemaDir === undefined && hubSchemas.length === 0 ? {} : { dccSchemas: new DirectoryDccSchemaValidator(schemaDir, hubSchemas) }),
    ...(valueSetsFile === undefined ? {} : { dccValueSets: valueSetOverrides(JSON.parse(readFileSync(valueSetsFile, 'utf8')) as DccValueSetEntry[]) }),
  };
}

function valueSetOverrides(entries: readonly DccValueSetEntry[]): ValueSetOverrides {
  return new Map(
    entries.map((entry): [string, ValueSet] => [
      entry.id,
      {
        id: entry.id,
        date: entry.date,
        values: Object.fromEntries(
          Object.entries(entry.values).map(([code, value]) => [
            code,
            { display: value.display, ...(value.active === false ? { active: false as const } : {}) },
          ]),
        ),
      },
    ]),
  );
}
