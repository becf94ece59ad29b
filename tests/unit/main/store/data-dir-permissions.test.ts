import { linesLogger } from '../../../support/memory-logger.js';
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { pinHubKey } from '../../../../main/trust/hub-keys-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Every path under `dir` (and `dir` itself) with its permission bits. */
function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': modeOf(dir) };
  const walk = (path: string, rel: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const relative = rel === '' ? name : `${rel}/${name}`;
      out[relative] = modeOf(full);
      if (statSync(full).isDirectory()) walk(full, relative);
    }
  };
  walk(dir, '');
  return out;
}

const tooOpen = (all: Record<string, number>): string[] =>
  Object.entries(all)
    .filter(([, mode]) => (mode & 0o077) !== 0)
    .map(([path]) => path);

describe.skipIf(process.platform === 'win32')('the kiosk data directory is owner-only', () => {
  // The usual umask, under which SQLite and writeFileSync make world-readable files.
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('a fresh start makes the directory 0700 and the databases, their journals and the trust file 0600', async () => {
    const dataDir = join(tempDataDir('chot-perm-'), 'kiosk');
    const log: string[] = [];
    const runtime = await startKioskRuntime({ dataDir, logger: linesLogger((line) => log.push(line)) });
    try {
      pinHubKey(dataDir, testHubKey().publicKeyBase64);
      await runtime.core.submitScan({ source: { kind: 'manual', deviceId: 'staff' }, text: '056089001234' });
      const all = modes(dataDir);
      expect(Object.keys(all)).toEqual(
        expect.arrayContaining([
          '.',
          'kiosk.sqlite',
          'kiosk.sqlite-wal',
          'kiosk.sqlite-shm',
          'facts.sqlite',
          'facts.sqlite-wal',
          'rules',
          'trust',
          'trust/hub-keys.json',
        ]),
      );
      expect(all['.']).toBe(0o700);
      expect(all['kiosk.sqlite']).toBe(0o600);
      expect(all['facts.sqlite-wal']).toBe(0o600);
      expect(tooOpen(all)).toEqual([]);
      expect(log.filter((line) => line.includes('owner-only'))).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('an older install with 0755 / 0644 is tightened at start, said once in the log with file names only', async () => {
    const dataDir = tempDataDir('chot-perm-');
    chmodSync(dataDir, 0o755);
    const old = new Database(join(dataDir, 'kiosk.sqlite'));
    old.pragma('journal_mode = WAL');
    old.close();
    mkdirSync(join(dataDir, 'trust'), { mode: 0o755 });
    chmodSync(join(dataDir, 'trust'), 0o755);
    writeFileSync(join(dataDir, 'trust', 'hub-keys.json'), '[]\n', { mode: 0o644 });
    mkdirSync(join(dataDir, 'rules'));
    chmodSync(join(dataDir, 'rules'), 0o775);
    writeFileSync(join(dataDir, 'facts.sqlite'), '', { mode: 0o644 });
    chmodSync(join(dataDir, 'facts.sqlite'), 0o644);
    // A link to a file elsewhere: not the kiosk's to change, and not followed.
    const outside = join(tempDataDir('chot-perm-outside-'), 'shared.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dataDir, 'link-to-shared'));
    expect(tooOpen(modes(dataDir)).length).toBeGreaterThanOrEqual(5);

    const log: string[] = [];
    const runtime = await startKioskRuntime({ dataDir, logger: linesLogger((line) => log.push(line)) });
    await runtime.close();
    expect(tooOpen(modes(dataDir)).filter((path) => path !== 'link-to-shared')).toEqual([]);
    expect(modeOf(outside)).toBe(0o644);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'trust', 'hub-keys.json'))).toBe(0o600);
    const lines = log.filter((line) => line.includes('owner-only'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('trust/hub-keys.json');
    expect(lines[0]).not.toContain(dataDir);

    // Once fixed, nothing more to say.
    const again: string[] = [];
    await (await startKioskRuntime({ dataDir, logger: linesLogger((line) => again.push(line)) })).close();
    expect(again.filter((line) => line.includes('owner-only'))).toEqual([]);
    expect(existsSync(join(dataDir, 'kiosk.sqlite'))).toBe(true);
  });
});
