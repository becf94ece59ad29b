import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { qrPng } from '../../platform/qr-output.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { writeFileSync } from 'node:fs';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { holderNameProblem, STAFF_BADGE_ID12 } from '../../domain/credentials/pass/pass-codec.js';
import { visibleText } from '../../domain/text/visible-text.js';
import { HubStaff, HubStaffError } from '../../hub/staff/hub-staff.js';
import { messageOf } from '../../platform/message-of.js';
import { UsageError } from '../args.js';
import { readPin } from './staff.js';
import { parsePassPrint, writePassCards } from './pass-print-options.js';

export const HUB_STAFF_HELP = `  staff add NAME [--id ID] [--pin-stdin] [--kiosk ID]… [--location NAME]…
             add a staff member to the staff list the hub signs for its kiosks, which
             install it at their next sync: they may then sign in there with their PIN
             or a staff badge (issue-pass --staff-id ID). The PIN (6–12 digits) is read
             from stdin with --pin-stdin, else asked twice at a terminal (Enter: none,
             badge only); only its salted scrypt hash is published. --kiosk and
             --location limit where (default: every kiosk). --id default: a new random id
  staff remove ID|NAME   drop a staff member: at the next sync their PIN and badge stop working
                         and an open session of theirs ends
  staff list             ids, names and scopes (never anything of a PIN)`;

/** `chot hub staff add|remove|list …` */
export async function runHubStaff(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        data: { type: 'string' },
        id: { type: 'string' },
        'pin-stdin': { type: 'boolean' },
        kiosk: { type: 'string', multiple: true },
        location: { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const { values, positionals } = parsed;
  const dataDir = resolve(values.data ?? defaultHubDataDir());
  const staff = new HubStaff(dataDir, loadOrCreateHubSigningKey(dataDir));
  try {
    if (command === 'list') {
      for (const entry of staff.list()) {
        const scope =
          entry.scope === undefined
            ? 'every kiosk'
            : [...(entry.scope.kiosks ?? []).map((k) => `kiosk ${k}`), ...(entry.scope.locations ?? []).map((l) => `location ${l}`)].join(', ');
        process.stdout.write(`${entry.id}  ${terminalText(entry.name)}  ${entry.hash === undefined ? 'badge only' : 'PIN'}  ${terminalText(scope)}\n`);
      }
      return 0;
    }
    const [name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`staff ${command ?? ''} takes one NAME (quote a name with spaces)`);
    if (command === 'add' && name !== undefined) {
      const pin = values['pin-stdin'] === true ? await readPin() : process.stdin.isTTY ? await readPin() : '';
      const scope =
        values.kiosk === undefined && values.location === undefined
          ? undefined
          : { ...(values.kiosk === undefined ? {} : { kiosks: values.kiosk }), ...(values.location === undefined ? {} : { locations: values.location }) };
      const { entry, version } = await staff.add({
        name,
        ...(values.id === undefined ? {} : { id: values.id }),
        ...(pin === '' ? {} : { pin }),
        ...(scope === undefined ? {} : { scope }),
      });
      process.stdout.write(
        `added ${entry.id} (${entry.hash === undefined ? 'badge only' : 'PIN'}): published staff version ${version}, ${staff.list().length} staff\n`,
      );
      return 0;
    }
    if (command === 'remove' && name !== undefined) {
      const removed = staff.remove(name);
      if (removed === undefined) {
        process.stderr.write(`chot hub staff: no staff member with id or name ${JSON.stringify(terminalText(name))}\n`);
        return 1;
      }
      process.stdout.write(`removed ${removed.entry.id}: published staff version ${removed.version}, ${staff.list().length} staff left\n`);
      return 0;
    }
  } catch (error) {
    if (error instanceof HubStaffError) {
      process.stderr.write(`chot hub staff: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  throw new UsageError(
    command === 'add' || command === 'remove'
      ? `staff ${command} takes the staff member's ${command === 'add' ? 'NAME' : 'ID or NAME'}`
      : command === undefined
        ? 'name a hub staff command: add, remove or list'
        : `unknown hub staff command "${command}"`,
  );
}

/** A staff badge lasts a shift by default, at most a week: a lost badge stops working soon even before the hub removes its holder. */
const BADGE_DEFAULT_HOURS = 12;
const BADGE_MAX_HOURS = 168;

/** `chot hub issue-pass --staff-id ID`: a badge only for a member of the published staff list. */
export async function issueStaffBadge(options: {
  staffId: string;
  data?: string;
  png?: string;
  'valid-hours'?: string;
  id?: string;
  facts?: string;
  name?: string;
  'birth-year'?: string;
  card?: string;
  out?: string;
  issuer?: string;
}): Promise<number> {
  if (options.id !== undefined || options.facts !== undefined)
    throw new UsageError('a staff badge names a staff member only: no --id or --facts with --staff-id');
  if (options.name !== undefined || options['birth-year'] !== undefined)
    throw new UsageError("a staff badge is named by the hub's staff list: no --name or --birth-year with --staff-id");
  const validForHours = Number(options['valid-hours'] ?? BADGE_DEFAULT_HOURS);
  if (!(validForHours > 0 && validForHours <= BADGE_MAX_HOURS))
    throw new UsageError(`--valid-hours for a staff badge must be positive, at most ${BADGE_MAX_HOURS}`);
  const dataDir = resolve(options.data ?? defaultHubDataDir());
  const key = loadOrCreateHubSigningKey(dataDir);
  const print = parsePassPrint(options, key, false);
  const member = new HubStaff(dataDir, key).list().find((entry) => entry.id === options.staffId);
  if (member === undefined) {
    process.stderr.write(
      `chot hub issue-pass: no staff member with id ${JSON.stringify(terminalText(options.staffId))} in the hub's staff list (chot hub staff add first)\n`,
    );
    return 1;
  }
  // A printed badge carries its holder's name from the staff list, signed, for a colleague to match.
  // Only a printed one: a kiosk older than the holder section refuses a pass that has it.
  const name = visibleText(member.name);
  const holder = print !== undefined && holderNameProblem(name) === undefined ? { holder: { name } } : {};
  const text = issuePass(key, { id12: STAFF_BADGE_ID12, staffId: options.staffId, now: Date.now(), validForHours, ...holder });
  process.stdout.write(`${text}\n`);
  if (options.png !== undefined) writeFileSync(options.png, await qrPng(text));
  if (print !== undefined) await writePassCards([text], print, 'single');
  return 0;
}
