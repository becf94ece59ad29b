import { lineLog } from '../../platform/logging/logger.js';
import { stderrLogger } from '../logging/kiosk-logger.js';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the `electron` package is installed, or null (e.g. an install without devDependencies). */
export function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The Electron executable, if one is installed. We read what the `electron` package
 * recorded instead of requiring it: requiring it tries to download a missing binary,
 * which a kiosk without internet must never do.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, packageDir: string | null = electronPackageDir()): string | null {
  if (packageDir === null) return null;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/**
 * Runs the Electron kiosk in the foreground and resolves with its exit code. An Electron
 * that cannot be started (not executable, gone since it was found) is a spawn 'error'
 * event: reported, and exit code 1, never an uncaught exception.
 */
export function runElectron(binary: string, args: readonly string[], log: (line: string) => void = lineLog(stderrLogger(), 'warn')): Promise<number> {
  const child = spawn(binary, args, { stdio: 'inherit' });
  return new Promise((done) => {
    child.once('error', (error: Error & { code?: unknown }) => {
      log(`cannot start Electron at ${binary} (${typeof error.code === 'string' ? error.code : error.message}); \`chot start --browser\` runs without it`);
      done(1);
    });
    child.once('exit', (code) => done(code ?? 1));
  });
}
