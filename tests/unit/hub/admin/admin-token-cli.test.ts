import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../cli/args.js';
import { runHubAdminToken } from '../../../../cli/commands/hub-admin-token.js';
import { checkAdminToken } from '../../../../hub/admin/admin-tokens.js';
import { openHubStorage, type HubStorageLocation } from '../../../../hub/storage/open-hub-storage.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { rawRows } from './admin-token-store-contract.js';

let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 24 * 3600_000;
const TOKEN_LINE = /^admin token {5}(chot-admin-[A-Za-z0-9_-]{43})$/m;

/** `chot hub admin-token …` in this process, with a clock. */
async function run(location: HubStorageLocation, args: readonly string[], now = NOW): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const where = 'dataDir' in location ? ['--data', location.dataDir] : ['--pg', location.pgUrl];
  const status = await runHubAdminToken([...args, ...where], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    now: () => now,
  });
  return { status, stdout, stderr };
}

async function accepted(location: HubStorageLocation, token: string, now: number): Promise<string> {
  const storage = await openHubStorage(location);
  try {
    const result = await checkAdminToken(storage.adminTokens, token, now);
    return result.ok ? 'accepted' : result.refusal;
  } finally {
    await storage.close();
  }
}

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`chot hub admin-token (${engine})`, () => {
    const newLocation = (): HubStorageLocation => (engine === 'SQLite' ? { dataDir: tempDataDir('chot-hub-') } : { pgUrl: cluster.createDatabase() });

    it('creates (printing the token once), lists without the token, revokes', async () => {
      const location = newLocation();
      const created = await run(location, ['create', '--name', 'so-y-te', '--valid-days', '7']);
      expect(created).toMatchObject({ status: 0, stderr: '' });
      const token = TOKEN_LINE.exec(created.stdout)?.[1] as string;
      expect(token).toBeDefined();
      expect(created.stdout).toMatch(/^name {12}so-y-te$/m);
      expect(created.stdout).toMatch(/^expires {9}2026-01-08T07:00:00\.000\+07:00$/m);
      expect(JSON.stringify(await rawRows(location, 'SELECT * FROM admin_token'))).not.toContain(token);
      expect(await accepted(location, token, NOW + 7 * DAY - 1)).toBe('accepted');
      expect(await accepted(location, token, NOW + 7 * DAY)).toBe('expired');

      // Later, but a name earlier in the alphabet: listed by creation time.
      expect((await run(location, ['create', '--name', 'cdc'], NOW + 60_000)).status).toBe(0);
      const listed = await run(location, ['list'], NOW + 8 * DAY);
      expect(listed.stdout.split('\n')).toEqual([
        'NAME     CREATED                        EXPIRES                        STATUS',
        'so-y-te  2026-01-01T07:00:00.000+07:00  2026-01-08T07:00:00.000+07:00  expired',
        'cdc      2026-01-01T07:01:00.000+07:00  2026-04-01T07:01:00.000+07:00  active',
        '',
      ]);
      expect(listed.stdout).not.toContain('chot-admin-');

      expect(await run(location, ['revoke', 'cdc'], NOW + DAY)).toMatchObject({
        status: 0,
        stdout: 'revoked admin token "cdc": the hub refuses it from now on\n',
      });
      expect((await run(location, ['revoke', 'cdc'], NOW + 2 * DAY)).stdout).toMatch(/was already revoked \(2026-01-02T07:00:00\.000\+07:00\)/);
      expect((await run(location, ['list'], NOW + 2 * DAY)).stdout).toMatch(/^cdc .* revoked$/m);
      expect(await run(location, ['revoke', 'nobody'])).toMatchObject({ status: 1, stderr: expect.stringContaining('no admin token "nobody"') });
    });

    it('refuses a taken name, a bad name, a bad validity, and unknown commands as usage errors', async () => {
      const location = newLocation();
      expect((await run(location, ['create', '--name', 'alice'])).status).toBe(0);
      await expect(run(location, ['create', '--name', 'alice'])).rejects.toThrow(UsageError);
      await expect(run(location, ['create', '--name', 'a b'])).rejects.toThrow(/1–64 characters/);
      await expect(run(location, ['create'])).rejects.toThrow(/--name NAME is needed/);
      await expect(run(location, ['create', '--name', 'bob', '--valid-days', '400'])).rejects.toThrow(/at most 366/);
      await expect(run(location, ['revoke'])).rejects.toThrow(/exactly one NAME/);
      await expect(run(location, ['rotate'])).rejects.toThrow(/unknown admin-token command/);
      expect((await run(location, ['list'])).stdout.trim().split('\n')).toHaveLength(2);
    });
  });
}

describe('chot hub admin-token on a missing hub', () => {
  it('does not create an empty hub to list or revoke in', async () => {
    const dataDir = join(tempDataDir('chot-hub-'), 'typo');
    await expect(run({ dataDir }, ['list'])).rejects.toThrow(/no hub database at/);
    await expect(run({ dataDir }, ['revoke', 'x'])).rejects.toThrow(/no hub database at/);
  });
});
