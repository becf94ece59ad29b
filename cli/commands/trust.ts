import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { HUB_KEYS_FILE } from '../../main/trust/kiosk-trust.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { parseCommandArgs, UsageError } from '../args.js';

export const TRUST_HELP = `Usage: chot trust hub-key KEY [--data-dir DIR]

Pins a hub's public key (base64, from \`chot hub public-key\`) in the kiosk's data
directory: the kiosk then accepts status passes and rule sets that key signed.
(Enrolling with a hub pins its key the same way.)
`;

export async function runTrust(args: readonly string[]): Promise<number> {
  const [command, key, ...rest] = args;
  if (command !== 'hub-key') throw new UsageError(command === undefined ? 'name a trust command' : `unknown trust command "${command}"`);
  if (key === undefined) throw new UsageError('hub-key takes the KEY to trust');
  const { values } = parseCommandArgs(rest, { 'data-dir': { type: 'string' } });
  try {
    hubKeyStoreFromKeys([key]);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const file = join(resolve(values['data-dir'] ?? defaultDataDir()), HUB_KEYS_FILE);
  const keys = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
  if (!keys.includes(key)) keys.push(key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(keys, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`trusting ${keys.length} hub key(s) in ${file}\n`);
  return 0;
}
