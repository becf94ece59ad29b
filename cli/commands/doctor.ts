import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { doctorExitCode, type DoctorCheck } from '../../domain/doctor/doctor-check.js';
import { terminalJson, terminalText } from '../../domain/text/terminal-text.js';
import { defaultDataDir } from '../../main/config/paths.js';
import { databaseChecks, dataAgeCheck, diskSpaceCheck, loadRuleSets, ruleSetCheck, statfsFreeSpace, type FreeSpace } from '../../main/doctor/data-checks.js';
import { encryptionCheck, loadDoctorKey, type DoctorKey } from '../../main/doctor/encryption-check.js';
import { enrolmentCheck, hubReachabilityChecks } from '../../main/doctor/hub-checks.js';
import { hostSystemd, systemdCheck, type SystemdProbe } from '../../main/doctor/systemd-check.js';
import { parseCommandArgs } from '../args.js';
import { deviceChecks, readDevicesConfig } from './doctor-devices.js';
import { askOnTerminal, isRelaySpec, relayTestChecks, type RelayTestDeps } from './doctor-relay.js';
import { surveyDevices, type DevicesDeps } from './devices.js';

export const DOCTOR_HELP = `Usage: chot doctor [--data-dir DIR] [--db-key-file FILE] [--json] [--relay-test [--yes]]

Checks a kiosk on site, one line each, OK / WARN / FAIL with the fix in Vietnamese and
English: the devices in devices.json found and their profiles, pcscd and its readers, the
hub reachable (3 s at most) with its key pinned, the clock against the hub's, the data's
age, the rule set in force, disk space, each database's integrity (PRAGMA quick_check),
encryption at rest (which key, and whether it opens the databases) and, under systemd,
the kiosk's units. Opens nothing for writing, so it is safe while the kiosk runs. An
unreachable hub is a WARN (a gate works offline); the data's age turns FAIL past the stale
threshold of the rule set in force.

Exit code 0 when nothing FAILed (WARN allowed), 1 when something did.

Options:
  --data-dir DIR  the kiosk's data directory (default: ${defaultDataDir()})
  --db-key-file FILE
                  the key the databases are encrypted with, as chot start takes it (the
                  systemd credential chot-db-key wins, as it does for the kiosk: sudo
                  systemd-run --pipe --wait -p LoadCredentialEncrypted=chot-db-key chot doctor
                  --data-dir /var/lib/chot)
  --json          one JSON document {checks: [{id, status, vi, en, fix?, detail?}], status} for the hub's inventory
  --relay-test    also click each relay in devices.json once (the gate opens): asks y/N
                  first on a terminal; stop the kiosk first, as it holds the relays
  --yes           with --relay-test: click without asking (scripts, --json)
`;

/** Everything outside the data directory; tests pass fakes. */
export interface DoctorDeps {
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly hubTimeoutMs?: number;
  readonly freeSpace?: FreeSpace;
  readonly systemd?: SystemdProbe;
  readonly devices?: DevicesDeps;
  readonly relay?: RelayTestDeps;
  /** A terminal to ask the relay question on (default: stdin and stdout are both TTYs). */
  readonly interactive?: boolean;
  readonly write?: (text: string) => void;
  /** Where the key is looked for (CREDENTIALS_DIRECTORY, CHOT_DB_KEY_FILE), as the core looks. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Every check, in the order an installer reads them: devices, hub and clock, data, disk and databases, system. */
export async function runDoctorChecks(
  dataDir: string,
  options: { relayTest: boolean; confirmed: boolean; interactive: boolean; key?: DoctorKey },
  deps: DoctorDeps = {},
): Promise<DoctorCheck[]> {
  const now = deps.now ?? Date.now;
  const checks: DoctorCheck[] = [];
  if (!existsSync(dataDir)) {
    checks.push({
      id: 'data-dir',
      status: 'fail',
      vi: `Không có thư mục dữ liệu ${dataDir}`,
      en: `No data directory ${dataDir}`,
      fix: { vi: 'Chỉ đúng thư mục bằng --data-dir, hoặc khởi động máy một lần', en: 'Name the right one with --data-dir, or start the kiosk once' },
    });
    return checks;
  }
  const devices = readDevicesConfig(dataDir);
  if ('check' in devices) checks.push(devices.check);
  else {
    checks.push(...(await deviceChecks(devices.config, await surveyDevices(deps.devices))));
    if (options.relayTest) {
      const ask = options.interactive ? (deps.relay?.ask ?? askOnTerminal) : undefined;
      checks.push(...(await relayTestChecks(devices.config.devices.filter(isRelaySpec), options.confirmed, { ...deps.relay, ask })));
    }
  }
  const enrolment = enrolmentCheck(dataDir);
  checks.push(enrolment.check);
  if (enrolment.hub !== undefined) {
    checks.push(
      ...(await hubReachabilityChecks(dataDir, enrolment.hub, enrolment.keys, {
        now,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        ...(deps.hubTimeoutMs === undefined ? {} : { timeoutMs: deps.hubTimeoutMs }),
      })),
    );
  }
  const key: DoctorKey = options.key ?? { key: undefined };
  const rules = loadRuleSets(dataDir);
  const ruleSetNow = rules.inForce(now());
  checks.push(dataAgeCheck(dataDir, ruleSetNow, now(), enrolment.hub !== undefined, key.key));
  checks.push(ruleSetCheck(rules, now()));
  checks.push(diskSpaceCheck(dataDir, deps.freeSpace ?? statfsFreeSpace));
  checks.push(...databaseChecks(dataDir, key.key));
  checks.push(encryptionCheck(dataDir, key));
  checks.push(await systemdCheck(deps.systemd ?? hostSystemd));
  return checks;
}

const MARKS = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' } as const;

/** The table: one line per check in both languages, the fix under it. Everything escaped for the terminal. */
export function doctorTable(checks: readonly DoctorCheck[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${MARKS[check.status]}  ${terminalText(check.vi)} / ${terminalText(check.en)}`);
    if (check.fix !== undefined) {
      lines.push(`      → ${terminalText(check.fix.vi)}`);
      lines.push(`        ${terminalText(check.fix.en)}`);
    }
  }
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  lines.push('', `${failed} FAIL, ${warned} WARN, ${checks.length - failed - warned} OK`);
  return lines.join('\n') + '\n';
}

export async function runDoctor(args: readonly string[], deps: DoctorDeps = {}): Promise<number> {
  const { values } = parseCommandArgs(args, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    'relay-test': { type: 'boolean' },
    yes: { type: 'boolean' },
    'db-key-file': { type: 'string' },
  });
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const json = values.json === true;
  // The question needs a person at a terminal; a --json run is read by a program, never asked.
  const interactive = !json && (deps.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true));
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // A key named but unreadable is the encryption line's FAIL, not the end of the other checks.
  const key = loadDoctorKey(values['db-key-file'], deps.env ?? process.env);
  const checks = await runDoctorChecks(dataDir, { relayTest: values['relay-test'] === true, confirmed: values.yes === true, interactive, key }, deps);
  const code = doctorExitCode(checks);
  if (json) write(terminalJson({ status: code === 0 ? (checks.some((c) => c.status === 'warn') ? 'warn' : 'ok') : 'fail', checks }, 2) + '\n');
  else write(doctorTable(checks));
  return code;
}
