import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './kiosk-process.js';

export interface ChotRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `chot` command as a user would, with `input` on stdin. */
export function runChot(args: readonly string[], input = ''): ChotRun {
  const result = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'chot.js'), ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `chot verify` with one payload per line; returns the parsed JSON lines. */
export function verifyLines(args: readonly string[], payloads: readonly string[]): Record<string, unknown>[] {
  const run = runChot(['verify', ...args], payloads.map((p) => `${p}\n`).join(''));
  if (run.status !== 0) throw new Error(`chot verify exited ${run.status}: ${run.stderr}`);
  return run.stdout
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Runs `chot` without blocking this process: needed when the test itself serves something
 * the command talks to (a proxy, a fake hub), which a blocked event loop could not answer.
 */
export function runChotAsync(args: readonly string[], timeoutMs = 60_000): Promise<ChotRun> {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'chot.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (part: Buffer) => (stdout += part.toString()));
  child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
