import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDbKey } from '../../../cli/commands/db-key.js';
import { main } from '../../../cli/main.js';
import { UsageError } from '../../../cli/args.js';
import { AtRestKeyError, loadAtRestKey } from '../../../main/store/at-rest-key.js';
import type { CommandRunner } from '../../../main/store/at-rest-key-making.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../main/store/facts-database.js';

/** `chot db-key new`: the operator's key file for a kiosk without systemd; and seal's checks that need no systemd-creds. */
let dir: string;
let dataDir: string;
let output: string;
const write = (text: string): void => void (output += text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chot-db-key-'));
  dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  output = '';
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const newKey = (out: string, ...more: string[]): Promise<number> => runDbKey(['new', '--out', out, '--data-dir', dataDir, ...more], { write });

describe('chot db-key new', () => {
  it('writes a fresh owner-only key the kiosk accepts, and says how to start with it', async () => {
    const file = join(dir, 'keys', 'kiosk.key');
    mkdirSync(join(dir, 'keys'));
    expect(await newKey(file)).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'latin1')).toMatch(/^[0-9a-f]{64}\n$/);
    const key = loadAtRestKey({ keyFile: file, env: {} });
    expect(key).toMatchObject({ source: 'key-file', origin: file });
    expect(`${key?.hex ?? ''}\n`).toBe(readFileSync(file, 'latin1'));
    expect(output).toContain(`chot start --db-key-file ${file}`);
    // Nothing else is left beside it (the temporary file it was written through).
    expect(readdirSync(join(dir, 'keys'))).toEqual(['kiosk.key']);
  });

  it('makes a different key each time', async () => {
    await newKey(join(dir, 'a.key'));
    await newKey(join(dir, 'b.key'));
    expect(readFileSync(join(dir, 'a.key'), 'latin1')).not.toBe(readFileSync(join(dir, 'b.key'), 'latin1'));
  });

  it('never overwrites a key, even an empty file: the data is encrypted under it', async () => {
    const file = join(dir, 'kiosk.key');
    await newKey(file);
    const before = readFileSync(file, 'latin1');
    await expect(newKey(file)).rejects.toThrow(AtRestKeyError);
    await expect(newKey(file)).rejects.toThrow(/exists: a key is never overwritten/);
    expect(readFileSync(file, 'latin1')).toBe(before);
    writeFileSync(join(dir, 'empty.key'), '');
    await expect(newKey(join(dir, 'empty.key'))).rejects.toThrow(/đã có.*never overwritten/);
    expect(readdirSync(dir).sort()).toEqual(['data', 'empty.key', 'kiosk.key']);
  });

  it('refuses a file inside the data directory, also through a symbolic link, as a usage error in both languages', async () => {
    await expect(newKey(join(dataDir, 'db.key'))).rejects.toThrow(UsageError);
    await expect(newKey(join(dataDir, 'sub', 'db.key'))).rejects.toThrow(/nằm trong thư mục dữ liệu.*is inside the data directory/);
    symlinkSync(dataDir, join(dir, 'alias'));
    await expect(newKey(join(dir, 'alias', 'db.key'))).rejects.toThrow(UsageError);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('says in both languages when the file cannot be created', async () => {
    await expect(newKey(join(dir, 'no-such-dir', 'kiosk.key'))).rejects.toThrow(
      /Không tạo được .*kiosk\.key \(ENOENT\).*cannot create .*kiosk\.key \(ENOENT\)/,
    );
  });

  it('takes the default data directory from CHOT_DATA_DIR, as chot start does', async () => {
    await expect(runDbKey(['new', '--out', join(dataDir, 'db.key')], { write, env: { CHOT_DATA_DIR: dataDir } })).rejects.toThrow(UsageError);
  });

  it('is listed, and says what is wrong through the command line: exit 2 with the subcommand usage, exit 1 on an existing key', async () => {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['db-key', '--help'])).toBe(0);
      expect(await main(['db-key', 'new'])).toBe(2);
      expect(await main(['db-key', 'rotate'])).toBe(2);
      expect(await main(['db-key', 'seal', '--with-key', 'tpm3'])).toBe(2);
      writeFileSync(join(dir, 'taken.key'), 'x');
      expect(await main(['db-key', 'new', '--out', join(dir, 'taken.key'), '--data-dir', dataDir])).toBe(1);
    } finally {
      vi.restoreAllMocks();
    }
    expect(stdout).toMatch(/^ {2}db-key +make the key that encrypts/m);
    expect(stdout).toContain('chot db-key seal [--with-key auto|tpm2|host|tpm2+host] [--out PATH]');
    expect(stderr).toContain('chot db-key: db-key new needs --out FILE');
    expect(stderr).toContain('Usage:\n  chot db-key new --out FILE [--data-dir DIR]');
    expect(stderr).toContain('unknown db-key command "rotate"');
    expect(stderr).toContain('--with-key must be one of auto, tpm2, host, tpm2+host');
    expect(stderr).toContain('never overwritten');
  });
});

