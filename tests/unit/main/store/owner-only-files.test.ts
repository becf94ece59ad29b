import { describe, expect, it } from 'vitest';
import { secureOwnerOnlyTree, type OwnerOnlyFileSystem } from '../../../../platform/owner-only-files.js';

/** An in-memory tree for the pure walk: path → mode (directories end in '/'), and what chmod refuses. */
function fakeFs(tree: Record<string, number>, refuse: readonly string[] = [], platform = 'linux'): OwnerOnlyFileSystem & { tree: Record<string, number> } {
  const isDir = (path: string): boolean => `${path}/` in tree;
  const key = (path: string): string => (isDir(path) ? `${path}/` : path);
  return {
    tree,
    platform,
    mkdirSync: () => undefined,
    existsSync: (path) => key(path) in tree,
    writeFileSync: () => undefined,
    lstatSync: (path) => {
      const mode = tree[key(path)];
      if (mode === undefined) throw new Error(`ENOENT ${path}`);
      return { mode, isDirectory: () => isDir(path), isFile: () => !isDir(path) };
    },
    readdirSync: (path) =>
      Object.keys(tree)
        .filter(
          (p) =>
            p !== `${path}/` &&
            p.startsWith(`${path}/`) &&
            !p
              .slice(path.length + 1)
              .replace(/\/$/, '')
              .includes('/'),
        )
        .map((p) => p.slice(path.length + 1).replace(/\/$/, '')),
    chmodSync: (path, mode) => {
      if (refuse.includes(path)) throw new Error(`EPERM ${path}`);
      tree[key(path)] = ((tree[key(path)] ?? 0) & ~0o7777) | mode; // as chmod: the file type bits stay
    },
  };
}

describe('secureOwnerOnlyTree', () => {
  it('takes group and other bits away, keeps the owner’s, and names what it changed', () => {
    const fs = fakeFs({
      '/d/': 0o40755,
      '/d/kiosk.sqlite': 0o100644,
      '/d/ok': 0o100600,
      '/d/rules/': 0o40775,
      '/d/rules/a.json': 0o100664,
      '/d/tool': 0o100755,
    });
    expect(secureOwnerOnlyTree(fs, '/d')).toEqual({ changed: ['.', 'kiosk.sqlite', 'rules', 'rules/a.json', 'tool'], failed: [] });
    expect(fs.tree).toEqual({
      '/d/': 0o40700,
      '/d/kiosk.sqlite': 0o100600,
      '/d/ok': 0o100600,
      '/d/rules/': 0o40700,
      '/d/rules/a.json': 0o100600,
      '/d/tool': 0o100700,
    });
  });

  it('a path it cannot change (another user’s file) is reported, and the rest is still done', () => {
    const fs = fakeFs({ '/d/': 0o40755, '/d/a': 0o100644, '/d/b': 0o100644 }, ['/d/a']);
    expect(secureOwnerOnlyTree(fs, '/d')).toEqual({ changed: ['.', 'b'], failed: ['a'] });
  });

  it('does nothing on Windows, which has no group or other bits to take away', () => {
    const fs = fakeFs({ '/d/': 0o40777, '/d/a': 0o100666 }, [], 'win32');
    expect(secureOwnerOnlyTree(fs, '/d')).toEqual({ changed: [], failed: [] });
  });
});
