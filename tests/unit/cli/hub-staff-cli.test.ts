import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignedTrustFile, type SignedTrustFile } from '../../../domain/trust/signed-trust-file.js';
import { PUBLISHED_TRUST_DIR } from '../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../main/trust/hub-key-store.js';
import { staffPinMatches } from '../../../platform/staff-pin-hash.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';
import { runChot } from '../../support/run-chot.js';

// Through the real `chot` binary, as an operator runs it (built by `npm run build`).
beforeAll(() => {
  if (!existsSync(join(repoRoot(), 'dist', 'hub', 'staff', 'hub-staff.js'))) throw new Error('dist/ has no hub staff: run `npm run build` first');
});

const published = (data: string): SignedTrustFile<'staff'> =>
  JSON.parse(readFileSync(join(data, PUBLISHED_TRUST_DIR, 'staff.json'), 'utf8')) as SignedTrustFile<'staff'>;

describe('chot hub staff', () => {
  it('add hashes a PIN read from stdin and publishes a signed staff list; the PIN is in no file and no output', async () => {
    const data = tempDataDir('chot-hub-staff-');
    const added = runChot(['hub', 'staff', 'add', 'Nguyễn Thị Lan', '--id', 'lan', '--pin-stdin', '--data', data], '135790\n');
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/^added lan \(PIN\): published staff version \d+, 1 staff\n$/);
    const file = published(data);
    const hubKeys = hubKeyStoreFromKeys([runChot(['hub', 'public-key', '--data', data]).stdout.trim()]);
    expect(verifySignedTrustFile(file, hubKeys)).toMatchObject({ ok: true });
    const [entry] = file.staff;
    expect(entry).toMatchObject({ id: 'lan', name: 'Nguyễn Thị Lan', kdf: { alg: 'scrypt', N: 32_768 } });
    expect(entry?.hash === undefined ? false : await staffPinMatches('135790', entry)).toBe(true);
    expect(readFileSync(join(data, PUBLISHED_TRUST_DIR, 'staff.json'), 'utf8')).not.toContain('135790');
  });

  // Seven chot processes in turn, each loading the CLI: a loaded machine takes its time.
  it('each change publishes a newer version; a badge-only member, a scope, list and remove', { timeout: 90_000 }, () => {
    const data = tempDataDir('chot-hub-staff-');
    expect(runChot(['hub', 'staff', 'add', 'Minh', '--id', 'minh', '--kiosk', 'k-1', '--location', 'Cổng A', '--data', data]).status).toBe(0);
    const first = published(data);
    expect(first.staff).toEqual([{ id: 'minh', name: 'Minh', addedAt: expect.any(String) as string, scope: { kiosks: ['k-1'], locations: ['Cổng A'] } }]);
    expect(runChot(['hub', 'staff', 'add', 'Hoa', '--data', data]).status).toBe(0);
    const second = published(data);
    expect(second.version).toBeGreaterThan(first.version);
    expect(second.staff[1]?.id).toMatch(/^s-[0-9a-f]{8}$/);
    const list = runChot(['hub', 'staff', 'list', '--data', data]);
    expect(list.stdout).toBe(`minh  Minh  badge only  kiosk k-1, location Cổng A\n${second.staff[1]?.id}  Hoa  badge only  every kiosk\n`);
    expect(runChot(['hub', 'staff', 'remove', 'minh', '--data', data]).stdout).toMatch(/^removed minh: published staff version \d+, 1 staff left\n$/);
    expect(published(data).version).toBeGreaterThan(second.version);
    expect(published(data).staff.map((e) => e.name)).toEqual(['Hoa']);
    expect(runChot(['hub', 'staff', 'remove', 'nobody', '--data', data])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/no staff member/) as string,
    });
  });

  // Seven chot processes in turn, each loading the CLI: a loaded machine takes its time.
  it('refuses a PIN another member has, a bad PIN, a duplicate id, and a PIN on the command line', { timeout: 90_000 }, () => {
    const data = tempDataDir('chot-hub-staff-');
    runChot(['hub', 'staff', 'add', 'Lan', '--id', 'lan', '--pin-stdin', '--data', data], '135790\n');
    const version = published(data).version;
    expect(runChot(['hub', 'staff', 'add', 'Minh', '--pin-stdin', '--data', data], '135790\n')).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/another staff member has this PIN/) as string,
    });
    expect(runChot(['hub', 'staff', 'add', 'Minh', '--pin-stdin', '--data', data], '12ab\n')).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/6 to 12 digits/) as string,
    });
    expect(runChot(['hub', 'staff', 'add', 'Minh', '--id', 'lan', '--data', data])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/already exists/) as string,
    });
    expect(runChot(['hub', 'staff', 'add', 'Minh', '--pin', '135791', '--data', data]).status).not.toBe(0);
    expect(published(data).version).toBe(version);
  });
});
