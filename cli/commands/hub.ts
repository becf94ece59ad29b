import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import {
  ADMIN_CREDENTIAL_HELP,
  DEVICES_HELP,
  ENROLL_CODE_HELP,
  ENROLLMENT_HELP,
  REVOKE_HELP,
  runEnrollCodeCommand,
  runListDevicesCommand,
  runRevokeDeviceCommand,
} from '../../hub/enrollment/enrollment-commands.js';
import { CODE_VALIDITY_MS, MAX_CODE_VALIDITY_MS } from '../../hub/enrollment/enrollment-service.js';
import { IMPORT_HELP, runImportCommand } from '../../hub/import/import-command.js';
import { IMPORT_KINDS, isImportKind } from '../../hub/storage/import-rows.js';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { openHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { ensureDefaultRuleSetPublished, listPublishedRuleSets, publishRuleSet, RuleSetRefused } from '../../hub/rules/rule-publisher.js';
import { BUILTIN_RULE_SETS } from '../../domain/rules/builtin/index.js';
import { parseInstant } from './verify.js';
import { parseCommandArgs, UsageError, withUsage } from '../args.js';
import { parseStorageCommand } from './hub-storage-args.js';
import { HUB_SERVE_HELP, runHubServe } from './hub-serve.js';
import { HUB_REPORT_HELP, runHubReport } from './hub-report.js';
import { HUB_TRACE_HELP, runHubTrace } from './hub-trace.js';
import { ADMIN_TOKEN_HELP, runHubAdminToken } from './hub-admin-token.js';
import { HUB_TRUST_HELP, runHubTrust } from './hub-trust.js';
import { HUB_STAFF_HELP, issueStaffBadge, runHubStaff } from './hub-staff.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { messageOf } from '../../platform/message-of.js';

const ISSUE_PASS_HELP = `  issue-pass --id ID12 [--png FILE] [--valid-hours N] [--pg URL] [--facts FILE.json]
  issue-pass --staff-id ID [--png FILE] [--valid-hours N (default 12, at most 168)]
             a staff badge for a member of the hub's staff list: scanned at a kiosk
             whose installed list holds them, it opens a staff session
             issue a signed status pass carrying the person's facts from the hub's data;
             prints its QR text, writes a PNG with --png. --facts: facts from a JSON file
             (doses, tests, recoveredOn, quarantine) instead, e.g. for a test pass`;
const HUB_RULES_HELP = `  rules publish FILE|--builtin NAME [--valid-from ISO8601]
             check, sign and publish a rule set; kiosks pick it up on their next sync
             (built-in: ${Object.keys(BUILTIN_RULE_SETS).join(', ')})
  rules list list the published rule sets`;
const PUBLIC_KEY_HELP = `  public-key print the hub's public signing key (base64): kiosks trust it for passes, rule sets and trust files`;

export const HUB_HELP = `Usage: chot hub <command> [options]

The hub: the server kiosks sync from. Every hub command takes --data DIR
(default: ${defaultHubDataDir()}); serve, import, enroll-code, devices, revoke, trace,
admin-token, report and issue-pass also take --pg URL for PostgreSQL.

Commands:
${HUB_SERVE_HELP}
${HUB_TRACE_HELP}
${HUB_REPORT_HELP}
${ISSUE_PASS_HELP}
${HUB_RULES_HELP}
${HUB_TRUST_HELP}
${HUB_STAFF_HELP}
${PUBLIC_KEY_HELP}
${IMPORT_HELP}
${ENROLLMENT_HELP}
${ADMIN_TOKEN_HELP}

${ADMIN_CREDENTIAL_HELP}
`;

/** Each hub command: how it runs, and its usage lines, printed under its usage errors. */
const HUB_COMMANDS: Readonly<Record<string, { readonly usage: string; run(args: readonly string[]): Promise<number> | number }>> = {
  serve: { usage: HUB_SERVE_HELP, run: runHubServe },
  trace: { usage: HUB_TRACE_HELP, run: runHubTrace },
  report: { usage: HUB_REPORT_HELP, run: runHubReport },
  'issue-pass': { usage: ISSUE_PASS_HELP, run: runIssuePass },
  'public-key': { usage: PUBLIC_KEY_HELP, run: runPassKey },
  rules: { usage: HUB_RULES_HELP, run: runHubRules },
  trust: { usage: HUB_TRUST_HELP, run: runHubTrust },
  staff: { usage: HUB_STAFF_HELP, run: runHubStaff },
  import: { usage: IMPORT_HELP, run: runImport },
  'enroll-code': { usage: ENROLL_CODE_HELP, run: runEnrollCode },
  devices: { usage: DEVICES_HELP, run: runDevices },
  revoke: { usage: REVOKE_HELP, run: runRevoke },
  'admin-token': { usage: ADMIN_TOKEN_HELP, run: (args) => runHubAdminToken(args) },
};

export async function runHub(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  const hubCommand = command !== undefined && Object.hasOwn(HUB_COMMANDS, command) ? HUB_COMMANDS[command] : undefined;
  // No command named: the whole help is the usage.
  if (hubCommand === undefined) throw new UsageError(command === undefined ? 'name a hub command' : `unknown hub command "${command}"`);
  return withUsage(hubCommand.usage, () => hubCommand.run(rest));
}

async function runIssuePass(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    data: { type: 'string' },
    pg: { type: 'string' },
    id: { type: 'string' },
    png: { type: 'string' },
    'valid-hours': { type: 'string' },
    facts: { type: 'string' },
    'staff-id': { type: 'string' },
  });
  if (values['staff-id'] !== undefined) return issueStaffBadge({ ...values, staffId: values['staff-id'] });
  if (values.id === undefined || !/^\d{12}$/.test(values.id)) throw new UsageError('--id must be a 12-digit citizen ID');
  const validForHours = Number(values['valid-hours'] ?? 72);
  if (!(validForHours > 0 && validForHours <= 24 * 366)) throw new UsageError('--valid-hours must be a positive number of hours, at most a year');
  const { dataDir, key } = openHub(values.data);
  const facts =
    values.facts === undefined ? await factsFromHub(values.pg === undefined ? { dataDir } : { pgUrl: values.pg }, values.id) : readFacts(values.facts);
  if (facts === undefined) {
    process.stderr.write(`chot hub issue-pass: no person with ID ${values.id} in the hub's data; import them first (chot hub import), or give --facts\n`);
    return 1;
  }
  const text = issuePass(key, { id12: values.id, now: Date.now(), validForHours, ...(facts === undefined ? {} : { facts }) });
  process.stdout.write(`${text}\n`);
  if (values.png !== undefined) {
    writeFileSync(values.png, await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', type: 'png', margin: 4, scale: 8 }));
  }
  return 0;
}

