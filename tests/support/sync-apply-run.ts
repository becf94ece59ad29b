import { spawn } from 'node:child_process';

/** One run of the applying child (tests/support/sync-apply-child.ts), as the crash tests and the benchmarks start it. */
export interface SyncApplyChildOptions {
  /** The child's script: the bundle the unit tests build, or the compiled file the benchmarks run. */
  readonly script: string;
  /** The facts database the child's SyncApplier opens. */
  readonly database: string;
  /** A file of concatenated chunks (sync-fixtures.ts, writeChunkFile). */
  readonly chunks: string;
  readonly kind: 'snapshot' | 'delta';
  /** The hub's public key the chunks are signed with, base64. */
  readonly hubKey: string;
  /** The apply worker's script, when not the compiled one beside the applier. */
  readonly worker?: string;
  /** Resume a snapshot from the cursor the database holds. */
  readonly resume?: boolean;
  /** A key file (64 hex digits, mode 0600): the child opens facts.sqlite encrypted with it, as `chot start --db-key-file` does. */
  readonly dbKeyFile?: string;
  /** SIGKILLs the child as soon as this holds for a line it printed. */
  readonly killWhen?: (line: string) => boolean;
}

export interface SyncApplyChildRun {
  /** Every complete line the child printed on stdout. */
  readonly lines: readonly string[];
  /** Whether killWhen killed it (then it printed no `done`). */
  readonly killed: boolean;
}

function argsOf(options: SyncApplyChildOptions): string[] {
  const args = [options.script, '--db', options.database, '--chunks', options.chunks, '--kind', options.kind, '--key', options.hubKey];
  if (options.worker !== undefined) args.push('--worker', options.worker);
  if (options.resume === true) args.push('--resume');
  if (options.dbKeyFile !== undefined) args.push('--db-key-file', options.dbKeyFile);
  return args;
}

/** Runs the child to its end (or to killWhen); a failure of its own rejects, with what it printed. */
export function runSyncApplyChild(options: SyncApplyChildOptions): Promise<SyncApplyChildRun> {
  const child = spawn(process.execPath, argsOf(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  // The parent dying must not leave a child writing the database.
  const killChild = (): boolean => child.kill('SIGKILL');
  process.once('exit', killChild);
  const lines: string[] = [];
  let killed = false;
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stdout.on('data', (data: Buffer) => {
    pending += data.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      if (!killed && options.killWhen?.(line) === true) killed = child.kill('SIGKILL');
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('exit', killChild);
      if (killed && signal === 'SIGKILL') resolve({ lines, killed });
      else if (code === 0) resolve({ lines, killed: false });
      else reject(new Error(`sync apply child exited ${code ?? signal}: ${lines.filter((l) => !l.startsWith('chunk ')).join('\n')}\n${stderr}`));
    });
  });
}

/** The child's `done` line: its ApplyResult and figures, or undefined when it printed none. */
export function doneOf<T>(run: SyncApplyChildRun): T | undefined {
  const line = run.lines.find((l) => l.startsWith('done '));
  return line === undefined ? undefined : (JSON.parse(line.slice('done '.length)) as T);
}

/** `killWhen` for the moment chunk `index` is committed (snapshot) or held (delta). */
export const afterChunk =
  (index: number) =>
  (line: string): boolean =>
    line.startsWith(`chunk ${index} `);
