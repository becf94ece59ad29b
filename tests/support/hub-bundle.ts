import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './kiosk-process.js';

/**
 * The hub's build worker thread (snapshots, deltas) as JavaScript, for tests that run the TypeScript
 * sources (as sync-bundle.ts does for the kiosk's apply worker): bundled once per test
 * process with esbuild, never through a build of dist/ that others may be using. The
 * database drivers stay external, imported by absolute path so the bundle can live in a
 * temporary directory (better-sqlite3 is native; pg requires pg-native optionally).
 */
let cached: Promise<URL> | undefined;

export function hubWorkerBundle(): Promise<URL> {
  cached ??= build();
  return cached;
}

async function build(): Promise<URL> {
  const esbuild = await import('esbuild');
  const root = repoRoot();
  const require = createRequire(join(root, 'package.json'));
  const external: Record<string, string> = { 'better-sqlite3': require.resolve('better-sqlite3'), pg: require.resolve('pg') };
  const outfile = join(mkdtempSync(join(tmpdir(), 'chot-hub-bundle-')), 'build-worker.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'hub/server/build-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'drivers-external',
        setup: (b) => b.onResolve({ filter: /^(better-sqlite3|pg)$/ }, (args) => ({ path: pathToFileURL(external[args.path] as string).href, external: true })),
      },
    ],
  });
  return pathToFileURL(outfile);
}
