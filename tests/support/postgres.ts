import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private, throwaway PostgreSQL cluster for one test file: initdb into a temporary
 * directory, listening only on a Unix socket inside it (no TCP port, so nothing to collide
 * with and nothing reachable from outside), stopped and deleted afterwards. Uses Debian's
 * `postgresql` package (.ci/run installs it). As root, the server runs as the `postgres`
 * user, because PostgreSQL refuses to run as root.
 */
export interface PostgresCluster {
  /** Superuser connection URL of the cluster's `postgres` database. */
  readonly url: string;
  /** A new, empty database; returns its connection URL. */
  createDatabase(): string;
  stop(): void;
}

const SEARCHED = '/usr/lib/postgresql/<version>/bin';

/** The newest installed server's bin directory, or $CHOT_PG_BIN. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHOT_PG_BIN !== undefined) return existsSync(join(env.CHOT_PG_BIN, 'initdb')) ? env.CHOT_PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export function startPostgres(): PostgresCluster {
  const bin = findPostgresBin();
  if (bin === undefined) {
    throw new Error(
      `PostgreSQL server binaries not found (looked for initdb in ${SEARCHED} and $CHOT_PG_BIN). ` +
        'The hub storage tests run against a real PostgreSQL: install it with `apt-get install -y postgresql` (.ci/run does).',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'chot-pg-'));
  const asRoot = process.getuid?.() === 0;
  const user = 'chot';
  // PostgreSQL will not run as root: hand the directory to the postgres user and run as it.
  const commandLine = (command: string, args: readonly string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), [...args]];
  const run = (command: string, args: readonly string[]): void => {
    const result = spawnSync(...commandLine(command, args), { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}\n${log}`);
    }
  };
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  chmodSync(dir, 0o700);

  const data = join(dir, 'data');
  let started = false;
  const stop = (): void => {
    if (started) spawnSync(...commandLine('pg_ctl', ['stop', '-D', data, '-m', 'immediate']), { timeout: 30_000 });
    started = false;
    rmSync(dir, { recursive: true, force: true });
    process.removeListener('exit', stop);
  };
  // If the test process dies without its afterAll, still leave no server behind.
  process.once('exit', stop);
  try {
    run('initdb', ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // Durability is pointless for a throwaway cluster; speed is not.
    const options = `-c listen_addresses='' -c unix_socket_directories='${dir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB`;
    run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
    started = true;
  } catch (error) {
    stop();
    throw error;
  }

  const urlOf = (database: string): string => `postgresql://${user}@localhost/${database}?host=${encodeURIComponent(dir)}`;
  let databases = 0;
  return {
    url: urlOf('postgres'),
    createDatabase() {
      databases += 1;
      const name = `chot_test_${databases}`;
      run('psql', ['-h', dir, '-U', user, '-d', 'postgres', '-q', '-c', `CREATE DATABASE ${name}`]);
      return urlOf(name);
    },
    stop,
  };
}
