import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DccCredential } from '../../../../../domain/credentials/credential.js';
import { parseScan } from '../../../../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../../../../domain/credentials/verification.js';
import { KHANH_HOA_2021_10 } from '../../../../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { CompiledRuleSet } from '../../../../../domain/rules/compiled-rule-set.js';
import { assessCredential, type Assessment } from '../../../../../domain/verdict/assess-credential.js';
import { DirectoryDccSchemaValidator } from '../../../../../main/trust/dcc-schema-validator.js';
import { dccTrustListFromCertificates } from '../../../../../main/trust/dcc-trust-list.js';
import { buildDcc, createDccSigner } from '../../../../support/dcc-fixtures.js';
import { repoRoot } from '../../../../support/kiosk-process.js';

/**
 * The whole path a DCC takes at the gate, for the tests of what its entries mean: signed
 * here → parseScan (with the EU schemas from the shared test data when they are there,
 * which hold the codes to be strings and nothing more) → assessCredential with the
 * built-in rule set. Nothing is stubbed but the clock.
 */

const schemaDir = join(repoRoot(), '..', 'shared', 'test-data', 'dcc-schema');
const signer = createDccSigner({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2023-01-01T00:00:00Z') });
const trust = dccTrustListFromCertificates([signer.certificateBase64]);
const schemas = existsSync(schemaDir) ? new DirectoryDccSchemaValidator(schemaDir) : { validate: () => true };
const compiled = CompiledRuleSet.compile(KHANH_HOA_2021_10);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
export const builtinRules = compiled.compiled;

const ISSUED = Date.parse('2021-10-02T00:00:00Z') / 1000;
const EXPIRES = Date.parse('2022-10-02T00:00:00Z') / 1000;

/** The `HC1:` text of a certificate holding `hcert`, signed by a trusted signer, valid from 2021-10-02 for a year. */
export const signedDcc = (hcert: unknown): string => buildDcc({ signer, hcert, issuedAt: ISSUED, expiresAt: EXPIRES });

export interface GateOutcome {
  readonly credential: DccCredential;
  readonly assessment: Assessment;
}

/** What the gate decides at `nowMs` for a signed certificate holding `hcert`. */
export function atTheGate(hcert: unknown, nowMs: number): GateOutcome {
  const context: VerificationContext = { now: nowMs, dccTrust: trust, dccSchemas: schemas };
  const credential = parseScan(signedDcc(hcert), context);
  if (credential.kind !== 'dcc') throw new Error(`expected a DCC, got ${JSON.stringify(credential)}`);
  return { credential, assessment: assessCredential(credential, () => undefined, builtinRules, nowMs) };
}
