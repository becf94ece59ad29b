import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../../support/kiosk-process.js';

const root = repoRoot();
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

interface TargetEntry {
  readonly target: string;
  readonly arch?: readonly string[];
}

/** The parts of the configuration the assertions read; the schema vouches for the rest. */
interface BuilderConfig {
  readonly appId: string;
  readonly productName: string;
  readonly directories: { readonly output: string };
  readonly files: readonly string[];
  readonly asar: boolean;
  readonly asarUnpack: readonly string[];
  readonly npmRebuild: boolean;
  readonly buildDependenciesFromSource: boolean;
  readonly linux: { readonly target: readonly TargetEntry[]; readonly maintainer: string };
  readonly win: { readonly target: readonly TargetEntry[] };
  readonly electronFuses: Readonly<Record<string, boolean>>;
  readonly deb: { readonly depends?: readonly string[] };
}

/** The deb dependencies electron-builder declares when the configuration names none (its schema's default). */
function defaultDebDepends(schema: unknown): string[] {
  const definitions = (schema as { definitions: Record<string, { properties: Record<string, { default?: unknown }> }> }).definitions;
  const depends = definitions.DebOptions?.properties.depends?.default;
  if (!Array.isArray(depends) || depends.length === 0) throw new Error("electron-builder's schema names no default deb dependencies");
  return depends as string[];
}

const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** The architectures each target is built for, e.g. `{ AppImage: ['x64', 'arm64'] }`. */
function archesByTarget(targets: readonly TargetEntry[]): Record<string, string[]> {
  return Object.fromEntries(targets.map((entry) => [entry.target, [...(entry.arch ?? [])].sort()]));
}

describe('electron-builder.yml', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    // The schema electron-builder itself validates its configuration with.
    validate = new Ajv({ allErrors: true, strict: false }).compile(readJson('node_modules/app-builder-lib/scheme.json') as object);
  });

  it("is valid against electron-builder's own schema", () => {
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: an unknown option or a misplaced target is refused', () => {
    expect(validate({ ...config, npmRebuilt: true })).toBe(false);
    expect(validate({ ...config, linux: { ...config.linux, target: [{ target: 'deb', arch: ['sparc'] }] } })).toBe(false);
  });

  it('names the app and writes installers to release/, not over dist/', () => {
    expect(config.appId).toBe('vn.chot.kiosk');
    expect(config.productName).toBe('Chốt');
    expect(config.directories.output.replace(/\/$/, '')).toBe('release');
  });

  it('builds an AppImage and a deb for x64 and arm64 on Linux', () => {
    expect(archesByTarget(config.linux.target)).toEqual({ AppImage: ['arm64', 'x64'], deb: ['arm64', 'x64'] });
    // The deb target refuses to build without a maintainer's email.
    expect(config.linux.maintainer).toMatch(/<[^@\s]+@[^>\s]+>/);
  });

  it('flips every hardening fuse: no Node runtime, no NODE_OPTIONS, no inspector, no file: privileges; asar only, checked, cookies encrypted', () => {
    // The whole object, so a fuse added or removed here is a decision a reviewer sees.
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('the schema refuses a misspelt fuse, so a fuse that electron-builder would ignore cannot pass', () => {
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).toBe(false);
  });

  it("the deb depends on what Electron needs (electron-builder's defaults, which a `depends` list replaces) and on the chip reader's PC/SC stack and polkit", () => {
    const depends = config.deb.depends ?? [];
    for (const dependency of defaultDebDepends(readJson('node_modules/app-builder-lib/scheme.json'))) expect(depends).toContain(dependency);
    expect(depends).toEqual(expect.arrayContaining(['pcscd', 'libccid', 'libpcsclite1']));
    // polkitd is the package's name since Debian 12; older releases ship the daemon as policykit-1.
    expect(depends).toContain('polkitd | policykit-1');
  });

  it('builds an NSIS installer for x64 on Windows', () => {
    expect(archesByTarget(config.win.target)).toEqual({ nsis: ['x64'] });
  });

  it('packs the app into asar, with native addons unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it("rebuilds native modules (better-sqlite3) for Electron's ABI, from prebuilds where there are some", () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('ships the compiled app and package.json, but no tests and no TypeScript sources', () => {
    const includes = config.files.filter((pattern) => !pattern.startsWith('!'));
    const excludes = config.files.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    expect(includes).toContain('dist/**/*');
    expect(includes).toContain('package.json');
    // tsc compiles tests/support into dist/tests: excluded.
    expect(excludes.some((pattern) => pattern.startsWith('dist/tests'))).toBe(true);
    // tsc -b emits declarations for the projects that reference each other: they do not ship.
    expect(excludes).toContain('dist/**/*.d.ts');
    // Nothing outside dist/ and bin/ but package.json: no source folder, no catch-all.
    for (const pattern of includes) {
      expect(pattern === 'package.json' || /^(dist|bin)\//.test(pattern), pattern).toBe(true);
    }
    // node_modules are electron-builder's to collect (production dependencies only).
    expect(excludes.filter((pattern) => pattern.includes('node_modules'))).toEqual([]);
  });
});
