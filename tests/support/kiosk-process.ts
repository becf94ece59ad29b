import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in tests/support (or dist/tests/support). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('tests')) dir = dirname(dir);
  const parent = dirname(dir);
  return parent.endsWith('dist') ? dirname(parent) : parent;
}

export function tempDataDir(prefix = 'chot-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface KioskProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the kiosk wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `chot start` in browser mode as a real child process, as a user would, and
 * resolves with the kiosk URL it prints.
 */
export function startKioskProcess(
  options: { dataDir?: string; port?: number; extraArgs?: readonly string[]; timeoutMs?: number; viaNpmStart?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<KioskProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const args = ['--data-dir', dataDir, '--port', String(options.port ?? 0), ...(options.extraArgs ?? [])];
  // `npm start` is what the README tells a newcomer to run; the direct form forces browser mode.
  const child =
    options.viaNpmStart === true
      ? spawn('npm', ['start', '--silent', '--', ...args], {
          cwd: repoRoot(),
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
          env: options.env ?? process.env,
        })
      : spawn(process.execPath, [join(repoRoot(), 'bin', 'chot.js'), 'start', '--browser', ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: options.env ?? process.env,
        });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (options.viaNpmStart === true && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`no kiosk-url within ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chot start exited with ${code} before printing the URL; stderr: ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^kiosk-url: (\S+)$/m.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: match[1],
        dataDir,
        child,
        stderr: () => stderr,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            // npm runs the kiosk in a child of its own: signal the whole process group.
            if (options.viaNpmStart === true && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
            else child.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * Stops a kiosk and starts it again on the same data dir and port, as a restart by its
 * service would: a page left open on the old kiosk should find the new one by itself.
 */
export async function restartKioskProcess(kiosk: KioskProcess, options: { extraArgs?: readonly string[] } = {}): Promise<KioskProcess> {
  const port = Number(new URL(kiosk.url).port);
  await kiosk.stop();
  return startKioskProcess({ dataDir: kiosk.dataDir, port, ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }) });
}
