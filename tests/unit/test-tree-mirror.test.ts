import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/kiosk-process.js';

const root = repoRoot();
const unit = join(root, 'tests', 'unit');

function foldersUnder(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => [path, ...foldersUnder(path)]);
}

describe('tests/unit mirrors the source tree', () => {
  it('every folder of unit tests stands for a folder of the code it tests', () => {
    // tests/unit/main/sync/ holds the tests of main/sync/: a reader finds a file's tests, and a
    // test of a folder that was moved or deleted shows up here instead of lingering.
    const strays = foldersUnder(unit)
      .map((path) => relative(unit, path))
      .filter((folder) => !existsSync(join(root, folder)));
    expect(strays).toEqual([]);
  });

  it('only the tests of the whole tree (layers, lint, this check) stand at the top', () => {
    const top = readdirSync(unit).filter((name) => name.endsWith('.ts'));
    expect(top.sort()).toEqual([
      'import-graph.test.ts',
      'lint-boundaries.test.ts',
      'lint-run-as-node.test.ts',
      'lint-type-aware.test.ts',
      'test-tree-mirror.test.ts',
    ]);
  });
});
