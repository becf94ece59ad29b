import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/** Where the hub keeps its data when `--data` is not given (XDG on Linux). */
export function defaultHubDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHOT_HUB_DATA) return env.CHOT_HUB_DATA;
  if (platform() === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'chot-hub');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'chot-hub');
}
