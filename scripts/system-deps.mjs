#!/usr/bin/env node
// Checks, and with --install installs, the system packages listed in system-packages.json:
// the one list that `npm test`, `.ci/run` and the test suites' own checks read. A newcomer's
// `npm test` on a fresh Debian or Ubuntu machine either gets what it lacks installed first
// (as root, or with password-less sudo) or stops before any test with one message that names
// each missing package, what needs it, and the exact command that installs it.
//
//   node scripts/system-deps.mjs [--install] [--only NAME[,NAME…]]
//
// Exit 0: everything needed is present (or was installed); 1: something is missing.
// A package counts as present when the package manager lists it as installed, or when its
// probe finds it (a command on PATH, or the variable that names it): on a machine without
// dpkg, or with a component from elsewhere, the probe decides.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The manifest: [{ name, needs, probe? }]. */
export function systemPackages() {
  return JSON.parse(readFileSync(join(here, 'system-packages.json'), 'utf8')).packages;
}

/** The names dpkg lists as installed among `names`; null where there is no dpkg-query to ask. */
function dpkgInstalled(names, env) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { env, encoding: 'utf8' });
  if (result.error !== undefined) return null;
  const installed = new Set();
  for (const line of result.stdout.split('\n')) {
    const [name, ...status] = line.trim().split(/\s+/);
    if (name !== undefined && status.join(' ') === 'install ok installed') installed.add(name);
  }
  return installed;
}

function onPath(command, env) {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** Where PostgreSQL's server binaries are, as tests/support/postgres.ts looks for them. */
function postgresFound(env) {
  if (env.CHOT_PG_BIN !== undefined) return existsSync(join(env.CHOT_PG_BIN, 'initdb'));
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, 'bin', 'initdb')));
}

function probeFinds(probe, env) {
  if (probe === undefined) return false;
  if (probe.postgres === true) return postgresFound(env);
  if (probe.env !== undefined && env[probe.env] !== undefined) return existsSync(env[probe.env]);
  return probe.command !== undefined && onPath(probe.command, env);
}

/** The packages of `packages` that are missing, checked against `env` (PATH, the probe variables). */
export function missingPackages(packages, env = process.env) {
  const installed = dpkgInstalled(
    packages.map((p) => p.name),
    env,
  );
  // Without dpkg a package with no probe cannot be checked: assume present rather than refuse to test.
  return packages.filter((p) => !(installed?.has(p.name) ?? p.probe === undefined) && !probeFinds(p.probe, env));
}

/** The command that installs `names`, with sudo unless running as root. */
export function installCommand(names, asRoot) {
  const sudo = asRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${names.join(' ')}`;
}

/** The one message a person sees when packages are missing. */
export function missingMessage(missing, asRoot) {
  const width = Math.max(...missing.map((p) => p.name.length));
  return [
    `Chốt: ${missing.length === 1 ? 'a system package is' : `${missing.length} system packages are`} missing, so no test was run:`,
    ...missing.map((p) => `  ${p.name.padEnd(width)}  ${p.needs}`),
    'Install with:',
    `  ${installCommand(
      missing.map((p) => p.name),
      asRoot,
    )}`,
    'then run the tests again (npm test).',
  ].join('\n');
}

/** Whether packages can be installed here without asking anyone: root, or sudo without a password. */
function installer(env) {
  if (!onPath('apt-get', env)) return null;
  if (process.getuid?.() === 0) return [];
  if (!onPath('sudo', env)) return null;
  return spawnSync('sudo', ['-n', 'true'], { env, stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
}

function install(prefix, names, env) {
  const run = (args) => {
    const [command, ...rest] = [...prefix, ...args];
    const result = spawnSync(command, rest, { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'inherit'] });
    return result.status === 0;
  };
  process.stderr.write(`system packages: installing ${names.join(' ')}\n`);
  return run(['apt-get', 'update', '-qq']) && run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names]);
}

function main(argv) {
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
  const all = systemPackages();
  const unknown = only === undefined ? [] : [...only].filter((name) => !all.some((p) => p.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`system-deps: not in scripts/system-packages.json: ${unknown.join(', ')}\n`);
    return 2;
  }
  const wanted = only === undefined ? all : all.filter((p) => only.has(p.name));
  const env = process.env;
  let missing = missingPackages(wanted, env);
  if (missing.length === 0) return 0;
  const prefix = argv.includes('--install') ? installer(env) : null;
  if (prefix !== null) {
    install(
      prefix,
      missing.map((p) => p.name),
      env,
    );
    missing = missingPackages(wanted, env);
    if (missing.length === 0) return 0;
  }
  process.stderr.write(`${missingMessage(missing, process.getuid?.() === 0)}\n`);
  return 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
