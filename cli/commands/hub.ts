import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import QRCode from 'qrcode';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { parseCommandArgs, UsageError } from '../args.js';

export const HUB_HELP = `Usage: chot hub <command> [options]

The hub: the server kiosks sync from. Every hub command takes --data DIR
(default: ${defaultHubDataDir()}).

Commands:
  issue-pass --id ID12 [--png FILE] [--valid-hours N] [--facts FILE.json]
             issue a signed status pass; prints its QR text, writes a PNG with --png.
             --facts: the person's facts as JSON (doses, tests, recoveredOn, quarantine)
             until the hub's own data is synced in
  pass-key   print the hub's public pass key (base64) for kiosks to trust
`;

export async function runHub(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'issue-pass':
      return runIssuePass(rest);
    case 'pass-key':
      return runPassKey(rest);
    default:
      throw new UsageError(command === undefined ? 'name a hub command' : `unknown hub command "${command}"`);
  }
}

async function runIssuePass(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    data: { type: 'string' },
    id: { type: 'string' },
    png: { type: 'string' },
    'valid-hours': { type: 'string' },
    facts: { type: 'string' },
  });
  if (values.id === undefined || !/^\d{12}$/.test(values.id)) throw new UsageError('--id must be a 12-digit citizen ID');
  const validForHours = Number(values['valid-hours'] ?? 72);
  if (!(validForHours > 0 && validForHours <= 24 * 366)) throw new UsageError('--valid-hours must be a positive number of hours, at most a year');
  const key = loadOrCreateHubSigningKey(resolve(values.data ?? defaultHubDataDir()));
  const facts = values.facts === undefined ? undefined : readFacts(values.facts);
  const text = issuePass(key, { id12: values.id, now: Date.now(), validForHours, ...(facts === undefined ? {} : { facts }) });
  process.stdout.write(`${text}\n`);
  if (values.png !== undefined) {
    writeFileSync(values.png, await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', type: 'png', margin: 4, scale: 8 }));
  }
  return 0;
}

function readFacts(file: string): PersonFacts {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PersonFacts>;
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError(`${file}: facts must be a JSON object`);
  return { doses: parsed.doses ?? [], tests: parsed.tests ?? [], quarantine: parsed.quarantine ?? [], ...(parsed.recoveredOn === undefined ? {} : { recoveredOn: parsed.recoveredOn }) };
}

function runPassKey(args: readonly string[]): number {
  const { values } = parseCommandArgs(args, { data: { type: 'string' } });
  const key = loadOrCreateHubSigningKey(resolve(values.data ?? defaultHubDataDir()));
  process.stdout.write(`${Buffer.from(key.publicKeyRaw).toString('base64')}\n`);
  return 0;
}
