#!/usr/bin/env node
// Builds the Debian package chot-kiosk: Chốt in browser mode as an unattended appliance
// (no Electron). It stages the installed tree and packs it with `dpkg-deb --build`:
//
//   /usr/lib/chot-kiosk/         dist/ (without tests and declarations), bin/, package.json and
//                                the production node_modules, copied from this checkout
//   /usr/bin/chot                the command, running the app above with the system's Node
//   /usr/lib/systemd/system/     chot-core.service, chot-display.service (packaging/systemd)
//   /usr/lib/sysusers.d/, /usr/lib/tmpfiles.d/   the users chot, chot-display and /var/lib/chot
//   /usr/lib/udev/rules.d/, /usr/share/polkit-1/rules.d/, /etc/modprobe.d/ (a conffile)
//
//   node scripts/package-deb.mjs [--out DIR]      (npm run package:deb; run `npm run build` first)
//
// The package is per architecture, and per Node major: better-sqlite3, serialport, node-hid and
// smartcard are native addons compiled by `npm ci` for this machine's CPU and Node ABI, so build
// it on the architecture and with the Node major of the kiosks' Debian `nodejs`.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = 'chot-kiosk';
const APP_DIR = `usr/lib/${PACKAGE}`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error !== undefined) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function put(tree, path, text, mode = 0o644) {
  const file = join(tree, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

function copy(tree, from, to, mode = 0o644) {
  put(tree, to, readFileSync(join(root, from)), mode);
}

/** The app's own files: what electron-builder.yml ships too (no tests, declarations or build info). */
function copyApp(app) {
  cpSync(join(root, 'dist'), join(app, 'dist'), {
    recursive: true,
    filter: (source) => {
      const path = relative(join(root, 'dist'), source);
      return path !== 'tests' && !path.startsWith(`tests${sep}`) && !source.endsWith('.d.ts') && !source.endsWith('.tsbuildinfo');
    },
  });
  cpSync(join(root, 'bin'), join(app, 'bin'), { recursive: true });
  cpSync(join(root, 'package.json'), join(app, 'package.json'));
}

/**
 * The SQLite bindings compiled at `npm ci` (better-sqlite3 for the hub, its multiple-ciphers
 * fork for the kiosk's encrypted databases) ship their C sources: deps/ holds SQLite's
 * amalgamation (with SQLite3 Multiple Ciphers' ciphers), src/ the binding's C++. Only lib/ and
 * the built addon run.
 */
const SQLITE_BINDINGS = new Set(['better-sqlite3', 'better-sqlite3-multiple-ciphers']);

/**
 * What of an installed module the kiosk runs. Not: compilers' leftovers (the built addon is
 * build/Release/*.node; the object files under build/Release/obj*, static libraries), the C
 * sources of the SQLite bindings, the test addon better-sqlite3 builds, prebuilt addons for
 * other systems (serialport and node-hid carry them for every OS and CPU; only linux-<this
 * arch> with glibc loads here), and dotfiles (the authors' lint, git and npm settings).
 */
function keepModuleFile(parts) {
  const name = parts[parts.length - 1];
  if (name.startsWith('.') || name.endsWith('.o') || name.endsWith('.a') || name.endsWith('.mk') || name === 'test_extension.node') return false;
  if (SQLITE_BINDINGS.has(parts[0]) && (parts[1] === 'deps' || parts[1] === 'src')) return false;
  const release = parts.indexOf('Release');
  if (parts.includes('obj.target') || (release > 0 && parts[release - 1] === 'build' && parts[release + 1]?.startsWith('obj'))) return false;
  const prebuilds = parts.indexOf('prebuilds');
  if (prebuilds !== -1 && prebuilds + 1 < parts.length) {
    const target = parts[prebuilds + 1];
    return target.endsWith(`linux-${process.arch}`) && !name.includes('musl');
  }
  return true;
}

/** The production dependencies as installed here (native addons already built), without devDependencies. */
function copyProductionModules(app) {
  const listed = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root }).split('\n');
  const modules = join(root, 'node_modules');
  // A package under another's node_modules comes with that one: copy the top-level ones only.
  const topLevel = listed.filter((path) => {
    if (!path.startsWith(modules + sep)) return false;
    const rest = relative(modules, path).split(sep);
    return !rest.includes('node_modules') && rest.length === (rest[0].startsWith('@') ? 2 : 1);
  });
  for (const path of topLevel) {
    cpSync(path, join(app, 'node_modules', relative(modules, path)), {
      recursive: true,
      filter: (source) => keepModuleFile(relative(modules, source).split(sep)),
    });
  }
  return topLevel.length;
}

function walk(dir, visit) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      visit(path, true);
      walk(path, visit);
    } else visit(path, false);
  }
}

