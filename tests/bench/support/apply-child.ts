import { fileURLToPath } from 'node:url';
import { doneOf, runSyncApplyChild } from '../../support/sync-apply-run.js';

/** What tests/support/sync-apply-child.js reports once it has applied a chunk file. */
export interface ApplyChildFigures {
  readonly elapsedMs: number;
  readonly maxRssBytes: number;
  readonly records: number;
  readonly longestChunkMs: number;
  readonly finalChunkMs: number;
}

export interface ApplyChildOptions {
  /** The facts database the child's SyncApplier opens (created if absent). */
  readonly factsDatabase: string;
  /** A file of concatenated snapshot chunks (tests/support/sync-fixtures.ts, writeChunkFile). */
  readonly chunks: string;
  /** The hub's public key the chunks are signed with, base64. */
  readonly hubPublicKey: string;
  /** A key file (64 hex digits, mode 0600): the child encrypts facts.sqlite with it, as a kiosk given `--db-key-file` does. */
  readonly dbKeyFile?: string;
}

/**
 * Applies a snapshot chunk file in a fresh child process, through the real SyncApplier and
 * its worker, so that the peak RSS reported is the applying kiosk's alone, not the benchmark's.
 */
export async function applySnapshotInChild(options: ApplyChildOptions): Promise<ApplyChildFigures> {
  const run = await runSyncApplyChild({
    script: fileURLToPath(new URL('../../support/sync-apply-child.js', import.meta.url)),
    database: options.factsDatabase,
    chunks: options.chunks,
    kind: 'snapshot',
    hubKey: options.hubPublicKey,
    ...(options.dbKeyFile === undefined ? {} : { dbKeyFile: options.dbKeyFile }),
  });
  const figures = doneOf<ApplyChildFigures>(run);
  if (figures === undefined) throw new Error(`the apply child reported no figures: ${run.lines.filter((l) => !l.startsWith('chunk ')).join('\n')}`);
  return figures;
}
