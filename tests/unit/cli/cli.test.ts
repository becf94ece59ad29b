import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chotInProcess } from '../../support/chot-in-process.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';

const chot = chotInProcess;

afterEach(() => vi.restoreAllMocks());

describe('chot CLI', () => {
  it('an error quoting a file’s bytes prints them escaped, never as terminal controls', async () => {
    const file = join(tempDataDir('chot-cli-'), 'rules.json');
    writeFileSync(file, '\u001B]0;owned\u0007\u001B[2J\u009B31m\u202E');
    const { code, stderr } = await chot('rules', 'check', file);
    expect(code).toBe(2);
    // eslint-disable-next-line no-control-regex -- the controls are what is looked for
    expect(stderr).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/u);
    expect(stderr).toContain('\\x1b');
  });

  it('--version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    expect(await chot('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the real commands', async () => {
    const { code, stdout } = await chot('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+start\s+start the kiosk/m);
  });

  it('no command prints usage and exits 2', async () => {
    const { code, stdout } = await chot();
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: chot <command>');
  });

  it('an unknown command is refused with exit code 2', async () => {
    const { code, stderr } = await chot('fly');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "fly"');
  });

  it.each(['toString', 'constructor', '__proto__'])('a command named like an object property (%s) is unknown too, not a crash', async (name) => {
    const { code, stderr } = await chot(name);
    expect(code).toBe(2);
    expect(stderr).toContain(`unknown command "${name}"`);
  });

  it('start --help documents its options', async () => {
    const { code, stdout } = await chot('start', '--help');
    expect(code).toBe(0);
    for (const option of ['--data-dir', '--port', '--open', '--browser']) expect(stdout).toContain(option);
  });

  it.each([
    [['start', '--port', '70000'], '--port must be 0–65535'],
    [['start', '--port', 'abc'], '--port must be 0–65535'],
    [['start', '--colour', 'red'], "Unknown option '--colour'"],
  ])('start %j is a usage error', async (argv, message) => {
    const { code, stderr } = await chot(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
