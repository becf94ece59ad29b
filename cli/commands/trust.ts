import { resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { pinHubKey } from '../../main/trust/hub-keys-file.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { messageOf } from '../../platform/message-of.js';

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
    throw new UsageError(messageOf(error));
  }
  const { file, keys } = pinHubKey(resolve(values['data-dir'] ?? defaultDataDir()), key);
  process.stdout.write(`trusting ${keys.length} hub key(s) in ${file}\n`);
  return 0;
}
