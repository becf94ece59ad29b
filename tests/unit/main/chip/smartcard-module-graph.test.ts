import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../support/kiosk-process.js';

/**
 * The PC/SC addon (`smartcard`) is native code with threads of its own: it belongs in the
 * process that runs the core (Electron's main process, or browser mode's Node), loaded when
 * the chip station first opens PC/SC — never in the sync applier's worker thread, the
 * renderer, its camera worker or the preload. Proved on the module graphs as esbuild resolves
 * them from each entry point: which modules are reached, and how `smartcard` is imported.
 */
interface Graph {
  readonly inputs: readonly string[];
  /** Each import of `smartcard`: from which module, and whether statically or by a dynamic import(). */
  readonly smartcard: readonly { readonly importer: string; readonly kind: string }[];
}

async function graphOf(entry: string, platform: 'node' | 'browser'): Promise<Graph> {
  const esbuild = await import('esbuild');
  const root = repoRoot();
  const smartcard: { importer: string; kind: string }[] = [];
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform,
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-external',
        setup: (build) =>
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path === 'smartcard') smartcard.push({ importer: args.importer.slice(root.length + 1), kind: args.kind });
            return { path: args.path, external: true };
          }),
      },
    ],
  });
  return { inputs: Object.keys(result.metafile.inputs), smartcard };
}

describe('where the PC/SC addon can load', () => {
  it.each([
    ['the sync applier worker', 'main/sync/apply-worker.ts', 'node'],
    ['the renderer', 'renderer/app.ts', 'browser'],
    ['the camera decoder worker', 'renderer/camera/decode-worker.ts', 'browser'],
    ['the Electron preload', 'main/electron/preload.ts', 'node'],
  ] as const)('%s never reaches it, nor the chip driver', async (_label, entry, platform) => {
    const graph = await graphOf(entry, platform);
    expect(graph.inputs.length).toBeGreaterThan(0);
    expect(graph.smartcard).toEqual([]);
    expect(graph.inputs.filter((input) => input.includes('drivers/chip/') || input.includes('main/chip/'))).toEqual([]);
  });

  it('the core’s runtime reaches the chip station, and imports the addon only lazily, from the PC/SC binding', async () => {
    const graph = await graphOf('main/core/kiosk-runtime.ts', 'node');
    expect(graph.inputs).toContain('main/chip/chip-station.ts');
    expect(graph.inputs).toContain('drivers/chip/node-pcsc-binding.ts');
    expect(graph.smartcard).toEqual([{ importer: 'drivers/chip/node-pcsc-binding.ts', kind: 'dynamic-import' }]);
  });
});
