import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AtRestKeyError, DB_KEY_BYTES, DB_KEY_CREDENTIAL, isInside } from './at-rest-key.js';
import { FACTS_DATABASE_FILE } from './facts-database.js';
import { KIOSK_DATABASE_FILE } from './kiosk-database.js';
import { sqliteFileState } from './sqlite-database.js';
import { fsyncPath } from '../../platform/fsync-path.js';

/**
 * Making the databases' key (docs/encryption.md), the two ways `chot db-key` offers:
 * - a key file the operator keeps (`new`), for a kiosk without systemd;
 * - a key sealed by systemd-creds (`seal`) into the credential the core's unit loads: the key
 *   is generated here, in memory, and handed to systemd-creds on a pipe, so its plain text
 *   never touches the disk.
 * Neither ever replaces a key that exists: the databases are encrypted under it, and a new
 * key would lock them out (rotation is not supported).
 */

/** Where `chot db-key seal` writes, and where the unit's LoadCredentialEncrypted= reads: systemd's own credential store. */
export const DEFAULT_SEALED_KEY_PATH = `/etc/credstore.encrypted/${DB_KEY_CREDENTIAL}`;

/** What systemd-creds seals the key with: `auto` is TPM2 where one is usable, and the host key where /var/lib/systemd persists. */
export const SEAL_WITH_KEYS = ['auto', 'tpm2', 'host', 'tpm2+host'] as const;
export type SealWithKey = (typeof SEAL_WITH_KEYS)[number];

/** systemd 252 documents the combination as host+tpm2 (later ones take either spelling). */
const SYSTEMD_WITH_KEY: Readonly<Record<SealWithKey, string>> = { auto: 'auto', tpm2: 'tpm2', host: 'host', 'tpm2+host': 'host+tpm2' };

/** A fresh 256-bit key, in the form a key file and the credential hold: 64 hex digits and a newline. */
export function newAtRestKeyText(): Buffer {
  return Buffer.from(`${randomBytes(DB_KEY_BYTES).toString('hex')}\n`, 'latin1');
}

function alreadyThere(path: string): AtRestKeyError {
  return new AtRestKeyError(
    `${path} đã có: không ghi đè một khóa (dữ liệu đang được mã hóa bằng nó; chưa hỗ trợ đổi khóa)`,
    `${path} exists: a key is never overwritten (the data is encrypted under it; changing the key is not supported yet)`,
  );
}

