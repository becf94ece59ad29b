import { chotVersion } from '../main/config/paths.js';
import { UsageError } from './args.js';
import { CHIP_HELP, runChip } from './commands/chip.js';
import { DB_KEY_HELP, runDbKey } from './commands/db-key.js';
import { DECODE_IMAGE_HELP, runDecodeImage } from './commands/decode-image.js';
import { DEVICES_HELP, runDevices } from './commands/devices.js';
import { DOCTOR_HELP, runDoctor } from './commands/doctor.js';
import { ENROLL_HELP, runEnroll } from './commands/enroll.js';
import { HUB_HELP, runHub } from './commands/hub.js';
import { LOG_HELP, runLog } from './commands/log.js';
import { RULES_HELP, runRules } from './commands/rules.js';
import { runStart, START_HELP } from './commands/start.js';
import { runStaff, STAFF_HELP } from './commands/staff.js';
import { runSync, SYNC_HELP } from './commands/sync.js';
import { runTrust, TRUST_HELP } from './commands/trust.js';
import { runVerify, VERIFY_HELP } from './commands/verify.js';
import { terminalLines, terminalText } from '../domain/text/terminal-text.js';
import { messageOf } from '../platform/message-of.js';

interface Command {
  readonly summary: string;
  readonly help: string;
  run(args: readonly string[]): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  start: { summary: 'start the kiosk (Electron window, or browser mode without Electron)', help: START_HELP, run: runStart },
  verify: { summary: 'read scanned payloads on stdin, print kind, authenticity and colour as JSON lines', help: VERIFY_HELP, run: runVerify },
  rules: { summary: 'check, test and install rule sets (the colour criteria, as CertLogic data)', help: RULES_HELP, run: runRules },
  enroll: { summary: 'enrol the kiosk with a hub, once (device key, pinned hub key, hub.json)', help: ENROLL_HELP, run: runEnroll },
  sync: { summary: 'sync an enrolled kiosk with its hub once: data, then rule sets', help: SYNC_HELP, run: (args) => runSync(args) },
  trust: { summary: 'pin a hub key in the kiosk', help: TRUST_HELP, run: runTrust },
  staff: { summary: 'the staff who sign in at the kiosk with a PIN: staff add NAME | remove NAME | list', help: STAFF_HELP, run: runStaff },
  'db-key': {
    summary: "make the key that encrypts the kiosk's databases: db-key new --out FILE | seal (systemd-creds)",
    help: DB_KEY_HELP,
    run: (args) => runDbKey(args),
  },
  log: { summary: "verify the kiosk's hash-chained entry log: reports the first edited, missing or reordered entry", help: LOG_HELP, run: runLog },
  'decode-image': {
    summary: "decode the QR code in image files with the camera's decoder, one JSON line per file",
    help: DECODE_IMAGE_HELP,
    run: runDecodeImage,
  },
  devices: {
    summary: 'list connected scanners, relays and card readers, the device profile each matches and its state',
    help: DEVICES_HELP,
    run: (args) => runDevices(args),
  },
  doctor: {
    summary: 'check a kiosk on site: devices, pcscd, hub and clock, data age, rule set, disk, databases, units — OK/WARN/FAIL with the fix',
    help: DOCTOR_HELP,
    run: (args) => runDoctor(args),
  },
  chip: { summary: 'read and authenticate a chip ID card in a PC/SC reader: chip read --can N | --mrz D,B,E', help: CHIP_HELP, run: runChip },
  hub: {
    summary: 'hub commands: import, enroll-code, devices, revoke, issue-pass, badges, public-key, rules publish|list, trust import|list',
    help: HUB_HELP,
    run: runHub,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Chốt — entrance-checkpoint kiosk',
    '',
    'Usage: chot <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  --help, -h     show help (also: chot <command> --help)',
    '  --version, -v  print the version',
    '',
  ].join('\n');
}

/** Runs one `chot` invocation and returns its exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${chotVersion()}\n`);
    return 0;
  }
  // Own properties only: "toString" or "__proto__" typed as a command must not find the prototype's.
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command === undefined) {
    process.stderr.write(`chot: unknown command "${terminalText(first)}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = error.usage === undefined ? command.help : `Usage:\n${error.usage}\n\n(chot ${first} --help lists every command)\n`;
      process.stderr.write(`chot ${first}: ${terminalLines(error.message)}\n\n${usage}`);
      return 2;
    }
    // Error messages quote what came from outside (files, a hub's answers): escaped for the terminal.
    process.stderr.write(`chot ${first}: ${terminalLines(messageOf(error))}\n`);
    return 1;
  }
}
