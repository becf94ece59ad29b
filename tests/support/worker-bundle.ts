import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './kiosk-process.js';

/** The native SQLite addons, kept outside a bundle (the kiosk's, which may encrypt, and the hub's). */
export function sqliteExternals(): Record<string, string> {
  const require = createRequire(join(repoRoot(), 'package.json'));
  return {
    'better-sqlite3': require.resolve('better-sqlite3'),
    'better-sqlite3-multiple-ciphers': require.resolve('better-sqlite3-multiple-ciphers'),
  };
}

/**
 * A TypeScript entry point (a worker thread, a child process) bundled to one ES module for
 * Node, for tests that run the TypeScript sources: worker threads and child processes run
 * JavaScript, and a build of dist/ would depend on — and delete under — anyone else using it.
 * esbuild takes tens of milliseconds. Packages named in `external` stay outside the bundle,
 * imported from the absolute path given (native addons, optional requires), so the bundle
 * can live in a temporary directory.
 */
export async function bundleForNode(entry: string, outName: string, external: Readonly<Record<string, string>> = {}): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'chot-bundle-')), outName);
  const names = Object.keys(external);
  await esbuild.build({
    entryPoints: [join(repoRoot(), entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins:
      names.length === 0
        ? []
        : [
            {
              name: 'external-by-path',
              setup: (b) =>
                b.onResolve({ filter: new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`) }, (args) => ({
                  path: pathToFileURL(external[args.path] as string).href,
                  external: true,
                })),
            },
          ],
  });
  return outfile;
}
