import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './kiosk-process.js';

export interface HubProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** The hub's request log so far (one line per request). */
  log(): Promise<string>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, so a hub can be restarted where its kiosks know it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `chot hub serve` as a real child process on 127.0.0.1; resolves once it prints its URL.
 * `extraArgs` are more options of the command (e.g. `--pg URL`).
 */
export function startHubProcess(dataDir: string, port: number, timeoutMs = 30_000, extraArgs: readonly string[] = []): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot(), 'bin', 'chot.js'), 'hub', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', String(port), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chot hub serve printed no URL within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`chot hub serve exited with ${code}; stderr: ${stderr}`));
    };
    child.once('exit', onEarlyExit);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^hub serving\s+(http:\/\/\S+)/m.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      resolve({
        url: match[1],
        port,
        child,
        log: async () => {
          // The log arrives through a pipe: give what the hub already wrote time to come in.
          await new Promise((done) => setTimeout(done, 300));
          return stderr;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