/** The person's facts as the hub holds them (imported from the health platforms). */
async function factsFromHub(location: HubStorageLocation, id12: string): Promise<PersonFacts | undefined> {
  const storage = await openHubStorage(location);
  try {
    return (await storage.findPerson(id12))?.facts;
  } finally {
    await storage.close();
  }
}

function readFacts(file: string): PersonFacts {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PersonFacts>;
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError(`${file}: facts must be a JSON object`);
  return {
    doses: parsed.doses ?? [],
    tests: parsed.tests ?? [],
    quarantine: parsed.quarantine ?? [],
    ...(parsed.recoveredOn === undefined ? {} : { recoveredOn: parsed.recoveredOn }),
  };
}

function runPassKey(args: readonly string[]): number {
  const { values } = parseCommandArgs(args, { data: { type: 'string' } });
  const { key } = openHub(values.data);
  process.stdout.write(`${Buffer.from(key.publicKeyRaw).toString('base64')}\n`);
  return 0;
}

/** The hub's data directory and key; a new hub publishes the default rule set. */
function openHub(dataOption: string | undefined) {
  const dataDir = resolve(dataOption ?? defaultHubDataDir());
  const key = loadOrCreateHubSigningKey(dataDir);
  ensureDefaultRuleSetPublished(dataDir, key);
  return { dataDir, key };
}

