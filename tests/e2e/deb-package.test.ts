import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDataDir } from '../support/kiosk-process.js';
import { systemPackageMissing } from '../support/system-package.js';

// The chot-kiosk Debian package as a kiosk machine receives it: built by the project's own
// script from the built app, checked by lintian, unpacked into a throw-away root whose units
// systemd-analyze verifies, and the core started from that installed tree.
const root = repoRoot();
const dpkgMissing = spawnSync('dpkg-deb', ['--version']).error === undefined ? undefined : 'dpkg-deb is missing (not a Debian system)';
const lintianMissing = systemPackageMissing('lintian');
const systemdMissing = systemPackageMissing('systemd');
const cageMissing = systemPackageMissing('cage');
const APP = 'usr/lib/chot-kiosk';

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The unit's `Key=value` lines, every value of a key (a key may repeat). */
function unitSettings(path: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
  }
  return settings;
}

describe.skipIf(dpkgMissing !== undefined)(`the chot-kiosk Debian package${dpkgMissing === undefined ? '' : ` (skipped: ${dpkgMissing})`}`, () => {
  let work: string;
  let deb: string;
  let installed: string;

  beforeAll(() => {
    expect(existsSync(join(root, 'dist', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);
    work = mkdtempSync(join(tmpdir(), 'chot-deb-test-'));
    const built = run(process.execPath, [join(root, 'scripts', 'package-deb.mjs'), '--out', work]);
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    deb = built.stdout.trim();
    installed = join(work, 'root');
    // `dpkg-deb -x`: the package's files as dpkg would install them, without its maintainer scripts.
    expect(run('dpkg-deb', ['-x', deb, installed]).status).toBe(0);
  }, 240_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('declares browser mode’s dependencies — Node ≥ 20, Debian’s Chromium and cage, pcscd — and no Electron', () => {
    const field = (name: string) => run('dpkg-deb', ['-f', deb, name]).stdout.trim();
    expect(field('Package')).toBe('chot-kiosk');
    expect(field('Architecture')).toBe(run('dpkg', ['--print-architecture']).stdout.trim());
    const depends = field('Depends').split(/,\s*/);
    expect(depends).toEqual(expect.arrayContaining(['nodejs (>= 20)', 'chromium', 'cage', 'pcscd', 'libccid', 'polkitd | policykit-1']));
    expect(existsSync(join(installed, APP, 'node_modules', 'electron'))).toBe(false);
  });

  it('installs the app, the command, the units, the users, the data dir and the device rules where the system reads them', () => {
    for (const path of [
      `${APP}/dist/cli/main.js`,
      `${APP}/dist/renderer/index.html`,
      `${APP}/bin/chot.js`,
      `${APP}/bin/chot-display`,
      `${APP}/package.json`,
      `${APP}/node_modules/better-sqlite3/build/Release/better_sqlite3.node`,
      `${APP}/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node`,
      `${APP}/node_modules/better-sqlite3-multiple-ciphers/lib/index.js`,
      'usr/bin/chot',
      'usr/lib/systemd/system/chot-core.service',
      'usr/lib/systemd/system/chot-display.service',
      'usr/lib/sysusers.d/chot-kiosk.conf',
      'usr/lib/tmpfiles.d/chot-kiosk.conf',
      'usr/lib/udev/rules.d/70-chot.rules',
      'usr/share/polkit-1/rules.d/70-chot-pcscd.rules',
      'etc/modprobe.d/blacklist-chot-nfc.conf',
      'usr/share/doc/chot-kiosk/copyright',
      'usr/share/doc/chot-kiosk/changelog.Debian.gz',
    ])
      expect(existsSync(join(installed, path)), path).toBe(true);
    // Test helpers and TypeScript declarations are not the app.
    expect(existsSync(join(installed, APP, 'dist', 'tests'))).toBe(false);
    // Nor the SQLite bindings' C sources and the compiler's leftovers: only lib/ and the addon run.
    for (const binding of ['better-sqlite3', 'better-sqlite3-multiple-ciphers']) {
      const module = join(installed, APP, 'node_modules', binding);
      expect(readdirSync(module).sort(), binding).toEqual(
        ['LICENSE', 'README.md', 'binding.gyp', 'build', 'index.d.ts', 'lib', 'package.json'].filter((name) =>
          existsSync(join(root, 'node_modules', binding, name)),
        ),
      );
      expect(readdirSync(join(module, 'build', 'Release')), binding).toEqual(['better_sqlite3.node']);
    }
    expect(statSync(join(installed, 'usr/bin/chot')).mode & 0o777).toBe(0o755);
    // The modprobe blacklist is the administrator's to edit: an upgrade must keep their change.
    const control = join(work, 'control');
    expect(run('dpkg-deb', ['-e', deb, control]).status).toBe(0);
    expect(readFileSync(join(control, 'conffiles'), 'utf8').trim()).toBe('/etc/modprobe.d/blacklist-chot-nfc.conf');
    expect(readFileSync(join(installed, 'usr/lib/tmpfiles.d/chot-kiosk.conf'), 'utf8')).toMatch(/^d \/var\/lib\/chot 0700 chot chot -$/m);
  });

  it.skipIf(lintianMissing !== undefined)(
    `lintian finds no errors${lintianMissing === undefined ? '' : ` (skipped: ${lintianMissing})`}`,
    () => {
      const result = run('lintian', [deb]);
      const errors = result.stdout.split('\n').filter((line) => line.startsWith('E:'));
      expect(errors).toEqual([]);
    },
    240_000,
  );

  it('the core’s unit is a watched, always-restarted, hardened notify service writing only its data dir', () => {
    const core = unitSettings(join(installed, 'usr/lib/systemd/system/chot-core.service'));
    expect(core.get('Type')).toEqual(['notify']);
    expect(core.get('NotifyAccess')).toEqual(['all']);
    expect(core.get('WatchdogSec')?.length).toBe(1);
    expect(core.get('Restart')).toEqual(['always']);
    expect(core.get('ExecStart')).toEqual(['/usr/bin/chot start --browser --port 8080']);
    expect(core.get('User')).toEqual(['chot']);
    expect(core.get('ProtectSystem')).toEqual(['strict']);
    expect(core.get('ReadWritePaths')).toEqual(['/var/lib/chot']);
    expect(core.get('NoNewPrivileges')).toEqual(['yes']);
    expect(core.get('PrivateTmp')).toEqual(['yes']);
    // The databases' key: the credential `chot db-key seal` writes to /etc/credstore.encrypted, by ID.
    expect(core.get('LoadCredentialEncrypted')).toEqual(['chot-db-key']);
    const display = unitSettings(join(installed, 'usr/lib/systemd/system/chot-display.service'));
    expect(display.get('User')).toEqual(['chot-display']);
    expect(display.get('TTYPath')).toEqual(['/dev/tty1']);
    expect(display.get('PAMName')).toEqual(['login']);
    expect(display.get('Restart')).toEqual(['always']);
    // The screen shows the core's port: the one the core's unit gives it.
    expect(readFileSync(join(installed, APP, 'bin/chot-display'), 'utf8')).toMatch(/exec cage -s -- chromium --kiosk /);
  });

  it.skipIf(systemdMissing !== undefined)(
    `systemd-analyze verify accepts both units in the installed tree${systemdMissing === undefined ? '' : ` (skipped: ${systemdMissing})`}`,
    () => {
      // The root needs systemd's own units (sysinit.target, graphical.target…) as a real system
      // has them; ours are copied over nothing (force: false), so the package's files are verified.
      cpSync('/usr/lib/systemd/system', join(installed, 'usr/lib/systemd/system'), { recursive: true, force: false, dereference: false });
      const result = run('systemd-analyze', ['verify', `--root=${installed}`, '--man=no', 'chot-core.service', 'chot-display.service']);
      // Unknown keys, wrong sections and missing executables are all reported here.
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it.skipIf(systemdMissing !== undefined)(
    `systemd-sysusers makes the service users with the groups the device rules expect${systemdMissing === undefined ? '' : ` (skipped: ${systemdMissing})`}`,
    () => {
      const result = run('systemd-sysusers', [`--root=${installed}`]);
      expect(result.status, result.stderr).toBe(0);
      const members = (group: string) =>
        readFileSync(join(installed, 'etc/group'), 'utf8')
          .split('\n')
          .find((line) => line.startsWith(`${group}:`))
          ?.split(':')[3]
          ?.split(',');
      expect(readFileSync(join(installed, 'etc/passwd'), 'utf8')).toMatch(/^chot:.*:\/usr\/sbin\/nologin$/m);
      expect(members('plugdev')).toContain('chot');
      expect(members('dialout')).toContain('chot');
      // The screen's user reads the core's URL file (group chot) and nothing of the data dir.
      expect(members('chot')).toContain('chot-display');
    },
  );

  it('postinst seals a database key when there is none, never over one, and installs on when sealing fails', () => {
    const control = join(work, 'postinst-control');
    expect(run('dpkg-deb', ['-e', deb, control]).status).toBe(0);
    const postinst = join(control, 'postinst');
    expect(statSync(postinst).mode & 0o777).toBe(0o755);
    // The system tools it calls, stood in for by scripts that only note their call (shell
    // built-ins only: PATH holds nothing else, so nothing of this machine is changed).
    const bin = join(work, 'postinst-bin');
    const calls = join(work, 'postinst-calls');
    mkdirSync(bin);
    const stub = (name: string, body = ''): void =>
      writeFileSync(join(bin, name), `#!/bin/sh\necho "\${0##*/} $*" >> '${calls}'\n${body}\nexit 0\n`, { mode: 0o755 });
    for (const name of ['systemd-sysusers', 'systemd-tmpfiles', 'udevadm', 'systemctl', 'deb-systemd-invoke']) stub(name);
    stub('deb-systemd-helper', '[ "$1" = --quiet ] && exit 1');
    const configure = (chot: string): { status: number | null; stderr: string; calls: string[] } => {
      stub('chot', chot);
      rmSync(calls, { force: true });
      const result = spawnSync('/bin/sh', [postinst, 'configure', ''], { encoding: 'utf8', env: { PATH: bin, DPKG_ROOT: target } });
      const lines = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
      return { status: result.status, stderr: result.stderr, calls: lines };
    };
    const target = join(work, 'postinst-root');
    const credential = join(target, 'etc/credstore.encrypted/chot-db-key');
    // systemd's credential store: made by the real `chot db-key seal` when it is missing.
    mkdirSync(dirname(credential), { recursive: true });

    // A first install: no key yet, one is sealed (a stand-in for systemd-creds' work).
    const first = configure('[ "$1 $2" = "db-key seal" ] && echo SEALED > "$8"');
    expect(first.status, first.stderr).toBe(0);
    expect(first.calls).toContain(`chot db-key seal --with-key auto --data-dir ${join(target, 'var/lib/chot')} --out ${credential}`);
    expect(readFileSync(credential, 'utf8')).toBe('SEALED\n');

    // An upgrade: the key is there, the data encrypted under it; it is left alone.
    const upgrade = configure('echo SHOULD-NOT-RUN > "$8"');
    expect(upgrade.status, upgrade.stderr).toBe(0);
    expect(upgrade.calls.filter((call) => call.startsWith('chot '))).toEqual([]);
    expect(readFileSync(credential, 'utf8')).toBe('SEALED\n');

    // A machine where nothing can seal one: the install goes on, saying so.
    rmSync(credential);
    const unsealable = configure('exit 1');
    expect(unsealable.status, unsealable.stderr).toBe(0);
    expect(unsealable.stderr).toContain('no database key could be sealed');
    expect(unsealable.calls).toContain('deb-systemd-helper enable chot-core.service chot-display.service');
  });

  it.skipIf(cageMissing !== undefined)(
    `the display’s cage is there as Depends promises, and takes the options chot-display gives it${cageMissing === undefined ? '' : ` (skipped: ${cageMissing})`}`,
    () => {
      const display = readFileSync(join(installed, APP, 'bin/chot-display'), 'utf8');
      const options = /exec cage ((?:-\w )*)--/.exec(display)?.[1]?.trim().split(' ') ?? [];
      expect(options).toEqual(['-s']);
      const help = spawnSync('cage', ['-h'], { encoding: 'utf8' });
      for (const option of options) expect(`${help.stdout}${help.stderr}`).toMatch(new RegExp(`^\\s*${option}\\s`, 'm'));
    },
  );

  it('the installed tree starts the core: it serves the kiosk page and leaves the URL for the screen', async () => {
    const dataDir = tempDataDir('chot-deb-data-');
    const urlFile = join(work, 'kiosk-url');
    const child = spawn(process.execPath, [join(installed, APP, 'bin/chot.js'), 'start', '--browser', '--data-dir', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHOT_KIOSK_URL_FILE: urlFile },
    });
    try {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.once('exit', (code) => reject(new Error(`the installed core exited with ${code}: ${stderr}`)));
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /^kiosk-url: (\S+)$/m.exec(stdout);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
      });
      const page = await fetch(new URL('/', url));
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      expect(readFileSync(urlFile, 'utf8')).toBe(`${url}\n`);
      expect(statSync(urlFile).mode & 0o777).toBe(0o640);
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
