import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDcc } from '../../domain/credentials/dcc/parse-dcc.js';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { DirectoryDccSchemaValidator } from '../../main/trust/dcc-schema-validator.js';
import { dccTrustListFromCertificates } from '../../main/trust/dcc-trust-list.js';
import { repoRoot } from '../support/kiosk-process.js';
import { buildDcc, createDccSigner, EKU, vaccinationHcert } from '../support/dcc-fixtures.js';
import { percentile, round, type Benchmark } from './bench-types.js';

const ITERATIONS = 2000;
const WARM_UP = 200;
const GOAL_P99_MS = 5;

/**
 * `HC1:` text → authenticated DccCredential, in process: base45, zlib, COSE, CWT, ES256
 * signature (node:crypto), validity, key usage and, when the shared test data is checked
 * out beside the project, JSON schema validation (ajv, compiled during warm-up). The
 * certificate is our own fixture, so the benchmark runs without ../shared too.
 */
export const dccVerify: Benchmark = {
  name: 'dcc-verify',
  description: 'parse and verify a valid ES256 HC1 code (base45 → zlib → COSE → signature, validity, key usage, schema)',
  async run() {
    const validity = { notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') };
    const signer = createDccSigner({ ...validity, extendedKeyUsage: [EKU.vaccination] });
    const text = buildDcc({ signer, hcert: vaccinationHcert(), issuedAt: Date.parse('2021-10-02T00:00:00Z') / 1000, expiresAt: Date.parse('2030-10-02T00:00:00Z') / 1000 });
    const schemaDir = join(repoRoot(), '..', 'shared', 'test-data', 'dcc-schema');
    const context: VerificationContext = {
      now: Date.parse('2025-01-01T00:00:00Z'),
      dccTrust: dccTrustListFromCertificates([signer.certificateBase64]),
      ...(existsSync(schemaDir) ? { dccSchemas: new DirectoryDccSchemaValidator(schemaDir) } : {}),
    };
    const first = parseDcc(text, context);
    if (first.kind !== 'dcc' || first.authenticity !== 'signed-valid') throw new Error(`the benchmark certificate does not verify: ${JSON.stringify(first)}`);
    for (let i = 0; i < WARM_UP; i++) parseDcc(text, context);
    const samples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const start = performance.now();
      parseDcc(text, context);
      samples.push(performance.now() - start);
    }
    const p99 = percentile(samples, 99);
    const schema = context.dccSchemas === undefined ? ' (no schema: ../shared absent)' : '';
    return [
      { benchmark: 'dcc-verify', metric: `p50${schema}`, value: round(percentile(samples, 50), 3), unit: 'ms', samples: samples.length },
      { benchmark: 'dcc-verify', metric: `p99${schema}`, value: round(p99, 3), unit: 'ms', samples: samples.length, goal: { text: `p99 ≤ ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS } },
      { benchmark: 'dcc-verify', metric: 'max', value: round(Math.max(...samples), 3), unit: 'ms', samples: samples.length },
    ];
  },
};