describe('chot db-key seal, with systemd-creds stood in for', () => {
  it('hands systemd-creds the key on stdin only, and writes what it returns owner-only', async () => {
    const calls: { command: string; args: readonly string[]; input: string }[] = [];
    const run: CommandRunner = (command, args, { input }) => {
      calls.push({ command, args, input: Buffer.from(input).toString('latin1') });
      return Promise.resolve({ status: 0, stdout: Buffer.from('SEALED\n'), stderr: '' });
    };
    const out = join(dir, 'credstore', 'chot-db-key');
    expect(await runDbKey(['seal', '--out', out, '--data-dir', dataDir, '--with-key', 'tpm2+host'], { run, write })).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toBe('systemd-creds');
    expect(calls[0]?.args).toEqual(['encrypt', '--name=chot-db-key', '--with-key=host+tpm2', '-', '-']);
    // The key travels on the pipe, never as an argument (every user can read a command line).
    expect(calls[0]?.input).toMatch(/^[0-9a-f]{64}\n$/);
    expect(calls[0]?.args.join(' ')).not.toContain(calls[0]?.input.trim());
    expect(readFileSync(out, 'latin1')).toBe('SEALED\n');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'credstore')).mode & 0o777).toBe(0o700);
    expect(output).toContain('systemctl restart chot-core');
  });

  it('refuses an existing credential before making anything, and leaves it as it was', async () => {
    const out = join(dir, 'chot-db-key');
    writeFileSync(out, 'OLD');
    let ran = false;
    const run: CommandRunner = () => ((ran = true), Promise.resolve({ status: 0, stdout: Buffer.from('NEW'), stderr: '' }));
    await expect(runDbKey(['seal', '--out', out, '--data-dir', dataDir], { run, write })).rejects.toThrow(/never overwritten/);
    expect(ran).toBe(false);
    expect(readFileSync(out, 'latin1')).toBe('OLD');
  });

  it('refuses to seal over databases already encrypted under a key file: the credential would win and lock them out', async () => {
    const keyFile = join(dir, 'kiosk.key');
    await newKey(keyFile);
    const key = loadAtRestKey({ keyFile, env: {} });
    openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key).close();
    let ran = false;
    const run: CommandRunner = () => ((ran = true), Promise.resolve({ status: 0, stdout: Buffer.from('SEALED'), stderr: '' }));
    const out = join(dir, 'chot-db-key');
    await expect(runDbKey(['seal', '--out', out, '--data-dir', dataDir], { run, write })).rejects.toThrow(
      /facts\.sqlite in .* is already encrypted under another key \(a key file\?\)/,
    );
    expect(ran).toBe(false);
    // Plaintext databases are the next start's to encrypt under the new credential.
    rmSync(join(dataDir, FACTS_DATABASE_FILE));
    openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE)).close();
    expect(await runDbKey(['seal', '--out', out, '--data-dir', dataDir], { run, write })).toBe(0);
  });

  it('says in both languages when systemd-creds is missing or fails, and writes nothing', async () => {
    const out = join(dir, 'chot-db-key');
    const missing: CommandRunner = () => Promise.reject(Object.assign(new Error('spawn systemd-creds ENOENT'), { code: 'ENOENT' }));
    await expect(runDbKey(['seal', '--out', out, '--data-dir', dataDir], { run: missing, write })).rejects.toThrow(
      /Không có systemd-creds.*systemd-creds is not installed.*chot db-key new/,
    );
    // The real runner, on a PATH where systemd-creds is not: the same message.
    await expect(runDbKey(['seal', '--out', out, '--data-dir', dataDir], { env: { PATH: dir }, write })).rejects.toThrow(/systemd-creds is not installed/);
    const failing: CommandRunner = () =>
      Promise.resolve({ status: 1, stdout: Buffer.alloc(0), stderr: 'TPM2 support not installed: Operation not supported\n' });
    await expect(runDbKey(['seal', '--out', out, '--data-dir', dataDir, '--with-key', 'tpm2'], { run: failing, write })).rejects.toThrow(
      /không niêm phong được.*could not seal the key \(--with-key=tpm2\): TPM2 support not installed/,
    );
    expect(readdirSync(dir)).toEqual(['data']);
  });
});
