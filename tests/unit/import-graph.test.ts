import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/kiosk-process.js';

const root = repoRoot();
const SOURCE_DIRS = ['domain', 'decoder', 'drivers', 'platform', 'main', 'hub', 'renderer', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports of each file, as TypeScript's own scanner sees them (`.js` → `.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => resolve(dirname(file), i.fileName.replace(/\.js$/, '.ts'))),
    );
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'visiting') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle !== null) return cycle.map((f) => relative(root, f));
  }
  return null;
}

describe('import graph', () => {
  it('has no cycles', () => {
    expect(findCycle(importGraph())).toBeNull();
  });

  it('every relative import names a file that exists', () => {
    const graph = importGraph();
    const missing = [...graph.entries()].flatMap(([file, imports]) => imports.filter((i) => !graph.has(i)).map((i) => `${relative(root, file)} → ${relative(root, i)}`));
    expect(missing).toEqual([]);
  });

  it('the cycle finder finds a planted cycle', () => {
    const cycle = findCycle(new Map([['/x/a', ['/x/b']], ['/x/b', ['/x/c']], ['/x/c', ['/x/a']]]));
    expect(cycle).toEqual(['/x/a', '/x/b', '/x/c', '/x/a'].map((f) => relative(root, f)));
  });
});
