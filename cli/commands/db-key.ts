import { resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import {
  DEFAULT_SEALED_KEY_PATH,
  isInsideDataDir,
  SEAL_WITH_KEYS,
  sealNewKey,
  writeNewKeyFile,
  type CommandRunner,
  type SealWithKey,
} from '../../main/store/at-rest-key-making.js';
import { DB_KEY_CREDENTIAL } from '../../main/store/at-rest-key.js';
import { parseCommandArgs, UsageError, withUsage } from '../args.js';

const NEW_USAGE = '  chot db-key new --out FILE [--data-dir DIR]';
const SEAL_USAGE = `  chot db-key seal [--with-key ${SEAL_WITH_KEYS.join('|')}] [--out PATH] [--data-dir DIR]`;

export const DB_KEY_HELP = `Usage:
${NEW_USAGE}
${SEAL_USAGE}

Makes the key that encrypts the kiosk's databases at rest (kiosk.sqlite, facts.sqlite:
SQLCipher 4 pages), a fresh random 256-bit key each time. docs/encryption.md says what each
way protects against.

  new   writes the key to FILE as 64 hex digits, owner-only (0600), for a kiosk without
        systemd; start the kiosk with chot start --db-key-file FILE. FILE must not exist
        and must lie outside the data directory (--data-dir, default: ${defaultDataDir()}):
        a key beside the data it locks protects nothing. Keep it off the kiosk's disk
        where you can (a removable key, a separate partition).
  seal  has systemd-creds encrypt the key under the name ${DB_KEY_CREDENTIAL} into PATH
        (default: ${DEFAULT_SEALED_KEY_PATH}), which the chot-core unit loads
        (LoadCredentialEncrypted=). The key reaches systemd-creds on a pipe: it is never
        on disk in the clear. --with-key (default auto): tpm2 binds it to this machine's
        TPM2 chip, host to the host key in /var/lib/systemd, tpm2+host to both; auto takes
        the TPM2 where one is usable and the host key otherwise. The Debian package seals
        one at install when none exists. Run as root. Refused when the databases in
        the data directory (--data-dir) are already encrypted, under a key file: the
        credential would win over it and lock them out.

Neither ever overwrites a key: the data is encrypted under it, and changing the key is not
supported yet. Losing the key means syncing the facts again from the hub; the entry log not
yet uploaded is lost with it.
`;

export interface DbKeyDeps {
  /** Runs systemd-creds (tests pass the real one with a private host key, or a fake). */
  readonly run?: CommandRunner;
  /** systemd-creds's environment: SYSTEMD_CREDENTIAL_SECRET there names another host-key file. */
  readonly env?: NodeJS.ProcessEnv;
  readonly write?: (text: string) => void;
}

function withKeyOf(value: string | undefined): SealWithKey {
  if (value === undefined) return 'auto';
  if ((SEAL_WITH_KEYS as readonly string[]).includes(value)) return value as SealWithKey;
  throw new UsageError(`--with-key must be one of ${SEAL_WITH_KEYS.join(', ')}, got ${JSON.stringify(value)}`);
}

function runNew(args: readonly string[], write: (text: string) => void, env: NodeJS.ProcessEnv): number {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, 'data-dir': { type: 'string' } });
  if (values.out === undefined || values.out === '') throw new UsageError('db-key new needs --out FILE: where to write the key');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir(env));
  const out = resolve(values.out);
  if (isInsideDataDir(dataDir, out)) {
    throw new UsageError(
      `${out} nằm trong thư mục dữ liệu ${dataDir}: khóa để cạnh dữ liệu thì không bảo vệ gì; chọn nơi khác / ` +
        `${out} is inside the data directory ${dataDir}: a key beside the data it encrypts protects nothing; choose another place`,
    );
  }
  const path = writeNewKeyFile(out);
  write(
    `wrote a new database key to ${path} (owner-only)\n` +
      `start the kiosk with it: chot start --db-key-file ${path}\n` +
      `keep a copy somewhere safe: without it the databases cannot be read (docs/encryption.md)\n`,
  );
  return 0;
}

async function runSeal(args: readonly string[], deps: DbKeyDeps, write: (text: string) => void): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, 'with-key': { type: 'string' }, 'data-dir': { type: 'string' } });
  if (values.out === '') throw new UsageError('--out must name a file');
  const withKey = withKeyOf(values['with-key']);
  const path = await sealNewKey({
    out: values.out ?? DEFAULT_SEALED_KEY_PATH,
    withKey,
    dataDir: resolve(values['data-dir'] ?? defaultDataDir(deps.env ?? process.env)),
    ...(deps.run === undefined ? {} : { run: deps.run }),
    ...(deps.env === undefined ? {} : { env: deps.env }),
  });
  write(
    `sealed a new database key into ${path} (systemd-creds, --with-key=${withKey})\n` +
      `the chot-core unit loads it as the credential ${DB_KEY_CREDENTIAL}: restart it (systemctl restart chot-core) to encrypt the databases\n`,
  );
  return 0;
}

export async function runDbKey(args: readonly string[], deps: DbKeyDeps = {}): Promise<number> {
  const [command, ...rest] = args;
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  if (command === 'new') return withUsage(NEW_USAGE, () => runNew(rest, write, deps.env ?? process.env));
  if (command === 'seal') return withUsage(SEAL_USAGE, () => runSeal(rest, deps, write));
  throw new UsageError(command === undefined ? 'name a db-key command: new or seal' : `unknown db-key command "${command}"`);
}
