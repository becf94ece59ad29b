import { DB_KEY_FILE_OPTION } from '../db-key-option.js';
import { loadAtRestKey, type AtRestKey } from '../../main/store/at-rest-key.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isParseError } from '../../domain/credentials/credential.js';
import { parseScan } from '../../domain/credentials/parse-scan.js';
import { assessCredential, assessParseError } from '../../domain/verdict/assess-credential.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../main/store/facts-database.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase, type SqliteDatabase } from '../../main/store/kiosk-database.js';
import { RuleSetRepository } from '../../main/rules/rule-set-repository.js';
import { loadVerificationPorts } from '../../main/trust/kiosk-trust.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { verifyLineForCredential, verifyLineForError } from '../verify-output.js';
import { readIsoInstant } from '../../domain/time/iso-instant.js';
import { terminalJson, terminalText } from '../../domain/text/terminal-text.js';

export const VERIFY_HELP = `Usage: chot verify [options] < payloads.txt

Reads one scanned payload per line on stdin (CCCD or BHYT QR, status pass, EU DCC "HC1:",
or a typed 12/9-digit ID) and writes one JSON object per line on stdout: its kind,
authenticity, subject, colour and reasons (format: docs/verify-json.md).

Options:
  --at ISO8601          evaluation clock for every check (default: now; no zone = UTC)
  --data-dir DIR        the kiosk's data directory: its synced facts decide the colour,
                        and its trust/ files are trusted
  --db-key-file FILE    the key the data directory's databases are encrypted with, when
                        they are and there is no chot-db-key credential ($CHOT_DB_KEY_FILE)
  --trust-cert B64DER   trust this DCC signing certificate (repeatable)
  --trust-list FILE     trust the DCC signing certificates in this JSON file
  --hub-key B64         trust this hub key for passes and rule sets (raw Ed25519, repeatable)
  --dcc-schema-dir DIR  DCC JSON schemas (<version>/DCC.combined-schema.json)
`;

/** An ISO 8601 instant; without a zone it is UTC, as in the DCC test data. */
export function parseInstant(text: string, label = '--at'): number {
  // Strict: an impossible date is refused, never rolled over as Date.parse would.
  const result = readIsoInstant(text.trim());
  if (!result.ok) throw new UsageError(`${label} must be an ISO 8601 instant; ${JSON.stringify(text)} ${result.problem}`);
  return result.ms;
}

/**
 * The data directory's facts database, if it has one. A kiosk database is opened (and
 * closed) first, as the kiosk does: its migration 4 moves the people of a data directory
 * from before facts.sqlite into it.
 */
function openFactsOf(dataDir: string, key: AtRestKey | undefined): SqliteDatabase | undefined {
  const kioskFile = join(dataDir, KIOSK_DATABASE_FILE);
  if (existsSync(kioskFile)) openKioskDatabase(kioskFile, key).close();
  const factsFile = join(dataDir, FACTS_DATABASE_FILE);
  return existsSync(factsFile) ? openFactsDatabase(factsFile, key) : undefined;
}

export async function runVerify(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    at: { type: 'string' },
    'data-dir': { type: 'string' },
    ...DB_KEY_FILE_OPTION,
    'trust-cert': { type: 'string', multiple: true },
    'trust-list': { type: 'string' },
    'hub-key': { type: 'string', multiple: true },
    'dcc-schema-dir': { type: 'string' },
  });
  const now = values.at === undefined ? Date.now() : parseInstant(values.at);
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  const db = dataDir === undefined ? undefined : openFactsOf(dataDir, loadAtRestKey({ keyFile: values['db-key-file'] }));
  try {
    const facts = db === undefined ? undefined : new FactsStore(db);
    const context = {
      now,
      ...loadVerificationPorts({
        ...(dataDir === undefined ? {} : { dataDir }),
        hubKeys: values['hub-key'] ?? [],
        dccCertificates: values['trust-cert'] ?? [],
        ...(values['trust-list'] === undefined ? {} : { dccTrustListFile: resolve(values['trust-list']) }),
        ...(values['dcc-schema-dir'] === undefined ? {} : { dccSchemaDir: resolve(values['dcc-schema-dir']) }),
      }),
    };
    // The data directory's signed rule sets, else the built-in default; the set in force at --at decides.
    const rules = new RuleSetRepository(dataDir, context.hubKeys, (message) => process.stderr.write(`chot verify: ${terminalText(message)}\n`)).inForce(now);
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      const parsed = parseScan(line, context);
      const output = isParseError(parsed)
        ? verifyLineForError(parsed, assessParseError(parsed))
        : verifyLineForCredential(
            parsed,
            assessCredential(parsed, (ids) => facts?.findWithAge(ids, now), rules, now),
          );
      // Card data may hold C1 controls and bidi characters, which JSON leaves raw: escaped for the terminal.
      process.stdout.write(`${terminalJson(output)}\n`);
    }
    return 0;
  } finally {
    db?.close();
  }
}
