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

/**
 * Folders of one layer that must not import each other: each uses the hub client
 * (main/hub-client), and reaching into the other would tie enrolment to the sync engine.
 */
const APART: readonly (readonly [string, string])[] = [
  ['main/sync', 'main/enrollment'],
  ['main/upload', 'main/enrollment'],
];

/** Imports from a file under `from` to a file under `to`, as "file → imported file". */
function importsBetween(graph: Map<string, string[]>, from: string, to: string): string[] {
  const under = (file: string, dir: string): boolean => relative(join(root, dir), file).split(/[\\/]/)[0] !== '..';
  return [...graph.entries()].flatMap(([file, imports]) =>
    under(file, from) ? imports.filter((i) => under(i, to)).map((i) => `${relative(root, file)} → ${relative(root, i)}`) : [],
  );
}

describe('import graph', () => {
  it('has no cycles', () => {
    expect(findCycle(importGraph())).toBeNull();
  });

  it('every relative import names a file that exists', () => {
    const graph = importGraph();
    const missing = [...graph.entries()].flatMap(([file, imports]) =>
      imports.filter((i) => !graph.has(i)).map((i) => `${relative(root, file)} → ${relative(root, i)}`),
    );
    expect(missing).toEqual([]);
  });

  it.each(APART)('%s and %s do not import each other', (a, b) => {
    const graph = importGraph();
    expect([...importsBetween(graph, a, b), ...importsBetween(graph, b, a)]).toEqual([]);
  });

  it('the folder check finds a planted import', () => {
    const planted = new Map([[join(root, 'main/sync/x.ts'), [join(root, 'main/enrollment/y.ts')]]]);
    expect(importsBetween(planted, 'main/sync', 'main/enrollment')).toEqual([`${join('main', 'sync', 'x.ts')} → ${join('main', 'enrollment', 'y.ts')}`]);
    expect(importsBetween(planted, 'main/sync', 'main/syncing')).toEqual([]);
  });

  it('the cycle finder finds a planted cycle', () => {
    const cycle = findCycle(
      new Map([
        ['/x/a', ['/x/b']],
        ['/x/b', ['/x/c']],
        ['/x/c', ['/x/a']],
      ]),
    );
    expect(cycle).toEqual(['/x/a', '/x/b', '/x/c', '/x/a'].map((f) => relative(root, f)));
  });
});
