// Builds Chốt: tsc -b emits the pure domain and then the Node layers to dist/ (each project
// compiled once; `npm run typecheck` after a build finds them up to date and checks only the
// renderer and the tests against their declarations), esbuild bundles the renderer
// (browser, no Node) and the Electron preload (CommonJS, as sandboxed preloads require).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const esbuild = await import('esbuild');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});

const rendererOut = join(root, 'dist', 'renderer');
mkdirSync(rendererOut, { recursive: true });
await esbuild.build({
  entryPoints: [join(root, 'renderer', 'app.ts')],
  outfile: join(rendererOut, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  sourcemap: true,
  logLevel: 'warning',
});
// The page and every stylesheet beside it (base.css, idle.css, chip.css, …): a stylesheet added later ships without a change here.
for (const file of readdirSync(join(root, 'renderer')).filter((name) => name === 'index.html' || name.endsWith('.css'))) {
  cpSync(join(root, 'renderer', file), join(rendererOut, file));
}
// The camera's QR decoder runs in a Web Worker of its own, and loads zxing-wasm's reader
// .wasm from the kiosk's own origin: copied here from the package, never fetched from a CDN.
await esbuild.build({
  entryPoints: [join(root, 'renderer', 'camera', 'decode-worker.ts')],
  outfile: join(rendererOut, 'decode-worker.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  sourcemap: true,
  logLevel: 'warning',
});
cpSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'), join(rendererOut, 'zxing_reader.wasm'));
await esbuild.build({
  entryPoints: [join(root, 'main', 'electron', 'preload.ts')],
  outfile: join(root, 'dist', 'main', 'electron', 'preload.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  external: ['electron'],
  target: 'node20',
  logLevel: 'warning',
});
// The device profiles, where the installed kiosk finds them (electron-builder ships dist/ only;
// main/diagnostics/firmware-config-dir.ts looks here when there is no checkout beside it).
cpSync(join(root, 'firmware-config'), join(root, 'dist', 'firmware-config'), { recursive: true });
console.log('build: ok');
