import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installCommand, missingMessage, systemPackages } from '../../../scripts/system-deps.mjs';
import { repoRoot } from '../../support/kiosk-process.js';

/**
 * The system-package check that `npm test` and `.ci/run` run first, on a machine made to lack
 * a package: a PATH of our own (no chromium, no apt-get, no sudo) with a `dpkg-query` that
 * answers like Debian's but leaves out the named packages.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function machineLacking(absent: readonly string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'chot-sysdeps-'));
  dirs.push(bin);
  const installed = systemPackages()
    .map((p) => p.name)
    .filter((name) => !absent.includes(name));
  // The real dpkg-query prints a status line per installed package and complains about the rest on stderr.
  writeFileSync(
    join(bin, 'dpkg-query'),
    `#!/bin/sh\nfor name in "$@"; do case "$name" in -*) ;; ${installed.map((n) => `'${n}'`).join('|')}) echo "$name install ok installed" ;; *) echo "dpkg-query: no packages found matching $name" >&2 ;; esac; done\nexit 0\n`,
  );
  chmodSync(join(bin, 'dpkg-query'), 0o755);
  symlinkSync('/bin/sh', join(bin, 'sh'));
  return bin;
}

function check(pathDir: string, extraEnv: NodeJS.ProcessEnv = {}, args: readonly string[] = ['--install']): { status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { PATH: pathDir, HOME: tmpdir(), ...extraEnv };
  const result = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'system-deps.mjs'), ...args], { env, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('system dependency check (scripts/system-deps.mjs)', () => {
  it('a machine without Chromium stops before any test, naming chromium, what needs it and the install command', () => {
    const { status, stderr } = check(machineLacking(['chromium']));
    expect(status).toBe(1);
    expect(stderr).toMatch(/^Chốt: a system package is missing, so no test was run:/);
    expect(stderr).toMatch(/^ {2}chromium {2}end-to-end tests/m);
    expect(stderr).toContain('apt-get install -y --no-install-recommends chromium\n');
    expect(stderr).not.toMatch(/postgresql|socat/);
  });

  it('a machine without PostgreSQL names postgresql and its install command', () => {
    const { status, stderr } = check(machineLacking(['postgresql']), { CHOT_PG_BIN: '/nonexistent/postgresql/bin' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^ {2}postgresql {2}hub storage tests/m);
    expect(stderr).toContain('apt-get install -y --no-install-recommends postgresql\n');
    expect(stderr).not.toContain('chromium');
  });

  it('a machine without the PC/SC daemon names pcscd, the chip card readers that need it, and its install command', () => {
    const { status, stderr } = check(machineLacking(['pcscd']));
    expect(status).toBe(1);
    expect(stderr).toMatch(/^ {2}pcscd {2}chip ID card readers \(PC\/SC\)/m);
    expect(stderr).toContain('apt-get install -y --no-install-recommends pcscd\n');
  });

  it('several missing packages are named in one message and one command', () => {
    const { status, stderr } = check(machineLacking(['chromium', 'socat']));
    expect(status).toBe(1);
    expect(stderr).toMatch(/2 system packages are missing/);
    expect(stderr).toContain('--no-install-recommends chromium socat\n');
  });

  it('a component found by its probe counts as present though the package manager does not list it', () => {
    const bin = machineLacking(['chromium']);
    const chromium = join(bin, 'my-chromium');
    writeFileSync(chromium, '');
    expect(check(bin, { CHOT_CHROMIUM: chromium })).toEqual({ status: 0, stderr: '' });
  });

  it('when everything is present it passes silently; --only checks just the named packages', () => {
    expect(check(machineLacking([]))).toEqual({ status: 0, stderr: '' });
    expect(check(machineLacking(['chromium']), {}, ['--only', 'socat,postgresql'])).toEqual({ status: 0, stderr: '' });
    expect(check(machineLacking([]), {}, ['--only', 'no-such-package']).status).toBe(2);
  });

  it('without root the command uses sudo; as root it does not', () => {
    expect(installCommand(['chromium'], false)).toBe('sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium');
    expect(installCommand(['chromium'], true)).toBe('apt-get update && apt-get install -y --no-install-recommends chromium');
    const socat = systemPackages().filter((p) => p.name === 'socat');
    expect(missingMessage(socat, false)).toContain('sudo apt-get install -y --no-install-recommends socat');
  });

  it('every package in the list says what needs it', () => {
    for (const p of systemPackages()) expect(p.needs.length, p.name).toBeGreaterThan(10);
  });
});

describe('one list of system packages', () => {
  const read = (path: string): string => readFileSync(join(repoRoot(), path), 'utf8');

  it('.ci/run and npm test install from scripts/system-packages.json and name no package themselves', () => {
    const ci = read('.ci/run');
    expect(ci).toContain('node scripts/system-deps.mjs --install');
    expect(ci).not.toMatch(/apt-get|dpkg/);
    for (const { name } of systemPackages()) expect(ci).not.toMatch(new RegExp(`(^|\\s)${name.replace(/[+.]/g, '\\$&')}(\\s|$)`, 'm'));
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toMatch(/^node scripts\/system-deps\.mjs --install && /);
    expect(ci.trimEnd().endsWith('npm test')).toBe(true);
  });

  it('.ci/run stops before installing anything when ../shared is absent, rather than let its suites skip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chot-ci-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'repo', '.ci'), { recursive: true });
    copyFileSync(join(repoRoot(), '.ci', 'run'), join(dir, 'repo', '.ci', 'run'));
    const result = spawnSync('bash', [join(dir, 'repo', '.ci', 'run')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('../shared/test-data is missing');
  });

  it("the README's set-up table says what needs each package, for every package in the list", () => {
    const readme = read('README.md');
    for (const { name } of systemPackages()) expect(readme, name).toMatch(new RegExp(`^\\| \`${name.replace(/[+.]/g, '\\$&')}\` \\|`, 'm'));
  });
});
