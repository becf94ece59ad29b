import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseScan } from '../../domain/credentials/parse-scan.js';
import type { VerificationContext } from '../../domain/credentials/verification.js';
import { encodeHexUtf8 as hex } from '../../domain/text/hex-utf8.js';
import { hubSigningKeyFrom } from '../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { DirectoryDccSchemaValidator } from '../../main/trust/dcc-schema-validator.js';
import { dccTrustListFromCertificates } from '../../main/trust/dcc-trust-list.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { buildDcc, createDccSigner, EKU, vaccinationHcert } from '../support/dcc-fixtures.js';
import { repoRoot } from '../support/kiosk-process.js';
import { percentile, round, type BenchFigure, type Benchmark } from './bench-types.js';

const ITERATIONS = 5000;
const WARM_UP = 500;
const NOW = Date.parse('2025-01-01T00:00:00Z');
/** A DCC — base45, zlib, COSE, ES256, validity, key usage, schema — within 5 ms at p99, a tenth of the scan-to-paint budget. */
const GOALS: Readonly<Record<string, number>> = { dcc: 5 };

/** One realistic payload of each kind, and the trust to authenticate the signed ones. */
function samples(): { context: VerificationContext; payloads: Record<string, string> } {
  const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
  const signer = createDccSigner({
    notBefore: new Date('2021-01-01T00:00:00Z'),
    notAfter: new Date('2031-01-01T00:00:00Z'),
    extendedKeyUsage: [EKU.vaccination],
  });
  const schemaDir = join(repoRoot(), '..', 'shared', 'test-data', 'dcc-schema');
  const context: VerificationContext = {
    now: NOW,
    hubKeys: hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]),
    dccTrust: dccTrustListFromCertificates([signer.certificateBase64]),
    ...(existsSync(schemaDir) ? { dccSchemas: new DirectoryDccSchemaValidator(schemaDir) } : {}),
  };
  const facts = {
    doses: [
      { dose: 1, date: '2021-08-01', product: 'EU/1/20/1528' },
      { dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' },
    ],
    tests: [],
    quarantine: [],
  };
  return {
    context,
    payloads: {
      'cccd-qr': '056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Lộc Thọ, Nha Trang, Khánh Hòa|10072021',
      'bhyt-qr': [
        'GD4797931775688',
        hex('Nguyễn Văn An'),
        '15/03/1989',
        '1',
        hex('Số 1 Trần Phú, Quận 1'),
        '79 - 033',
        '01/01/2021',
        '31/12/2021',
        '01/01/2021',
        '79079',
        '-',
        '4',
        '01/01/2025',
        '7f3a9c01b2',
        '$',
      ].join('|'),
      manual: '056089001234',
      pass: issuePass(hubKey, { id12: '056089001234', facts, now: NOW, validForHours: 72 }),
      dcc: buildDcc({
        signer,
        hcert: vaccinationHcert(),
        issuedAt: Date.parse('2021-10-02T00:00:00Z') / 1000,
        expiresAt: Date.parse('2030-10-02T00:00:00Z') / 1000,
      }),
    },
  };
}

/**
 * `parseScan` per credential kind, in process: recognise, parse and authenticate
 * (Ed25519 for passes, ES256 + validity + key usage + schema for DCCs).
 */
export const credentialParse: Benchmark = {
  name: 'credential-parse',
  description: 'parseScan per kind: parse and authenticate one payload (DCC: with the shared schemas when ../shared is present)',
  async run() {
    const { context, payloads } = samples();
    const figures: BenchFigure[] = [];
    for (const [kind, payload] of Object.entries(payloads)) {
      const first = parseScan(payload, context);
      if (first.kind === 'error' || first.kind !== kind || first.problems.length > 0)
        throw new Error(`the ${kind} sample does not parse cleanly: ${JSON.stringify(first)}`);
      for (let i = 0; i < WARM_UP; i++) parseScan(payload, context);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const start = performance.now();
        parseScan(payload, context);
        times.push(performance.now() - start);
      }
      const p99 = percentile(times, 99);
      const goal = GOALS[kind];
      figures.push(
        { benchmark: 'credential-parse', metric: `${kind} p50`, value: round(percentile(times, 50), 4), unit: 'ms', samples: times.length },
        {
          benchmark: 'credential-parse',
          metric: `${kind} p99`,
          value: round(p99, 4),
          unit: 'ms',
          samples: times.length,
          ...(goal === undefined ? {} : { goal: { text: `p99 ≤ ${goal} ms`, met: p99 <= goal } }),
        },
      );
    }
    return figures;
  },
};
