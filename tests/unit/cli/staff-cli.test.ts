import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAFF_PINS_FILE, StaffPinStore } from '../../../main/staff/staff-pin-store.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';
import { runChot } from '../../support/run-chot.js';

// Through the real `chot` binary, as an installer runs it (built by `npm run build`).
beforeAll(() => {
  if (!existsSync(join(repoRoot(), 'dist', 'cli', 'commands', 'staff.js'))) throw new Error('dist/ has no chot staff: run `npm run build` first');
});

describe('chot staff', () => {
  it('adds staff with a PIN from stdin, lists names only, and removes them', async () => {
    const dir = tempDataDir('chot-staff-cli-');
    const added = runChot(['staff', 'add', 'Lan', '--data-dir', dir], '246810\n');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('added Lan');
    expect(runChot(['staff', 'add', 'Nguyễn Minh', '--data-dir', dir], '13579135\n').status).toBe(0);
    const file = join(dir, STAFF_PINS_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toMatch(/246810|13579135/);
    // The kiosk finds them by PIN.
    expect(await new StaffPinStore(dir).find('246810')).toBe('Lan');

    const listed = runChot(['staff', 'list', '--data-dir', dir]);
    expect(listed).toMatchObject({ status: 0, stdout: 'Lan\nNguyễn Minh\n' });

    expect(runChot(['staff', 'remove', 'Lan', '--data-dir', dir]).status).toBe(0);
    expect(runChot(['staff', 'list', '--data-dir', dir]).stdout).toBe('Nguyễn Minh\n');
    const again = runChot(['staff', 'remove', 'Lan', '--data-dir', dir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('no staff member named "Lan"');
  }, 120_000);

  it('refuses a PIN outside 6–12 digits, a PIN in use, and a missing name', () => {
    const dir = tempDataDir('chot-staff-cli-');
    for (const pin of ['12345', '12a456']) {
      const run = runChot(['staff', 'add', 'Lan', '--data-dir', dir], `${pin}\n`);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('6 to 12 digits');
    }
    expect(runChot(['staff', 'add', 'Lan', '--data-dir', dir], '246810\n').status).toBe(0);
    const shared = runChot(['staff', 'add', 'Minh', '--data-dir', dir], '246810\n');
    expect(shared.status).toBe(1);
    expect(shared.stderr).toContain('another staff member has this PIN');
    expect(runChot(['staff', 'add', '--data-dir', dir]).status).toBe(2);
    expect(runChot(['staff', 'list', '--data-dir', dir]).stdout).toBe('Lan\n');
  }, 120_000);
});
