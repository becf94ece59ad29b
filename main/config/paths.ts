import { existsSync, readFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the kiosk keeps its database when `--data-dir` is not given (XDG on Linux). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHOT_DATA_DIR) return env.CHOT_DATA_DIR;
  if (platform() === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'chot');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'chot');
}

/** The project root: the nearest folder above this module with Chốt's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'chot') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find Chốt’s package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function chotVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The built renderer (HTML, CSS, bundled JS). */
export function rendererDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
