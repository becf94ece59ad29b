import { ESLint } from 'eslint';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/kiosk-process.js';

const root = repoRoot();

// Linting with type information builds a TypeScript program on the first call: seconds on a
// quiet machine, far more on a loaded one. That first build happens here, not inside a test's
// time limit, and each test lints several files, so each gets a minute.
const LINT_TIMEOUT_MS = 120_000;

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText('export {};\n', { filePath: join(root, 'main', '__lint_fixture__.ts') });
}, LINT_TIMEOUT_MS);

/** Lints `text` as though it were a file in `layer`, and returns the rules that fired. */
async function rulesFired(text: string, layer: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, layer, '__lint_fixture__.ts') });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

const ELECTRON_MAIN_PROCESS_LAYERS = ['main', 'cli', 'platform', 'drivers'];

// The shipped Electron binary has the RunAsNode fuse off: code the Electron main process loads
// may not depend on starting that binary as Node, or it would work in development and fail
// on an installed kiosk.
describe('nothing in the Electron main process relies on RunAsNode', { timeout: LINT_TIMEOUT_MS / 2 }, () => {
  it.each([
    ["import { fork } from 'node:child_process';\nexport const start = (): unknown => fork('worker.js');\n", 'no-restricted-imports'],
    ["import { fork } from 'child_process';\nexport const start = (): unknown => fork('worker.js');\n", 'no-restricted-imports'],
    ["import * as childProcess from 'node:child_process';\nexport const start = (): unknown => childProcess.fork('worker.js');\n", 'no-restricted-syntax'],
    ["import { spawn } from 'node:child_process';\nexport const start = (): unknown => spawn(process.execPath, ['worker.js']);\n", 'no-restricted-syntax'],
    ["export const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };\n", 'no-restricted-syntax'],
    ["export const asNode = (env: Record<string, string>): void => {\n  env['ELECTRON_RUN_AS_NODE'] = '1';\n};\n", 'no-restricted-syntax'],
    ["export const asNode = (env: Record<string, string | undefined>): void => {\n  env.ELECTRON_RUN_AS_NODE = '1';\n};\n", 'no-restricted-syntax'],
  ])('%j is refused', async (text, rule) => {
    for (const layer of ELECTRON_MAIN_PROCESS_LAYERS) expect(await rulesFired(text, layer), layer).toContain(rule);
  });

  it('opening a URL or file outside the kiosk window (Electron shell) is refused', async () => {
    const text = "import { shell } from 'electron';\nexport const open = (url: string): Promise<void> => shell.openExternal(url);\n";
    for (const layer of ['main', 'cli']) expect(await rulesFired(text, layer), layer).toContain('no-restricted-imports');
  });

  it('worker_threads, spawning another program and the rest of Electron stay allowed', async () => {
    const text = [
      "import { spawn } from 'node:child_process';",
      "import { Worker } from 'node:worker_threads';",
      "import { utilityProcess } from 'electron';",
      "export const worker = (): Worker => new Worker(new URL('./apply-worker.js', import.meta.url));",
      "export const chromium = (binary: string): unknown => spawn(binary, ['--kiosk']);",
      "export const helper = (): unknown => utilityProcess.fork('helper.js');",
      '',
    ].join('\n');
    expect(await rulesFired(text, 'main')).toEqual([]);
  });

  it('the hub runs under Node only, where starting process.execPath is Node itself', async () => {
    const text = "import { spawn } from 'node:child_process';\nexport const start = (): unknown => spawn(process.execPath, ['worker.js']);\n";
    expect(await rulesFired(text, 'hub')).toEqual([]);
  });
});
