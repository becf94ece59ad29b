import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runLog } from '../../../../cli/commands/log.js';
import { UsageError } from '../../../../cli/args.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { EntryOutbox } from '../../../../main/upload/entry-outbox.js';
import { kioskEntry } from '../../../support/kiosk-entry.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

/** A kiosk data directory with `n` entries, and the SQL to tamper with it afterwards. */
function kioskWith(n: number, tamper?: string): string {
  const dataDir = tempDataDir('chot-log-verify-');
  const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
  const log = new EntryLog(db);
  for (let i = 1; i <= n; i += 1) {
    log.append(
      kioskEntry(`0560890012${String(i).padStart(2, '0')}`, {
        at: `2021-10-15T08:00:${String(i).padStart(2, '0')}.000+07:00`,
        outcome: i % 3 === 0 ? 'yellow' : 'green',
        reasonCodes: [],
      }),
    );
  }
  if (tamper !== undefined) db.exec(tamper);
  db.close();
  return dataDir;
}

async function chotLog(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await runLog(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('chot log verify', () => {
  it('an intact log: exit 0, how many entries, and the last seq and hash', async () => {
    const dataDir = kioskWith(6);
    const { code, stdout } = await chotLog('verify', '--data-dir', dataDir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^6 entries, chain intact \(last seq 6, hash [0-9a-f]{64}\)\n$/);
  });

  it('after a purge: verifies from the last entry purged, and still finds an edit after it', async () => {
    const dataDir = kioskWith(6);
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    const outbox = new EntryOutbox(db);
    outbox.recordReceipt(
      { kioskId: 'k-0123456789abcdef', contiguousSeq: 4, headHash: outbox.hashAt(4)?.toString('hex') ?? '', issuedAt: 0, hubKeyId: 'abcd0123' },
      'sig',
      0,
    );
    expect(outbox.purge(1, 0)).toBe(4);
    db.close();
    const intact = await chotLog('verify', '--data-dir', dataDir);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(
      /^2 entries, chain intact after entries 1–4, which the hub holds and this kiosk purged \(anchor hash [0-9a-f]{64}\) \(last seq 6, hash [0-9a-f]{64}\)\n$/,
    );
    const edited = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    edited.exec("UPDATE entry SET outcome = 'red' WHERE seq = 5");
    edited.close();
    expect(await chotLog('verify', '--data-dir', dataDir)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^entry 5: edited/) as unknown });
  });

  it('an empty log is intact', async () => {
    expect(await chotLog('verify', '--data-dir', kioskWith(0))).toMatchObject({ code: 0, stdout: '0 entries: the log is empty\n' });
  });

  it.each([
    ['one row’s outcome edited', "UPDATE entry SET outcome = 'green' WHERE seq = 3", /^entry 3: edited — its content no longer matches its hash\n/],
    ['a middle row deleted', 'DELETE FROM entry WHERE seq = 4', /^entry 5: entry 4 is missing \(the log jumps from entry 3 to 5\)\n/],
    [
      'two rows’ seqs swapped',
      'UPDATE entry SET seq = -seq WHERE seq IN (2, 3); UPDATE entry SET seq = 5 + seq WHERE seq IN (-2, -3)',
      /^entry 2: a row is missing or out of order before entry 2 \(it does not chain on from entry 1\)\n/,
    ],
    ['the last row deleted and another edited', 'DELETE FROM entry WHERE seq = 6; UPDATE entry SET person_id = NULL WHERE seq = 5', /^entry 5: edited/],
  ])('%s: exit 1, naming the entry', async (_label, sql, message) => {
    const { code, stdout } = await chotLog('verify', '--data-dir', kioskWith(6, sql));
    expect(code).toBe(1);
    expect(stdout).toMatch(message);
    expect(stdout).toContain('keep the file as it is');
  });

  it('says so when the data directory has no entry log, without creating one', async () => {
    const dataDir = tempDataDir('chot-log-verify-');
    const { code, stderr } = await chotLog('verify', '--data-dir', dataDir);
    expect(code).toBe(1);
    expect(stderr).toContain('there is no entry log at');
    expect(existsSync(join(dataDir, KIOSK_DATABASE_FILE))).toBe(false);
  });

  it('refuses an unknown subcommand or option as a usage error', async () => {
    await expect(runLog([])).rejects.toThrow(UsageError);
    await expect(runLog(['shred'])).rejects.toThrow(/unknown log command "shred"/);
    await expect(runLog(['verify', '--force'])).rejects.toThrow(UsageError);
  });
});
