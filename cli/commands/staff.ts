import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { STAFF_PIN_PATTERN } from '../../domain/contract/staff-session.js';
import { defaultDataDir } from '../../main/config/paths.js';
import { STAFF_PINS_FILE, StaffPinError, StaffPinStore } from '../../main/staff/staff-pin-store.js';
import { parseCommandArgs, UsageError } from '../args.js';

export const STAFF_HELP = `Usage: chot staff add NAME [--data-dir DIR]     (the PIN on stdin, or asked twice)
       chot staff remove NAME [--data-dir DIR]
       chot staff list [--data-dir DIR]

The staff who may sign in at this kiosk with a PIN (6 to 12 digits). Once one is set,
staff actions at the kiosk — override, confirm, the CAN keypad, diagnostics — need a
staff sign-in, and the entry log names the signed-in staff member. With none set, anyone
at the kiosk may override, and its staff screens say so.

PINs are kept in DATA-DIR/${STAFF_PINS_FILE} (owner-only) as salted scrypt hashes only;
\`list\` prints names, never anything of a PIN. A PIN two staff members share is refused:
a PIN alone says who signs in. Changes apply at the next sign-in, also while the kiosk runs.
`;

/** The PIN from a pipe (its first line), or typed twice at a terminal without echo. */
export async function readPin(): Promise<string> {
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      lines.close();
      return line.trim();
    }
    return '';
  }
  const first = await promptHidden('PIN (6–12 digits): ');
  const second = await promptHidden('PIN again: ');
  if (first !== second) throw new UsageError('the two PINs differ');
  return first;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((done) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          done(typed);
          return;
        }
        if (char === '\u0003') process.exit(130);
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
  });
}

export async function runStaff(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  const named = command === 'add' || command === 'remove';
  const name = named ? rest[0] : undefined;
  if (named && (name === undefined || name.startsWith('--'))) throw new UsageError(`staff ${command} takes the staff member's NAME`);
  const { values } = parseCommandArgs(named ? rest.slice(1) : rest, { 'data-dir': { type: 'string' } });
  const store = new StaffPinStore(resolve(values['data-dir'] ?? defaultDataDir()));
  try {
    if (command === 'list') {
      for (const staff of store.names()) process.stdout.write(`${staff}\n`);
      return 0;
    }
    if (command === 'add' && name !== undefined) {
      const pin = await readPin();
      if (!STAFF_PIN_PATTERN.test(pin)) throw new UsageError('the PIN must be 6 to 12 digits');
      await store.add(name, pin);
      process.stdout.write(`added ${name.normalize('NFC').trim()} (${store.names().length} staff in ${store.file})\n`);
      return 0;
    }
    if (command === 'remove' && name !== undefined) {
      if (!store.remove(name)) {
        process.stderr.write(`chot staff: no staff member named ${JSON.stringify(name)}\n`);
        return 1;
      }
      process.stdout.write(`removed ${name} (${store.names().length} staff left)\n`);
      return 0;
    }
  } catch (error) {
    if (error instanceof StaffPinError) {
      process.stderr.write(`chot staff: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  throw new UsageError(command === undefined ? 'name a staff command: add, remove or list' : `unknown staff command "${command}"`);
}
