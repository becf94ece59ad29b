import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/kiosk-process.js';

/** What the hub logs when a snapshot is ready (hub/server/snapshot-cache.ts). */
export interface SnapshotBuilt {
  readonly seq: number;
  readonly people: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly buildMs: number;
}

/** `chot hub serve` running as its own process, as an operator runs it. */
export interface HubProcess {
  readonly url: string;
  readonly pid: number;
  /** Every line the hub wrote to standard error so far (its request log and events). */
  readonly lines: readonly string[];
  /** Resolves when the hub logs a snapshot ready at `atLeast` or later; rejects on a failed build. */
  snapshotReady(atLeast: number, timeoutMs?: number): Promise<SnapshotBuilt>;
  /** Resolves when the hub, as the artefact builder, logs a snapshot at `atLeast` or later published to its store. */
  artefactsPublished(atLeast: number, timeoutMs?: number): Promise<void>;
  /** The process's peak resident set (VmHWM), while it still runs. */
  peakRssBytes(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not stopped within 15 s. */
  stop(): Promise<void>;
}

const READY = /^snapshot at sequence (\d+) ready: (\d+) people, (\d+) chunks, (\d+) bytes, built in (\d+) ms(?: \(.*\))?$/;
const FAILED = /^snapshot at sequence (\d+) failed/;
const PUBLISHED = /^artefacts: snapshot at sequence (\d+) published/;

/** Benchmarks stop their hubs in `finally`; this covers a benchmark process that dies first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node bin/chot.js hub serve --data DIR --host 127.0.0.1 --port 0 [ARGS…]` (port 0:
 * the hub prints the port it got; ARGS e.g. `--pg URL`) and resolves with its URL. Needs
 * `npm run build`.
 */
export function startHubProcess(dataDir: string, timeoutMs = 60_000, args: readonly string[] = []): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot(), 'bin', 'chot.js'), 'hub', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const lines: string[] = [];
  let partial = '';
  const readyWaiters = new Set<{ atLeast: number; resolve: (built: SnapshotBuilt) => void; reject: (error: Error) => void }>();
  const built: SnapshotBuilt[] = [];
  let exited: number | null | undefined;
  child.stderr.on('data', (data: Buffer) => {
    const text = partial + data.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      const ready = READY.exec(line);
      if (ready !== null) {
        const [seq, people, chunks, bytes, buildMs] = ready.slice(1).map(Number) as [number, number, number, number, number];
        built.push({ seq, people, chunks, bytes, buildMs });
        for (const waiter of readyWaiters) if (seq >= waiter.atLeast) waiter.resolve({ seq, people, chunks, bytes, buildMs });
      } else if (FAILED.test(line)) {
        for (const waiter of readyWaiters) waiter.reject(new Error(`the hub's snapshot build failed: ${line}`));
      }
    }
  });
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      running.delete(child);
      for (const waiter of readyWaiters)
        waiter.reject(new Error(`the hub exited (${code}) before its snapshot was ready; stderr:\n${lines.slice(-20).join('\n')}`));
      resolve();
    }),
  );

  const hub = (url: string, pid: number): HubProcess => ({
    url,
    pid,
    lines,
    snapshotReady(atLeast, waitMs = 30 * 60_000) {
      const done = built.find((b) => b.seq >= atLeast);
      if (done !== undefined) return Promise.resolve(done);
      if (exited !== undefined) return Promise.reject(new Error(`the hub has exited (${exited})`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          readyWaiters.delete(waiter);
          reject(new Error(`no snapshot at sequence ≥ ${atLeast} within ${waitMs} ms`));
        }, waitMs);
        const settle =
          <T>(f: (value: T) => void) =>
          (value: T): void => {
            clearTimeout(timer);
            readyWaiters.delete(waiter);
            f(value);
          };
        const waiter = { atLeast, resolve: settle(resolve), reject: settle(reject) };
        readyWaiters.add(waiter);
      });
    },
    async artefactsPublished(atLeast, waitMs = 30 * 60_000) {
      const until = performance.now() + waitMs;
      const published = (): boolean => lines.some((line) => Number(PUBLISHED.exec(line)?.[1] ?? -1) >= atLeast);
      while (!published()) {
        if (exited !== undefined) throw new Error(`the hub has exited (${exited})`);
        if (performance.now() > until) throw new Error(`no snapshot at sequence ≥ ${atLeast} published within ${waitMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    peakRssBytes() {
      try {
        const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kib === undefined ? undefined : Number(kib) * 1024;
      } catch {
        return undefined; // not Linux, or already gone
      }
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  });

  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the hub printed no URL within ${timeoutMs} ms; stderr:\n${lines.join('\n')}${partial}`));
    }, timeoutMs);
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${exited}) before printing its URL; stderr:\n${lines.join('\n')}${partial}`));
    });
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      const url = /^hub serving\s+(http:\/\/\S+)/m.exec(stdout)?.[1];
      if (url === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve(hub(url, child.pid));
    });
  });
}