/** `import --kind KIND FILE.csv [--data DIR | --pg URL]`: the FILE may stand anywhere among the options. */
async function runImport(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { data: { type: 'string' }, pg: { type: 'string' }, kind: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const { values, positionals } = parsed;
  if (values.kind === undefined || !isImportKind(values.kind)) throw new UsageError(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
  if (positionals.length !== 1) throw new UsageError('import takes exactly one FILE.csv');
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const location = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir: resolve(values.data ?? defaultHubDataDir()) };
  return runImportCommand({ kind: values.kind, file: positionals[0] as string, location, stdout: process.stdout, stderr: process.stderr });
}

/** `enroll-code --location NAME [--valid-hours N] [--data DIR | --pg URL]` */
async function runEnrollCode(args: readonly string[]): Promise<number> {
  const { values, location } = parseStorageCommand(args, { location: { type: 'string' }, 'valid-hours': { type: 'string' } }, 0);
  const name = values.location?.trim() ?? '';
  if (name === '') throw new UsageError('--location "NAME" is needed: where the kiosk stands, as staff and admins call it');
  const maxHours = MAX_CODE_VALIDITY_MS / 3600_000;
  const validForHours = Number(values['valid-hours'] ?? CODE_VALIDITY_MS / 3600_000);
  if (!(validForHours > 0 && validForHours <= maxHours)) throw new UsageError(`--valid-hours must be a positive number of hours, at most ${maxHours}`);
  try {
    return await runEnrollCodeCommand({ location, name, validForHours, stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    // The service's own checks of the name (its length): the operator's input, so a usage error.
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/** `devices [--data DIR | --pg URL]` */
async function runDevices(args: readonly string[]): Promise<number> {
  const { location } = parseStorageCommand(args, {}, 0);
  return runListDevicesCommand({ location, stdout: process.stdout, stderr: process.stderr });
}

/** `revoke DEVICE_ID [--data DIR | --pg URL]`: the id may stand anywhere among the options. */
async function runRevoke(args: readonly string[]): Promise<number> {
  const { positionals, location } = parseStorageCommand(args, {}, 1);
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError('revoke takes exactly one DEVICE_ID (chot hub devices lists them)');
  return runRevokeDeviceCommand({ location, deviceId: positionals[0] as string, stdout: process.stdout, stderr: process.stderr });
}

function runHubRules(args: readonly string[]): number {
  const [command, ...rest] = args;
  if (command === 'list') {
    const { values } = parseCommandArgs(rest, { data: { type: 'string' } });
    for (const { ruleSet } of listPublishedRuleSets(openHub(values.data).dataDir)) {
      process.stdout.write(
        `${ruleSet.id}@${ruleSet.version}  from ${ruleSet.validFrom}${ruleSet.validTo === undefined ? '' : ` to ${ruleSet.validTo}`}  ${terminalText(ruleSet.description.vi)}\n`,
      );
    }
    return 0;
  }
  if (command !== 'publish') throw new UsageError(command === undefined ? 'name a rules command: publish or list' : `unknown hub rules command "${command}"`);
  const file = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const { values } = parseCommandArgs(file === undefined ? rest : rest.slice(1), {
    data: { type: 'string' },
    builtin: { type: 'string' },
    'valid-from': { type: 'string' },
  });
  if ((file === undefined) === (values.builtin === undefined)) throw new UsageError('publish takes a FILE or --builtin NAME');
  let document: unknown;
  if (values.builtin !== undefined) {
    document = BUILTIN_RULE_SETS[values.builtin];
    if (document === undefined) throw new UsageError(`no built-in rule set "${values.builtin}" (known: ${Object.keys(BUILTIN_RULE_SETS).join(', ')})`);
  } else document = JSON.parse(readFileSync(file as string, 'utf8'));
  if (values['valid-from'] !== undefined) {
    document = { ...(document as object), validFrom: new Date(parseInstant(values['valid-from'], '--valid-from')).toISOString() };
  }
  const hub = openHub(values.data);
  try {
    const { file: written, signed } = publishRuleSet(hub.dataDir, hub.key, document);
    process.stdout.write(`published ${signed.ruleSet.id}@${signed.ruleSet.version} (valid from ${signed.ruleSet.validFrom}): ${written}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RuleSetRefused) {
      process.stderr.write(
        `chot hub rules publish: refused:\n${error.problems.map((p) => `  ${terminalText(p.path || '/')}: ${terminalText(p.message)}`).join('\n')}\n`,
      );
      return 1;
    }
    throw error;
  }
}
