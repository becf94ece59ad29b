import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { startKioskProcess, tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { runChot } from '../support/run-chot.js';
import { seedOldKioskLog } from '../support/seed-kiosk-log.js';
import { SocatPty } from '../support/socat-pty.js';
import { waitFor } from '../support/hub-cli-steps.js';
import { sqliteFileState } from '../../main/store/sqlite-database.js';

/**
 * An existing kiosk switched to encryption at rest, as an operator would do it without
 * systemd: the BUILT `chot start --db-key-file` on a kiosk whose log was written unencrypted.
 * It encrypts the log in place at start, goes on logging scans from a serial scanner (a socat
 * pseudo-terminal) into the encrypted file, and `chot log verify` reads the whole chain back
 * with the key — and only with it.
 */

const GREEN = demoCards().find((card) => card.label === 'Nguyễn Văn An')?.qrText ?? '';
const DEMO_ID = /\d{12}/.exec(GREEN)?.[0] ?? '';

function keyFile(mode: number): string {
  const file = join(tempDataDir('chot-db-key-'), 'db.key');
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode });
  chmodSync(file, mode);
  return file;
}

let kiosk: KioskProcess | undefined;
let scanner: SocatPty | undefined;
afterAll(async () => {
  await kiosk?.stop();
  await scanner?.stop();
});

describe('chot start --db-key-file on a kiosk that was not encrypted', () => {
  it('encrypts the log in place, logs new scans encrypted, and the chain verifies with the key only', async () => {
    expect(DEMO_ID).not.toBe('');
    const { kioskFile } = seedOldKioskLog(7, 'chot-e2e-encrypt-');
    const dataDir = join(kioskFile, '..');
    const key = keyFile(0o600);
    scanner = await SocatPty.start({ name: 'scanner' });
    kiosk = await startKioskProcess({ dataDir, extraArgs: ['--db-key-file', key, '--device', `serial-scanner=${scanner.path}:9600`] });
    expect(sqliteFileState(kioskFile)).toBe('encrypted');
    expect(kiosk.stderr()).toContain('encrypted at rest');

    await scanner.write(`${GREEN}\r`);
    // The seeded log held 6 entries: the scan is the 7th, in the encrypted file.
    await waitFor('the scan in the encrypted log', () => {
      const run = runChot(['log', 'verify', '--data-dir', dataDir, '--db-key-file', key]);
      return run.status === 0 && run.stdout.startsWith('7 entries, chain intact') ? run : undefined;
    });
    await kiosk.stop();
    kiosk = undefined;

    // Nothing of the person is on disk in clear: not the ID, not SQLite's header.
    const bytes = Buffer.concat(
      readdirSync(dataDir)
        .filter((name) => name.endsWith('.sqlite') || name.includes('.sqlite-'))
        .map((name) => readFileSync(join(dataDir, name))),
    );
    expect(bytes.includes(DEMO_ID)).toBe(false);
    expect(bytes.includes('SQLite format 3')).toBe(false);

    const withoutKey = runChot(['log', 'verify', '--data-dir', dataDir]);
    expect(withoutKey.status).not.toBe(0);
    expect(withoutKey.stderr).toContain('is encrypted and no key was given');
    const wrongKey = runChot(['log', 'verify', '--data-dir', dataDir, '--db-key-file', keyFile(0o600)]);
    expect(wrongKey.status).not.toBe(0);
    expect(wrongKey.stderr).toContain('does not open');
  });

  it('refuses to start with a key file other users can read, and leaves the kiosk unencrypted', async () => {
    const { kioskFile } = seedOldKioskLog(7, 'chot-e2e-open-key-');
    const run = runChot(['start', '--browser', '--data-dir', join(kioskFile, '..'), '--port', '0', '--db-key-file', keyFile(0o644)]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('readable by other users');
    expect(sqliteFileState(kioskFile)).toBe('plaintext');
  });
});
