import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ChainCheck } from '../../domain/entries/entry-chain.js';
import { HUB_SQLITE_FILE } from '../../hub/storage/sqlite-hub-storage.js';
import { EntryLog } from '../../main/store/entry-log.js';
export { waitFor } from './hub-cli-steps.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { bundleForNode, sqliteExternals } from './worker-bundle.js';

/**
 * Helpers of tests/e2e/upload-kill.test.ts: the appending child (tests/support/
 * entry-append-child.ts), and what the kiosk's log and the hub's database hold, read
 * straight from their SQLite files so the test trusts neither side's own report.
 */

/** The child runs as JavaScript: bundled from the sources (worker-bundle.ts), the SQLite addons left external. */
export function bundleAppendChild(): Promise<string> {
  return bundleForNode('tests/support/entry-append-child.ts', 'entry-append-child.mjs', sqliteExternals());
}

export interface AppendOptions {
  readonly dataDir: string;
  readonly kioskId: string;
  readonly location: string;
  /** Stop after this many entries (default: until killed). */
  readonly count?: number;
  /** Bulk mode for a backlog (one commit per 5 000 entries). */
  readonly fill?: boolean;
  /** SIGKILL the child once it has acknowledged this many entries. */
  readonly killAfterAcks?: number;
}

export interface AppendRun {
  /** Every entry the child acknowledged (committed): seq → hash hex. */
  readonly acks: ReadonlyMap<number, string>;
  readonly killed: boolean;
}

/** Runs the appending child; resolves once it has exited (killed or done), with every ack it printed. */
export function appendInChild(script: string, options: AppendOptions): Promise<AppendRun> {
  const args = ['--data-dir', options.dataDir, '--kiosk-id', options.kioskId, '--location', options.location];
  if (options.count !== undefined) args.push('--count', String(options.count));
  if (options.fill === true) args.push('--fill');
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = new Map<number, string>();
  let partial = '';
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ack (\d+) ([0-9a-f]{64})$/.exec(line);
      if (match === null) throw new Error(`the append child printed ${JSON.stringify(line)}`);
      acks.set(Number(match[1]), match[2] as string);
    }
    // The child keeps appending while this runs: the kill lands at whatever point it has reached.
    if (!killed && options.killAfterAcks !== undefined && acks.size >= options.killAfterAcks) killed = child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': every ack already in the pipe has been read by then.
    child.once('close', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve({ acks, killed });
      else if (code === 0 && options.killAfterAcks === undefined) resolve({ acks, killed });
      else reject(new Error(`the append child exited with ${code ?? signal} (${acks.size} acks): ${stderr}`));
    });
  });
}

export interface KioskLogState {
  /** seq → hash hex of every row of the log, in seq order. */
  readonly rows: ReadonlyMap<number, string>;
  readonly maxSeq: number;
  readonly verify: ChainCheck;
  /** The highest seq a kept upload receipt vouches for (0 without one). */
  readonly receiptThrough: number;
}

/** Reopens the kiosk's log as the kiosk does (migrations, WAL recovery after a kill) and reads it whole. */
export function kioskLogState(dataDir: string): KioskLogState {
  const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
  try {
    const rows = new Map<number, string>();
    for (const row of db.prepare<[], { seq: number; hash: Buffer }>('SELECT seq, hash FROM entry ORDER BY seq').iterate())
      rows.set(row.seq, row.hash.toString('hex'));
    const receiptThrough = db.prepare<[], { n: number | null }>('SELECT max(through_seq) AS n FROM upload_receipt').get()?.n ?? 0;
    return { rows, maxSeq: [...rows.keys()].at(-1) ?? 0, verify: new EntryLog(db).verify(), receiptThrough };
  } finally {
    db.close();
  }
}

/** The highest seq a kept upload receipt vouches for, read-only beside the running kiosk (0 before one). */
export function kioskReceiptThrough(dataDir: string): number {
  const db = new Database(join(dataDir, KIOSK_DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { n: number | null }>('SELECT max(through_seq) AS n FROM upload_receipt').get()?.n ?? 0;
  } finally {
    db.close();
  }
}

export interface HubEntryState {
  /** seq → hash hex of this kiosk's entries at the hub. */
  readonly rows: ReadonlyMap<number, string>;
  /** count(*) of the kiosk's rows (the map would hide a duplicate; the primary key should forbid one). */
  readonly count: number;
  readonly chain: { contiguous_seq: number; max_seq: number; flagged_entries: number; conflicts: number } | undefined;
  readonly conflictRows: number;
  readonly problemRows: number;
}

/** Reads one kiosk's entries from the hub's SQLite database, read-only, beside the running hub (WAL). */
export function hubEntryState(hubDir: string, kioskId: string, withRows = true): HubEntryState {
  const db = new Database(join(hubDir, HUB_SQLITE_FILE), { readonly: true, fileMustExist: true });
  try {
    // One read transaction: the rows, the chain and the conflicts from one state of the database.
    return db.transaction((): HubEntryState => {
      const rows = new Map<number, string>();
      if (withRows) {
        for (const row of db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM entry WHERE kiosk_id = ? ORDER BY seq').iterate(kioskId))
          rows.set(row.seq, row.hash);
      }
      const count = (k: string, sql: string): number => db.prepare<[string], { n: number }>(sql).get(k)?.n ?? 0;
      return {
        rows,
        count: count(kioskId, 'SELECT count(*) AS n FROM entry WHERE kiosk_id = ?'),
        chain: db
          .prepare<[string], HubEntryState['chain'] & object>('SELECT contiguous_seq, max_seq, flagged_entries, conflicts FROM entry_chain WHERE kiosk_id = ?')
          .get(kioskId),
        conflictRows: count(kioskId, 'SELECT count(*) AS n FROM entry_conflict WHERE kiosk_id = ?'),
        problemRows: count(kioskId, 'SELECT count(*) AS n FROM entry WHERE kiosk_id = ? AND problem IS NOT NULL'),
      };
    })();
  } finally {
    db.close();
  }
}

/**
 * Waits until another process holds the write lock of the hub's database: during an upload
 * the hub's only writer is the ingest (one IMMEDIATE transaction per batch), so a kill then
 * lands inside an ingest. The probe takes the lock for a moment when it is free; the hub
 * waits for it (busy_timeout), as it would for any other writer.
 */
export async function hubIngestInProgress(hubDir: string, timeoutMs = 30_000): Promise<void> {
  const db = new Database(join(hubDir, HUB_SQLITE_FILE), { timeout: 0, fileMustExist: true });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return;
        throw error;
      }
      if (Date.now() > deadline) throw new Error('no ingest began at the hub');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    db.close();
  }
}

/** Counts the lines of a process's output matching `pattern` as they arrive, and waits for the n-th. */
export class LineWatcher {
  private text = '';
  private matched = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    stream: Readable,
    private readonly pattern: RegExp,
  ) {
    stream.on('data', (chunk: Buffer) => {
      const lines = (this.text + chunk.toString()).split('\n');
      this.text = lines.pop() ?? '';
      this.matched += lines.filter((line) => pattern.test(line)).length;
      this.waiters = this.waiters.filter((w) => (w.n <= this.matched ? (w.resolve(), false) : true));
    });
  }

  get count(): number {
    return this.matched;
  }

  /** Resolves once `n` lines have matched in all (at once if they have). */
  atLeast(n: number, timeoutMs = 60_000): Promise<void> {
    if (this.matched >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} lines matching ${this.pattern} (saw ${this.matched})`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}
