import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixture = (name: string): string => readFileSync(join(root, 'tests', 'fixtures', 'lint', name), 'utf8');

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Lints a fixture as though it were a file in `layer`, and returns the rules that fired. */
async function rulesFired(fixtureName: string, layer: string): Promise<string[]> {
  const [result] = await eslint.lintText(fixture(fixtureName), { filePath: join(root, layer, '__lint_fixture__.ts') });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

describe('layer boundaries are lint errors', () => {
  it.each([
    ['imports-main-core.ts', 'renderer', 'import-x/no-restricted-paths'],
    ['imports-main-core.ts', 'domain', 'import-x/no-restricted-paths'],
    ['imports-main-core.ts', 'drivers', 'import-x/no-restricted-paths'],
    ['imports-main-core.ts', 'hub', 'import-x/no-restricted-paths'],
    ['imports-renderer.ts', 'main', 'import-x/no-restricted-paths'],
    ['imports-domain-value.ts', 'renderer', '@typescript-eslint/no-restricted-imports'],
    ['imports-node-fs.ts', 'domain', 'import-x/no-nodejs-modules'],
    ['imports-node-fs.ts', 'renderer', 'import-x/no-nodejs-modules'],
    ['imports-sqlite.ts', 'domain', '@typescript-eslint/no-restricted-imports'],
    ['imports-sqlite.ts', 'renderer', '@typescript-eslint/no-restricted-imports'],
  ])('%s in %s/ fails with %s', async (fixtureName, layer, rule) => {
    expect(await rulesFired(fixtureName, layer)).toContain(rule);
  });

  it.each([
    ['imports-domain-type.ts', 'renderer'],
    ['imports-main-core.ts', 'cli'],
    ['imports-node-fs.ts', 'main'],
    ['imports-sqlite.ts', 'main'],
  ])('%s in %s/ is allowed', async (fixtureName, layer) => {
    expect(await rulesFired(fixtureName, layer)).toEqual([]);
  });
});