/** Owner-writable, world-readable: executables 0755, everything else 0644. */
function normaliseModes(tree) {
  walk(tree, (path, isDir) => {
    if (isDir) return chmodSync(path, 0o755);
    if (lstatSync(path).isSymbolicLink()) return;
    // By content, not by the mode npm left: scripts (a shebang) and programs (ELF) run; an addon
    // is an ELF shared library that Node loads, not a program (lintian insists on both).
    const head = readFileSync(path).subarray(0, 4);
    const executable = !path.endsWith('.node') && (head.subarray(0, 2).toString('latin1') === '#!' || head.toString('latin1') === '\x7fELF');
    chmodSync(path, executable ? 0o755 : 0o644);
  });
}

/** Debug symbols are of no use on a kiosk: strip the addons (lintian asks for it). */
function stripAddons(tree) {
  walk(tree, (path, isDir) => {
    if (!isDir && path.endsWith('.node')) spawnSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', path]);
  });
}

function md5sums(tree) {
  const lines = [];
  walk(tree, (path, isDir) => {
    const rel = relative(tree, path);
    if (isDir || rel.startsWith(`DEBIAN${sep}`)) return;
    lines.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${rel.split(sep).join('/')}`);
  });
  return lines.sort().join('\n') + '\n';
}

function installedSizeKiB(tree) {
  let bytes = 0;
  walk(tree, (path, isDir) => (bytes += isDir ? 4096 : statSync(path).size));
  return Math.ceil(bytes / 1024);
}

/** Stages the installed tree and builds the .deb; returns its path. */
export function buildDebPackage(outDir = join(root, 'release')) {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // Packaging revision 1 of the app's version: the package is not Debian-native (its changelog is the app's).
  const debianVersion = `${version}-1`;
  const arch = run('dpkg', ['--print-architecture']).trim();
  const stage = mkdtempSync(join(tmpdir(), 'chot-deb-'));
  const tree = join(stage, PACKAGE);
  try {
    const app = join(tree, APP_DIR);
    copyApp(app);
    copyProductionModules(app);
    copy(tree, 'packaging/systemd/chot-display', `${APP_DIR}/bin/chot-display`, 0o755);
    // The system's Node (Depends: nodejs), with source maps: a crash names our TypeScript's file:line.
    put(tree, 'usr/bin/chot', `#!/bin/sh\nexec /usr/bin/node --enable-source-maps /${APP_DIR}/bin/chot.js "$@"\n`, 0o755);
    copy(tree, 'packaging/systemd/chot-core.service', 'usr/lib/systemd/system/chot-core.service');
    copy(tree, 'packaging/systemd/chot-display.service', 'usr/lib/systemd/system/chot-display.service');
    copy(tree, 'packaging/systemd/chot-kiosk.sysusers', `usr/lib/sysusers.d/${PACKAGE}.conf`);
    copy(tree, 'packaging/systemd/chot-kiosk.tmpfiles', `usr/lib/tmpfiles.d/${PACKAGE}.conf`);
    copy(tree, 'packaging/udev/70-chot.rules', 'usr/lib/udev/rules.d/70-chot.rules');
    copy(tree, 'packaging/polkit/70-chot-pcscd.rules', 'usr/share/polkit-1/rules.d/70-chot-pcscd.rules');
    copy(tree, 'packaging/modprobe/blacklist-chot-nfc.conf', 'etc/modprobe.d/blacklist-chot-nfc.conf');
    const doc = `usr/share/doc/${PACKAGE}`;
    copy(tree, 'packaging/debian/copyright', `${doc}/copyright`);
    copy(tree, 'README.md', `${doc}/README.md`);
    copy(tree, 'docs/deployment.md', `${doc}/deployment.md`);
    const date = new Date().toUTCString().replace('GMT', '+0000');
    const changelog = `${PACKAGE} (${debianVersion}) unstable; urgency=medium\n\n  * Chot ${version}, packaged for browser mode.\n\n -- Chot project <chot@chot.invalid>  ${date}\n`;
    put(tree, `${doc}/changelog.Debian.gz`, gzipSync(changelog, { level: 9 }));
    stripAddons(tree);
    normaliseModes(tree);
    const control = readFileSync(join(root, 'packaging/debian/control'), 'utf8')
      .replace('@VERSION@', debianVersion)
      .replace('@ARCH@', arch)
      .replace('@SIZE@', String(installedSizeKiB(tree)));
    put(tree, 'DEBIAN/control', control);
    copy(tree, 'packaging/debian/conffiles', 'DEBIAN/conffiles');
    for (const script of ['postinst', 'prerm', 'postrm']) copy(tree, `packaging/debian/${script}`, `DEBIAN/${script}`, 0o755);
    put(tree, 'DEBIAN/md5sums', md5sums(tree));
    mkdirSync(outDir, { recursive: true });
    const deb = join(outDir, `${PACKAGE}_${debianVersion}_${arch}.deb`);
    run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, deb]);
    return deb;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  try {
    process.stdout.write(`${buildDebPackage(at === -1 ? undefined : process.argv[at + 1])}\n`);
  } catch (error) {
    process.stderr.write(`package-deb: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
