import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/kiosk-process.js';

const root = repoRoot();
const fixture = (name: string): string => readFileSync(join(root, 'tests', 'fixtures', 'lint', name), 'utf8');

let eslint: ESLint;
// The first lint loads the type-aware parser's program, which on a loaded machine takes far
// longer than a test's limit: done once here, under the hook's own limit.
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText(fixture('imports-main-core.ts'), { filePath: join(root, 'main', '__lint_fixture__.ts') });
}, 120_000);

/** Lints a fixture as though it were a file in `layer`, and returns the rules that fired. */
async function rulesFired(fixtureName: string, layer: string): Promise<string[]> {
  const [result] = await eslint.lintText(fixture(fixtureName), { filePath: join(root, layer, '__lint_fixture__.ts') });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

describe('layer boundaries are lint errors', () => {
  it('says which layer may import what', async () => {
    const [result] = await eslint.lintText(fixture('imports-main-core.ts'), { filePath: join(root, 'renderer', '__lint_fixture__.ts') });
    expect(result?.messages[0]?.message).toBe('the renderer layer may not import the main layer (may import: domain, decoder; see docs/architecture.md)');
  });

  it.each([
    ['imports-main-core.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-main-core.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-main-core.ts', 'drivers', 'chot/layer-boundaries'],
    ['imports-main-core.ts', 'hub', 'chot/layer-boundaries'],
    ['imports-renderer.ts', 'main', 'chot/layer-boundaries'],
    ['imports-node-fs.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-node-fs.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-ws.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-ws.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-fs-bare.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-sqlite.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-sqlite.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-ws-subpath.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-fs-bare.ts', 'domain', 'chot/layer-boundaries'],
    ['reexports-main.ts', 'hub', 'chot/layer-boundaries'],
    ['dynamic-import-main.ts', 'drivers', 'chot/layer-boundaries'],
    ['imports-main-core.ts', 'decoder', 'chot/layer-boundaries'],
    ['imports-renderer.ts', 'decoder', 'chot/layer-boundaries'],
    ['imports-node-fs.ts', 'decoder', 'chot/layer-boundaries'],
    ['imports-sqlite.ts', 'decoder', 'chot/layer-boundaries'],
    ['imports-decoder.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-decoder.ts', 'main', 'chot/layer-boundaries'],
    ['imports-decoder.ts', 'drivers', 'chot/layer-boundaries'],
    // platform/ is Node plumbing below drivers/, main/ and hub/: nothing pure takes it, and
    // it takes nothing above the domain.
    ['imports-platform.ts', 'domain', 'chot/layer-boundaries'],
    ['imports-platform.ts', 'renderer', 'chot/layer-boundaries'],
    ['imports-platform.ts', 'decoder', 'chot/layer-boundaries'],
    ['imports-main-core.ts', 'platform', 'chot/layer-boundaries'],
    ['imports-hub.ts', 'platform', 'chot/layer-boundaries'],
    ['imports-decoder.ts', 'platform', 'chot/layer-boundaries'],
    ['imports-renderer.ts', 'platform', 'chot/layer-boundaries'],
    ['imports-hub.ts', 'drivers', 'chot/layer-boundaries'],
    // The domain runs in the page and in Node alike: no host globals, not even unimported ones.
    ['uses-dom-global.ts', 'domain', 'no-restricted-globals'],
    ['uses-node-global.ts', 'domain', 'no-restricted-globals'],
  ])('%s in %s/ fails with %s', async (fixtureName, layer, rule) => {
    expect(await rulesFired(fixtureName, layer)).toContain(rule);
  });

  it.each([
    ['imports-domain-type.ts', 'renderer'],
    // The renderer and the decoder may take the domain's values (its contract client, guards,
    // constants): the domain holds no Node and no I/O, so its code runs in the page.
    ['imports-domain-value.ts', 'renderer'],
    ['imports-domain-value.ts', 'decoder'],
    ['uses-dom-global.ts', 'renderer'],
    ['imports-platform.ts', 'drivers'],
    ['imports-main-core.ts', 'cli'],
    ['imports-node-fs.ts', 'main'],
    ['imports-sqlite.ts', 'main'],
    ['imports-decoder.ts', 'renderer'],
    ['imports-decoder.ts', 'cli'],
    ['imports-domain-type.ts', 'decoder'],
    ['imports-platform.ts', 'main'],
    ['imports-platform.ts', 'hub'],
    ['imports-platform.ts', 'cli'],
    ['imports-domain-value.ts', 'platform'],
    ['imports-node-fs.ts', 'platform'],
    ['imports-sqlite.ts', 'platform'],
  ])('%s in %s/ is allowed', async (fixtureName, layer) => {
    expect(await rulesFired(fixtureName, layer)).toEqual([]);
  });
});
