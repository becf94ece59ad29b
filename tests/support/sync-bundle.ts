import { pathToFileURL } from 'node:url';
import { bundleForNode, sqliteExternals } from './worker-bundle.js';

/**
 * The sync applier's worker thread and the crash-test child process, bundled for tests that
 * run the TypeScript sources (worker-bundle.ts says why). The SQLite addons stay external.
 */
export interface SyncBundles {
  readonly workerUrl: URL;
  readonly childScript: string;
}

let cached: Promise<SyncBundles> | undefined;

export function syncBundles(): Promise<SyncBundles> {
  cached ??= build();
  return cached;
}

async function build(): Promise<SyncBundles> {
  const external = sqliteExternals();
  const [worker, child] = await Promise.all([
    bundleForNode('main/sync/apply-worker.ts', 'apply-worker.mjs', external),
    bundleForNode('tests/support/sync-apply-child.ts', 'sync-apply-child.mjs', external),
  ]);
  return { workerUrl: pathToFileURL(worker), childScript: child };
}
