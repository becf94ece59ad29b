import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { loadDccTrustList } from './dcc-trust-list.js';
import { DirectoryDccSchemaValidator } from './dcc-schema-validator.js';
import { hubKeyStoreFromKeys } from './hub-key-store.js';

/**
 * What a kiosk trusts, from its data directory (placed there by enrolment and sync):
 *   trust/hub-keys.json       hub keys (status passes, rule sets): ["<base64 raw Ed25519 key>", …]
 *   trust/dcc-trust-list.json  DCC document signers (see dcc-trust-list.ts)
 *   dcc-schema/<version>/      DCC JSON schemas
 * plus anything named on the command line. Missing files mean "nothing trusted yet".
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

export function loadVerificationPorts(sources: TrustSources): Omit<VerificationContext, 'now'> & { readonly dccSchemas?: DirectoryDccSchemaValidator } {
  const inData = (relative: string): string | undefined => {
    if (sources.dataDir === undefined) return undefined;
    const path = join(sources.dataDir, relative);
    return existsSync(path) ? path : undefined;
  };
  const hubKeysFile = inData(HUB_KEYS_FILE);
  const hubKeys = [...(hubKeysFile === undefined ? [] : (JSON.parse(readFileSync(hubKeysFile, 'utf8')) as string[])), ...(sources.hubKeys ?? [])];
  const trustListFiles = [inData(DCC_TRUST_LIST_FILE), sources.dccTrustListFile].filter((f): f is string => f !== undefined);
  const schemaDir = sources.dccSchemaDir ?? inData(DCC_SCHEMA_DIR);
  return {
    hubKeys: hubKeyStoreFromKeys(hubKeys),
    dccTrust: loadDccTrustList({ files: trustListFiles, base64Certificates: sources.dccCertificates ?? [] }),
    ...(schemaDir === undefined ? {} : { dccSchemas: new DirectoryDccSchemaValidator(schemaDir) }),
  };
}
