import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseProvinceScope, type ProvinceScope } from '../../domain/sync/province-scope.js';
import { lacksValidFrom } from '../../domain/rules/rule-set-draft.js';
import type { RuleSet } from '../../domain/rules/rule-set.js';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import {
  ADMIN_CREDENTIAL_HELP,
  ENROLL_CODE_HELP,
  ENROLLMENT_HELP,
  REVOKE_HELP,
  runEnrollCodeCommand,
  runRevokeDeviceCommand,
} from '../../hub/enrollment/enrollment-commands.js';
import { DEVICES_HELP, runDevicesCommand } from '../../hub/devices/devices-command.js';
import { DEFAULT_SILENT_AFTER_MS, parseDuration } from '../../hub/devices/device-overview.js';
import { CODE_VALIDITY_MS, MAX_CODE_VALIDITY_MS } from '../../hub/enrollment/enrollment-service.js';
import { IMPORT_HELP, runImportCommand } from '../../hub/import/import-command.js';
import { IMPORT_KINDS, isImportKind } from '../../hub/storage/import-rows.js';
import { HUB_KEY_FILE, loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { describeHubStorage, openHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { notifyPg } from '../../hub/storage/pg-notice-listener.js';
import { ensureDefaultRuleSetPublished, listPublishedRuleSets, publishRuleSet, RuleSetRefused } from '../../hub/rules/rule-publisher.js';
import { BUILTIN_RULE_SETS } from '../../domain/rules/builtin/index.js';
import { parseInstant } from './verify.js';
import { parseCommandArgs, UsageError, withUsage } from '../args.js';
import { parseStorageCommand } from './hub-storage-args.js';
import { HUB_SERVE_HELP, runHubServe } from './hub-serve.js';
import { HUB_REPORT_HELP, runHubReport } from './hub-report.js';
import { HUB_TRACE_HELP, runHubTrace } from './hub-trace.js';
import { HUB_ENTRIES_HELP, runHubEntries } from './hub-entries.js';
import { ADMIN_TOKEN_HELP, runHubAdminToken } from './hub-admin-token.js';
import { HUB_TRUST_HELP, runHubTrust } from './hub-trust.js';
import { HUB_STAFF_HELP, issueStaffBadge, runHubStaff } from './hub-staff.js';
import { HUB_BADGES_HELP, runHubBadges } from './hub-badges.js';
import { PASS_HOLDER_OPTIONS, PASS_PRINT_OPTIONS, parseHolderOptions, parsePassPrint, writePassCards } from './pass-print-options.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { messageOf } from '../../platform/message-of.js';
import { qrPng } from '../../platform/qr-output.js';
import { isHubUrl } from '../../domain/enrollment/enrollment-qr.js';

const ISSUE_PASS_HELP = `  issue-pass --id ID12 [--name NAME] [--birth-year YYYY] [--png FILE] [--valid-hours N] [--pg URL] [--facts FILE.json]
             [--card id1|a6 --out FILE.pdf [--issuer TEXT]]
  issue-pass --staff-id ID [--png FILE] [--valid-hours N (default 12, at most 168)] [--card id1|a6 --out FILE.pdf]
             a staff badge for a member of the hub's staff list: scanned at a kiosk
             whose installed list holds them, it opens a staff session
             issue a signed status pass carrying the person's facts from the hub's data;
             prints its QR text, writes a PNG with --png. --facts: facts from a JSON file
             (doses, tests, recoveredOn, quarantine) instead, e.g. for a test pass.
             --name, --birth-year: signed on the pass, shown at the gate for staff to match.
             --card --out: a printable PDF card (ID-1 85.6×54 mm or A6) with the QR, the
             name, year of birth, the ID's last 4 digits, --issuer and the expiry`;
const HUB_RULES_HELP = `  rules publish FILE|--builtin NAME [--valid-from ISO8601] [--pg URL]
             check, sign and publish a rule set; the hub tells connected kiosks at once
             and they fetch it (built-in: ${Object.keys(BUILTIN_RULE_SETS).join(', ')}).
             A FILE without validFrom needs --valid-from. With --pg (hub processes
             sharing one PostgreSQL and this data dir) every process hears of it at once
  rules export-builtin NAME [--out FILE]
             write a built-in rule set as JSON (to stdout, or a new FILE): a starting
             point to edit, check (chot rules check) and publish
  rules list list the published rule sets`;
const PUBLIC_KEY_HELP = `  public-key print the hub's public signing key (base64): kiosks trust it for passes, rule sets and trust files`;

export const HUB_HELP = `Usage: chot hub <command> [options]

The hub: the server kiosks sync from. Every hub command takes --data DIR
(default: ${defaultHubDataDir()}); serve, import, enroll-code, devices, revoke, trace,
entries, admin-token, report and issue-pass also take --pg URL for PostgreSQL.

Commands:
${HUB_SERVE_HELP}
${HUB_TRACE_HELP}
${HUB_ENTRIES_HELP}
${HUB_REPORT_HELP}
${ISSUE_PASS_HELP}
${HUB_BADGES_HELP}
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
  entries: { usage: HUB_ENTRIES_HELP, run: (args) => runHubEntries(args) },
  'issue-pass': { usage: ISSUE_PASS_HELP, run: runIssuePass },
  badges: { usage: HUB_BADGES_HELP, run: runHubBadges },
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
    ...PASS_HOLDER_OPTIONS,
    ...PASS_PRINT_OPTIONS,
  });
  if (values['staff-id'] !== undefined) return issueStaffBadge({ ...values, staffId: values['staff-id'] });
  if (values.id === undefined || !/^\d{12}$/.test(values.id)) throw new UsageError('--id must be a 12-digit citizen ID');
  const validForHours = Number(values['valid-hours'] ?? 72);
  if (!(validForHours > 0 && validForHours <= 24 * 366)) throw new UsageError('--valid-hours must be a positive number of hours, at most a year');
  const holder = parseHolderOptions(values);
  const { dataDir, key } = openHub(values.data);
  const print = parsePassPrint(values, key, false);
  const facts =
    values.facts === undefined ? await factsFromHub(values.pg === undefined ? { dataDir } : { pgUrl: values.pg }, values.id) : readFacts(values.facts);
  if (facts === undefined) {
    process.stderr.write(`chot hub issue-pass: no person with ID ${values.id} in the hub's data; import them first (chot hub import), or give --facts\n`);
    return 1;
  }
  const text = issuePass(key, { id12: values.id, now: Date.now(), validForHours, facts, ...(holder === undefined ? {} : { holder }) });
  process.stdout.write(`${text}\n`);
  if (values.png !== undefined) {
    writeFileSync(values.png, await qrPng(text));
  }
  if (print !== undefined) await writePassCards([text], print, 'single');
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

/** `--scope 001,079`: the provinces a kiosk syncs; absent: every province. */
function scopeOption(text: string | undefined): ProvinceScope {
  try {
    return text === undefined ? null : parseProvinceScope(text);
  } catch (error) {
    throw new UsageError(`--scope: ${messageOf(error)}`);
  }
}

/** `enroll-code --location NAME [--scope 001,079] [--url HUB_URL [--png FILE]] [--valid-hours N] [--data DIR | --pg URL]` */
async function runEnrollCode(args: readonly string[]): Promise<number> {
  const { values, location } = parseStorageCommand(
    args,
    { location: { type: 'string' }, scope: { type: 'string' }, 'valid-hours': { type: 'string' }, url: { type: 'string' }, png: { type: 'string' } },
    0,
  );
  const name = values.location?.trim() ?? '';
  if (name === '') throw new UsageError('--location "NAME" is needed: where the kiosk stands, as staff and admins call it');
  const maxHours = MAX_CODE_VALIDITY_MS / 3600_000;
  const validForHours = Number(values['valid-hours'] ?? CODE_VALIDITY_MS / 3600_000);
  if (!(validForHours > 0 && validForHours <= maxHours)) throw new UsageError(`--valid-hours must be a positive number of hours, at most ${maxHours}`);
  const scope = scopeOption(values.scope);
  if (values.png !== undefined && values.url === undefined) throw new UsageError('--png needs --url HUB_URL: the QR carries where the kiosk reaches the hub');
  if (values.url !== undefined && !isHubUrl(values.url))
    throw new UsageError(`--url must be http:// or https://, a host, an optional port and path (no user, query or fragment): ${terminalText(values.url)}`);
  const qr =
    values.url === undefined
      ? undefined
      : { hubUrl: values.url, hubPublicKeyRaw: servedHubKey(location).publicKeyRaw, ...(values.png === undefined ? {} : { pngFile: values.png }) };
  try {
    return await runEnrollCodeCommand({
      location,
      name,
      validForHours,
      scope,
      ...(qr === undefined ? {} : { qr }),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } catch (error) {
    // The service's own checks of the name (its length): the operator's input, so a usage error.
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The key the hub signs with, for the enrolment QR: in its data directory — with --pg, the
 * default one, as \`chot hub serve --pg\` without --data. With --pg it must exist already: a
 * key made here would be no served hub's, and its QR would be refused by every kiosk.
 */
function servedHubKey(location: HubStorageLocation) {
  if ('dataDir' in location) return loadOrCreateHubSigningKey(location.dataDir);
  const dataDir = resolve(defaultHubDataDir());
  if (!existsSync(join(dataDir, HUB_KEY_FILE)))
    throw new UsageError(`--url with --pg takes the hub's key from ${dataDir}, which has none: run it where chot hub serve keeps its key`);
  return loadOrCreateHubSigningKey(dataDir);
}

/** `devices [--data DIR | --pg URL] [--json] [--silent-after DURATION]` */
async function runDevices(args: readonly string[]): Promise<number> {
  // The one flag among the storage command's string options: taken out before they are parsed.
  const json = args.includes('--json');
  const { values, location } = parseStorageCommand(
    args.filter((arg) => arg !== '--json'),
    { 'silent-after': { type: 'string' } },
    0,
  );
  const given = values['silent-after'];
  const silentAfterMs = given === undefined ? DEFAULT_SILENT_AFTER_MS : parseDuration(given);
  if (silentAfterMs === undefined)
    throw new UsageError(
      `--silent-after must be a whole number of s, m, h or d (at least a minute, at most a year), e.g. 7d or 36h; got ${JSON.stringify(given)}`,
    );
  return runDevicesCommand({ location, json, silentAfterMs, stdout: process.stdout });
}

/** `revoke DEVICE_ID [--data DIR | --pg URL]`: the id may stand anywhere among the options. */
async function runRevoke(args: readonly string[]): Promise<number> {
  const { positionals, location } = parseStorageCommand(args, {}, 1);
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError('revoke takes exactly one DEVICE_ID (chot hub devices lists them)');
  return runRevokeDeviceCommand({ location, deviceId: positionals[0] as string, stdout: process.stdout, stderr: process.stderr });
}

async function runHubRules(args: readonly string[]): Promise<number> {
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
  if (command === 'export-builtin') return runExportBuiltin(rest);
  if (command !== 'publish')
    throw new UsageError(command === undefined ? 'name a rules command: publish, export-builtin or list' : `unknown hub rules command "${command}"`);
  const file = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const { values } = parseCommandArgs(file === undefined ? rest : rest.slice(1), {
    data: { type: 'string' },
    builtin: { type: 'string' },
    'valid-from': { type: 'string' },
    pg: { type: 'string' },
  });
  if ((file === undefined) === (values.builtin === undefined)) throw new UsageError('publish takes a FILE or --builtin NAME');
  let document: unknown;
  if (values.builtin !== undefined) document = builtinRuleSet(values.builtin);
  else document = JSON.parse(readFileSync(file as string, 'utf8'));
  if (values['valid-from'] === undefined && lacksValidFrom(document)) {
    process.stderr.write(
      `chot hub rules publish: refused: ${file ?? values.builtin} has no validFrom; say when kiosks start applying it with --valid-from ISO8601 (e.g. --valid-from 2021-11-01T00:00:00+07:00)\n`,
    );
    return 1;
  }
  if (values['valid-from'] !== undefined) {
    document = { ...(document as object), validFrom: new Date(parseInstant(values['valid-from'], '--valid-from')).toISOString() };
  }
  const hub = openHub(values.data);
  try {
    const { file: written, signed } = publishRuleSet(hub.dataDir, hub.key, document);
    process.stdout.write(`published ${signed.ruleSet.id}@${signed.ruleSet.version} (valid from ${signed.ruleSet.validFrom}): ${written}\n`);
    if (values.pg !== undefined) await announceRulesPublished(values.pg);
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

/**
 * Wakes every hub process on the PostgreSQL database (they look at the shared rules folder
 * at once). The rule set is published either way: a notice that fails only means the
 * processes find it at their next look (every second), so it is a warning, not a failure.
 */
async function announceRulesPublished(pgUrl: string): Promise<void> {
  try {
    await notifyPg(pgUrl, 'rules');
    process.stdout.write(`announced to the hub processes on ${describeHubStorage({ pgUrl })}\n`);
  } catch (error) {
    process.stderr.write(`chot hub rules publish: published, but not announced (the hub processes find it within a second anyway): ${messageOf(error)}\n`);
  }
}

/** A built-in rule set by id; an id like "toString" is unknown, not a lookup on the prototype. */
function builtinRuleSet(name: string): RuleSet {
  const ruleSet = Object.hasOwn(BUILTIN_RULE_SETS, name) ? BUILTIN_RULE_SETS[name] : undefined;
  if (ruleSet === undefined) throw new UsageError(`no built-in rule set "${name}" (known: ${Object.keys(BUILTIN_RULE_SETS).join(', ')})`);
  return ruleSet;
}

/** `rules export-builtin NAME [--out FILE]`: a built-in set as an editable file; an existing FILE is never overwritten. */
function runExportBuiltin(args: readonly string[]): number {
  const [name, ...rest] = args;
  if (name === undefined || name.startsWith('--')) throw new UsageError('export-builtin takes the NAME of a built-in rule set');
  const { values } = parseCommandArgs(rest, { out: { type: 'string' } });
  const ruleSet = builtinRuleSet(name);
  const text = `${JSON.stringify(ruleSet, null, 2)}\n`;
  if (values.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileSync(values.out, text, { flag: 'wx' });
  } catch (error) {
    process.stderr.write(`chot hub rules export-builtin: cannot write ${values.out}: ${messageOf(error)}\n`);
    return 1;
  }
  process.stdout.write(`wrote ${name}@${ruleSet.version} to ${values.out}\n`);
  return 0;
}