/** Writes `data` to a file created new (O_EXCL) and owner-only, synced before it is closed. */
function writeNewFile(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** File systems without hard links (FAT on a USB key, where a key file may well be kept) refuse link() so. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Creates `path` owner-only (0600) holding `data`, whole or not at all, and never over an
 * existing file: written to a private temporary name beside it, synced, then hard-linked into
 * place — link() fails when the name exists, where a rename would replace it — so a power cut
 * leaves either no key or the complete one, never an empty file the next run would refuse to
 * overwrite. Where the file system has no hard links, the file is created in place (O_EXCL):
 * never over another, though a power cut mid-write may leave it short, which every reader
 * refuses as not a key. `link` is a seam for that case's test.
 */
export function createSecretFileOnce(path: string, data: Uint8Array, link: (from: string, to: string) => void = linkSync): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.new`);
  let linked = true;
  try {
    writeNewFile(temporary, data);
    try {
      link(temporary, path);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'EEXIST') throw alreadyThere(path);
      if (typeof code !== 'string' || !NO_HARD_LINKS.has(code)) throw error;
      linked = false;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  if (!linked) {
    try {
      writeNewFile(path, data);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST') throw alreadyThere(path);
      throw error;
    }
  }
  fsyncPath(dirname(path));
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Whether `file` would land inside `dataDir`, also through a symbolic link on either side. */
export function isInsideDataDir(dataDir: string, file: string): boolean {
  return isInside(dataDir, file) || isInside(realOrResolved(dataDir), join(realOrResolved(dirname(file)), basename(file)));
}

/** `chot db-key new`: a fresh key in a new owner-only file. Returns the absolute path. */
export function writeNewKeyFile(file: string): string {
  const path = resolve(file);
  const text = newAtRestKeyText();
  try {
    createKeyFile(path, text);
  } finally {
    text.fill(0);
  }
  return path;
}

/** createSecretFileOnce, its parent made first when asked, with a file system's refusal (EACCES, ENOENT…) said in both languages. */
function createKeyFile(path: string, data: Uint8Array, makeParent = false): void {
  try {
    if (makeParent) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    createSecretFileOnce(path, data);
  } catch (error) {
    if (error instanceof AtRestKeyError) throw error;
    const code = String((error as { code?: unknown }).code);
    throw new AtRestKeyError(`Không tạo được ${path} (${code})`, `cannot create ${path} (${code}${code === 'EACCES' ? ': run as root?' : ''})`);
  }
}

/** What the seam returns of one run of a command: its exit status, standard output and error. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a command with `input` on its standard input; a command that cannot be started rejects (ENOENT when not installed). */
export type CommandRunner = (command: string, args: readonly string[], options: { input: Uint8Array; env: NodeJS.ProcessEnv }) => Promise<CommandResult>;

export const spawnCommand: CommandRunner = (command, args, { input, env }) =>
  new Promise((done, fail) => {
    const child = spawn(command, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    // A child that exits before reading its input closes the pipe: its exit status says why.
    child.stdin.on('error', () => undefined);
    child.once('close', (status) => done({ status, stdout: Buffer.concat(stdout), stderr }));
    child.stdin.end(input);
  });

export interface SealOptions {
  readonly out: string;
  readonly withKey: SealWithKey;
  readonly run?: CommandRunner;
  /** Passed to systemd-creds as it is: SYSTEMD_CREDENTIAL_SECRET there names another host-key file (tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** The kiosk's data directory: databases already encrypted there (under a key file) refuse a new credential, which would win over it. */
  readonly dataDir?: string;
}

/**
 * `chot db-key seal`: a fresh key, encrypted by `systemd-creds encrypt` under the name the
 * unit loads it by, written to `out` (owner-only, never over an existing one). The key goes
 * to systemd-creds on its standard input and the sealed text comes back on its standard
 * output: the plain key is never in a file. Returns the absolute path.
 */
export async function sealNewKey(options: SealOptions): Promise<string> {
  const path = resolve(options.out);
  const run = options.run ?? spawnCommand;
  // Refused before anything is made: the common case (a second install) says so plainly.
  if (exists(path)) throw alreadyThere(path);
  const locked = options.dataDir === undefined ? [] : encryptedDatabasesIn(options.dataDir);
  if (locked.length > 0) {
    throw new AtRestKeyError(
      `${locked.join(', ')} trong ${options.dataDir ?? ''} đã được mã hóa bằng một khóa khác (tệp khóa?): khóa mới sẽ khóa chúng lại; không niêm phong`,
      `${locked.join(', ')} in ${options.dataDir ?? ''} is already encrypted under another key (a key file?): a new credential, which wins over it, would lock it out; nothing sealed`,
    );
  }
  const args = ['encrypt', `--name=${DB_KEY_CREDENTIAL}`, `--with-key=${SYSTEMD_WITH_KEY[options.withKey]}`, '-', '-'];
  const key = newAtRestKeyText();
  let result: CommandResult;
  try {
    result = await run('systemd-creds', args, { input: key, env: options.env ?? process.env });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new AtRestKeyError(
        'Không có systemd-creds (systemd ≥ 250): dùng chot db-key new --out TỆP và chot start --db-key-file TỆP',
        'systemd-creds is not installed (systemd 250 or later): use chot db-key new --out FILE and chot start --db-key-file FILE',
      );
    }
    throw error;
  } finally {
    key.fill(0);
  }
  if (result.status !== 0 || result.stdout.length === 0) {
    const reason = result.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    throw new AtRestKeyError(
      `systemd-creds không niêm phong được khóa (--with-key=${options.withKey}): ${reason}`,
      `systemd-creds could not seal the key (--with-key=${options.withKey}): ${reason}`,
    );
  }
  // /etc/credstore.encrypted is systemd's, root's only: made so when this is the first credential.
  createKeyFile(path, result.stdout, true);
  return path;
}

/** The kiosk's databases in `dataDir` already encrypted: under a key this run did not make. */
function encryptedDatabasesIn(dataDir: string): string[] {
  return [KIOSK_DATABASE_FILE, FACTS_DATABASE_FILE].filter((file) => sqliteFileState(join(dataDir, file)) === 'encrypted');
}

/** Anything at the name counts, a dangling link too: link() would refuse it as well. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== 'ENOENT';
  }
}
