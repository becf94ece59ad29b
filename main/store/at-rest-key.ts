import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/**
 * The key that encrypts the kiosk's databases at rest (docs/encryption.md).
 *
 * It reaches the core one of two ways, never generated beside the data it protects:
 * - a systemd credential named `chot-db-key`: the unit's LoadCredentialEncrypted= has
 *   systemd decrypt the sealed file (TPM2 or the host key, as `chot db-key seal` chose) into
 *   the service's private $CREDENTIALS_DIRECTORY, which only the service can read;
 * - a key file the operator provides (`--db-key-file` or CHOT_DB_KEY_FILE), where there is no
 *   systemd (a Windows kiosk, a developer's machine).
 * With neither, the databases stay unencrypted, and the doctor says so.
 */

/** The credential's name, in the unit's LoadCredentialEncrypted= and in $CREDENTIALS_DIRECTORY. */
export const DB_KEY_CREDENTIAL = 'chot-db-key';
/** The environment variable naming a key file (the `--db-key-file` option sets the same). */
export const DB_KEY_FILE_ENV = 'CHOT_DB_KEY_FILE';
/** 256 bits: SQLCipher's raw key, used as it is (no passphrase derivation to slow each open). */
export const DB_KEY_BYTES = 32;

export type AtRestKeySource = 'systemd-credential' | 'key-file';

export interface AtRestKey {
  /** The 64 lowercase hex digits of the key (SQLCipher's raw key `x'…'`); never logged. */
  readonly hex: string;
  readonly source: AtRestKeySource;
  /** Where it was read from (a path, not a secret). */
  readonly origin: string;
}

export class AtRestKeyError extends Error {
  override readonly name = 'AtRestKeyError';
  constructor(
    readonly vi: string,
    readonly en: string,
  ) {
    super(`${vi} / ${en}`);
  }
}

/** A key file's whole text: 64 hex digits, one optional newline. Anything else is refused. */
export function parseAtRestKey(text: string, origin: string): string {
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new AtRestKeyError(
      `Khóa mã hóa ${origin} không đúng dạng (cần 64 chữ số hex)`,
      `the database key ${origin} is not 64 hex digits (make one with chot db-key new)`,
    );
  }
  if (/^0+$/.test(trimmed)) throw new AtRestKeyError(`Khóa mã hóa ${origin} toàn số 0`, `the database key ${origin} is all zeros`);
  return trimmed.toLowerCase();
}

/** At most this much is read of a key file: a key is 65 bytes; a file far larger is not one. */
const KEY_FILE_READ_LIMIT = 1024;

function readKeyFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new AtRestKeyError(`Khóa mã hóa ${path} không phải tệp`, `the database key ${path} is not a file`);
    // A key others can read protects nothing: refuse it rather than encrypt under it.
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      throw new AtRestKeyError(
        `Khóa mã hóa ${path} người khác đọc được: chmod 600 ${path}`,
        `the database key ${path} is readable by other users: chmod 600 ${path}`,
      );
    }
    const buffer = Buffer.alloc(KEY_FILE_READ_LIMIT);
    const length = readSync(fd, buffer, 0, KEY_FILE_READ_LIMIT, 0);
    return buffer.subarray(0, length).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function readKey(path: string): string {
  try {
    return parseAtRestKey(readKeyFile(path), path);
  } catch (error) {
    if (error instanceof AtRestKeyError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new AtRestKeyError(`Không đọc được khóa mã hóa ${path} (${String(code)})`, `cannot read the database key ${path} (${String(code)})`);
  }
}

export interface AtRestKeyOptions {
  /** `--db-key-file`: wins over the environment. */
  readonly keyFile?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The key this process was given, or undefined when it was given none. A key named but
 * unreadable or malformed is an AtRestKeyError: the kiosk does not start unencrypted instead.
 * The systemd credential wins over a key file (a unit's credential is what the appliance runs on).
 */
export function loadAtRestKey(options: AtRestKeyOptions = {}): AtRestKey | undefined {
  const env = options.env ?? process.env;
  const credentials = env.CREDENTIALS_DIRECTORY;
  if (credentials !== undefined && credentials !== '') {
    const path = join(credentials, DB_KEY_CREDENTIAL);
    let present = true;
    try {
      closeSync(openSync(path, 'r'));
    } catch {
      present = false;
    }
    if (present) return { hex: readKey(path), source: 'systemd-credential', origin: path };
  }
  const keyFile = options.keyFile ?? (env[DB_KEY_FILE_ENV] === '' ? undefined : env[DB_KEY_FILE_ENV]);
  if (keyFile === undefined) return undefined;
  const path = resolve(keyFile);
  return { hex: readKey(path), source: 'key-file', origin: path };
}

/** Whether `file` lies inside `dir`: a key kept beside the data it encrypts protects nothing (the doctor warns). */
export function isInside(dir: string, file: string): boolean {
  const path = relative(resolve(dir), resolve(file));
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}
