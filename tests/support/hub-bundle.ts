import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './kiosk-process.js';
import { bundleForNode } from './worker-bundle.js';

/**
 * The hub's build worker thread (snapshots, deltas), bundled once per test process for tests
 * that run the TypeScript sources (worker-bundle.ts says why). The database drivers stay
 * external (better-sqlite3 is native; pg requires pg-native optionally).
 */
let cached: Promise<URL> | undefined;

export function hubWorkerBundle(): Promise<URL> {
  cached ??= build();
  return cached;
}

async function build(): Promise<URL> {
  const require = createRequire(join(repoRoot(), 'package.json'));
  const external = { 'better-sqlite3': require.resolve('better-sqlite3'), pg: require.resolve('pg') };
  return pathToFileURL(await bundleForNode('hub/server/build-worker.ts', 'build-worker.mjs', external));
}
