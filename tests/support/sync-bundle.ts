import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './kiosk-process.js';

/**
 * The sync applier's worker thread and the crash-test child process must run as
 * JavaScript, while unit tests run from TypeScript sources. Bundling just those two
 * entry points with esbuild (tens of milliseconds) avoids depending on a fresh `npm run
 * build` of the whole tree — which also deletes dist/ under anyone else using it.
 * better-sqlite3 stays external, imported by absolute path so the bundle can live in a
 * temporary directory.
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
  const esbuild = await import('esbuild');
  const root = repoRoot();
  const require = createRequire(join(root, 'package.json'));
  const sqlite = require.resolve('better-sqlite3');
  const outDir = mkdtempSync(join(tmpdir(), 'chot-sync-bundle-'));
  const bundle = async (entry: string, name: string): Promise<string> => {
    const outfile = join(outDir, name);
    await esbuild.build({
      entryPoints: [join(root, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      plugins: [{ name: 'sqlite-external', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })) }],
    });
    return outfile;
  };
  const [worker, child] = await Promise.all([
    bundle('main/sync/apply-worker.ts', 'apply-worker.mjs'),
    bundle('tests/support/sync-apply-child.ts', 'sync-apply-child.mjs'),
  ]);
  return { workerUrl: pathToFileURL(worker), childScript: child };
}
