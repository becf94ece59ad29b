import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../domain/contract/rpc-messages.js';
import { repoRoot } from './kiosk-process.js';

/**
 * Runs tests/support/browser-server-child.ts as its own process. The child is bundled with
 * esbuild from the sources (no `npm run build` needed) into node_modules/.cache, so its
 * packages (ws, better-sqlite3…) resolve as they do for the kiosk itself.
 */
let bundled: Promise<string> | undefined;

function bundleChild(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const root = repoRoot();
    const cache = join(root, 'node_modules', '.cache', 'chot-test-bundles');
    mkdirSync(cache, { recursive: true });
    // One file, replaced whole by each build (test files in parallel workers build it too).
    const outfile = join(cache, 'browser-server-child.mjs');
    const building = `${outfile}.${randomUUID()}.tmp`;
    await esbuild.build({
      entryPoints: [join(root, 'tests/support/browser-server-child.ts')],
      outfile: building,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      packages: 'external',
    });
    renameSync(building, outfile);
    return outfile;
  })();
  return bundled;
}

export interface ServerProcess {
  readonly origin: string;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  /** Resolves with the first log line matching after `from` (a length of log()), waiting for it if need be. */
  logLine(pattern: RegExp, from?: number): Promise<string>;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startServerProcess(): Promise<ServerProcess> {
  const script = await bundleChild();
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  });
  const ready = await new Promise<{ origin: string; token: string }>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`the server child exited (${code ?? signal}) before listening: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) resolve(JSON.parse(line) as { origin: string; token: string });
    });
  });
  child.removeAllListeners('exit');
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    ...ready,
    child,
    log: () => stderr,
    logLine: (pattern, from = 0) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const line = stderr
            .slice(from)
            .split('\n')
            .find((candidate) => pattern.test(candidate));
          if (line !== undefined) resolve(line);
          else if (!alive()) reject(new Error(`the server exited without logging ${pattern}: ${stderr}`));
          else waiters.push(check);
        };
        child.once('exit', check);
        check();
      }),
    alive,
    stop: () =>
      new Promise<void>((done) => {
        if (!alive()) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A normal contract call on a fresh connection, as the kiosk's page makes it: the server still serves. */
export async function answersACall(server: ServerProcess, method = 'getKioskStatus', id = 7): Promise<unknown> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/rpc`, [RPC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + server.token], { origin: server.origin });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
    ws.send(JSON.stringify({ t: 'call', id, method, args: [] }));
    return await reply;
  } finally {
    ws.close();
  }
}
