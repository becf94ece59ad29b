import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/paths.js';

/**
 * Where the device profiles are: `firmware-config/` in a checkout, `dist/firmware-config/`
 * in the installed kiosk (electron-builder ships only dist/; scripts/build.mjs copies the
 * profiles there). A checkout prefers its sources, so an edited profile counts without a build.
 */
export function firmwareConfigDir(root: string = packageRoot()): string {
  const source = join(root, 'firmware-config');
  if (existsSync(join(source, 'profiles'))) return source;
  return join(root, 'dist', 'firmware-config');
}
