import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDbKey } from '../../../cli/commands/db-key.js';
import { DB_KEY_CREDENTIAL, loadAtRestKey } from '../../../main/store/at-rest-key.js';
import { systemPackageMissing } from '../../support/system-package.js';

// `chot db-key seal` with the real systemd-creds, on a private host key: SYSTEMD_CREDENTIAL_SECRET
// is systemd's own variable naming the host-key file, so the test never touches /var/lib/systemd.
const credsMissing =
  systemPackageMissing('systemd') ?? (spawnSync('systemd-creds', ['--version']).error === undefined ? undefined : 'systemd-creds is missing (systemd < 250)');

const hasTpm2 = credsMissing === undefined && spawnSync('systemd-creds', ['has-tpm2']).status === 0;

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chot-db-key-seal-'));
  // systemd-creds makes the host key there on first use (0400), as `systemd-creds setup` would.
  env = { ...process.env, SYSTEMD_CREDENTIAL_SECRET: join(dir, 'host-secret') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function decrypt(path: string): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync('systemd-creds', ['decrypt', `--name=${DB_KEY_CREDENTIAL}`, path, '-'], { env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

describe.skipIf(credsMissing !== undefined)(`chot db-key seal with systemd-creds${credsMissing === undefined ? '' : ` (skipped: ${credsMissing})`}`, () => {
  it('seals a key only the host key opens, which the kiosk accepts as its systemd credential', async () => {
    const out = join(dir, 'credstore.encrypted', DB_KEY_CREDENTIAL);
    let output = '';
    expect(await runDbKey(['seal', '--with-key', 'host', '--out', out, '--data-dir', dir], { env, write: (text) => (output += text) })).toBe(0);
    expect(output).toContain(`sealed a new database key into ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const sealed = readFileSync(out);
    // What is on disk is not the key in the clear, nor its hex anywhere in it.
    expect(sealed.toString('latin1')).not.toMatch(/[0-9a-f]{64}/);

    const opened = decrypt(out);
    expect(opened.status, opened.stderr).toBe(0);
    expect(opened.stdout.toString('latin1')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(sealed.includes(opened.stdout.subarray(0, 64))).toBe(false);

    // What systemd hands the service in $CREDENTIALS_DIRECTORY at LoadCredentialEncrypted=.
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    const decrypted = spawnSync('systemd-creds', ['decrypt', `--name=${DB_KEY_CREDENTIAL}`, out, join(credentials, DB_KEY_CREDENTIAL)], { env });
    expect(decrypted.status, decrypted.stderr.toString()).toBe(0);
    // systemd makes a service's credential files read-only for the service user (0400).
    chmodSync(join(credentials, DB_KEY_CREDENTIAL), 0o400);
    const key = loadAtRestKey({ env: { CREDENTIALS_DIRECTORY: credentials } });
    expect(key).toMatchObject({ source: 'systemd-credential', hex: opened.stdout.toString('latin1').trim() });
  });

  it('another host key cannot open it', async () => {
    const out = join(dir, DB_KEY_CREDENTIAL);
    expect(await runDbKey(['seal', '--with-key', 'host', '--out', out, '--data-dir', dir], { env, write: () => undefined })).toBe(0);
    env = { ...process.env, SYSTEMD_CREDENTIAL_SECRET: join(dir, 'another-host-secret') };
    // The other key must exist to be tried: sealing anything with it makes it.
    expect(spawnSync('systemd-creds', ['encrypt', '--name=x', '--with-key=host', '-', '-'], { env, input: 'x' }).status).toBe(0);
    const opened = decrypt(out);
    expect(opened.status).not.toBe(0);
    expect(opened.stdout.length).toBe(0);
  });

  // A machine with a usable TPM2 seals with it: there is nothing to refuse there.
  it.skipIf(hasTpm2)('names systemd-creds’s reason when it cannot seal with a TPM2 this machine lacks, and writes nothing', async () => {
    const out = join(dir, DB_KEY_CREDENTIAL);
    await expect(runDbKey(['seal', '--with-key', 'tpm2', '--out', out, '--data-dir', dir], { env, write: () => undefined })).rejects.toThrow(
      /could not seal the key \(--with-key=tpm2\): \S/,
    );
    expect(() => statSync(out)).toThrow();
  });
});
