import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/kiosk-process.js';

const root = repoRoot();

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

describe('type-aware lint rules', () => {
  it.each(['main', 'hub', 'drivers', 'renderer'])('a promise nobody awaits is an error in %s/', async (layer) => {
    const text = readFileSync(join(root, 'tests', 'fixtures', 'lint', 'floating-promise.ts'), 'utf8');
    const [result] = await eslint.lintText(text, { filePath: join(root, layer, '__lint_fixture__.ts') });
    const fired = (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}:${m.line}`);
    expect(fired).toEqual(['@typescript-eslint/no-floating-promises:3', '@typescript-eslint/no-misused-promises:4']);
  });
});
