import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, runElectron } from '../../../../main/launcher/electron-binary.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

function fakeElectronPackage(options: { pathTxt?: string; binary?: boolean }): string {
  const dir = tempDataDir('chot-electron-');
  if (options.pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), options.pathTxt);
  if (options.binary === true) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'electron'), '');
  }
  return dir;
}

describe('findElectronBinary', () => {
  it('is null when the electron package is not installed', () => {
    expect(findElectronBinary({}, null)).toBeNull();
  });

  it('is null when the binary was never downloaded (no path.txt), without trying to download it', () => {
    expect(findElectronBinary({}, fakeElectronPackage({}))).toBeNull();
  });

  it('is null when path.txt names a binary that is missing', () => {
    expect(findElectronBinary({}, fakeElectronPackage({ pathTxt: 'electron' }))).toBeNull();
  });

  it('finds the downloaded binary', () => {
    const dir = fakeElectronPackage({ pathTxt: 'electron\n', binary: true });
    expect(findElectronBinary({}, dir)).toBe(join(dir, 'dist', 'electron'));
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const override = fakeElectronPackage({ binary: true });
    const dir = fakeElectronPackage({ pathTxt: 'electron' });
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: join(override, 'dist') }, dir)).toBe(join(override, 'dist', 'electron'));
  });
});

describe('runElectron', () => {
  it.each([
    [
      'not executable',
      'EACCES',
      (dir: string) => {
        writeFileSync(join(dir, 'electron'), '#!/bin/sh\n', { mode: 0o644 });
        return join(dir, 'electron');
      },
    ],
    ['gone since it was found', 'ENOENT', (dir: string) => join(dir, 'electron')],
  ])('an Electron that is %s is reported with exit code 1, not thrown', async (_label, code, make) => {
    const lines: string[] = [];
    expect(await runElectron(make(tempDataDir('chot-electron-')), ['--version'], (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toContain(code);
  });

  it('passes on the exit code of an Electron that ran', async () => {
    const dir = tempDataDir('chot-electron-');
    writeFileSync(join(dir, 'electron'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    expect(await runElectron(join(dir, 'electron'), [], () => undefined)).toBe(3);
  });
});
