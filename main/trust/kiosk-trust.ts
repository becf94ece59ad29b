import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { loadDccTrustList } from './dcc-trust-list.js';
import { DirectoryDccSchemaValidator } from './dcc-schema-validator.js';
import { passTrustStoreFromKeys } from './pass-trust-store.js';

/**
 * What a kiosk trusts, from its data directory (placed there by enrolment and sync):
 *   trust/pass-keys.json       hub keys for status passes: ["<base64 raw Ed25519 key>", …]
 *   trust/dcc-trust-list.json  DCC document signers (see dcc-trust-list.ts)
 *   dcc-schema/<version>/      DCC JSON schemas
 * plus anything named on the command line. Missing files mean "nothing trusted yet".
 */
export interface TrustSources {
  readonly dataDir?: string;
  readonly passKeys?: readonly string[];
  readonly dccCertificates?: readonly string[];
  readonly dccTrustListFile?: string;
  readonly dccSchemaDir?: string;
}

export const PASS_KEYS_FILE = join('trust', 'pass-keys.json');
export const DCC_TRUST_LIST_FILE = join('trust', 'dcc-trust-list.json');
export const DCC_SCHEMA_DIR = 'dcc-schema';

export function loadVerificationPorts(sources: TrustSources): Omit<VerificationContext, 'now'> {
  const inData = (relative: string): string | undefined => {
    if (sources.dataDir === undefined) return undefined;
    const path = join(sources.dataDir, relative);
    return existsSync(path) ? path : undefined;
  };
  const passKeysFile = inData(PASS_KEYS_FILE);
  const passKeys = [...(passKeysFile === undefined ? [] : (JSON.parse(readFileSync(passKeysFile, 'utf8')) as string[])), ...(sources.passKeys ?? [])];
  const trustListFiles = [inData(DCC_TRUST_LIST_FILE), sources.dccTrustListFile].filter((f): f is string => f !== undefined);
  const schemaDir = sources.dccSchemaDir ?? inData(DCC_SCHEMA_DIR);
  return {
    passTrust: passTrustStoreFromKeys(passKeys),
    dccTrust: loadDccTrustList({ files: trustListFiles, base64Certificates: sources.dccCertificates ?? [] }),
    ...(schemaDir === undefined ? {} : { dccSchemas: new DirectoryDccSchemaValidator(schemaDir) }),
  };
}
