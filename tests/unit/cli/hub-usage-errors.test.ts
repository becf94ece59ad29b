import { afterEach, describe, expect, it, vi } from 'vitest';
import { chotInProcess } from '../../support/chot-in-process.js';

const chot = chotInProcess;

afterEach(() => vi.restoreAllMocks());

// The first line of each hub command's usage, as the hub's help prints it.
const USAGE_LINES = {
  import: '  import --kind KIND FILE.csv [--pg URL]',
  'issue-pass': '  issue-pass --id ID12',
  badges: '  badges --csv FILE --out FILE.pdf',
  report: '  report --from YYYY-MM-DD --to YYYY-MM-DD',
  revoke: '  revoke DEVICE_ID [--pg URL]',
  'enroll-code': '  enroll-code --location "NAME"',
  rules: '  rules publish FILE|--builtin NAME',
  serve: '  serve [--port N]',
} as const;

describe('a hub usage error prints the one-line error and that command’s usage only', () => {
  it.each([
    ['import', ['--kind', 'names', 'x.csv'], '--kind must be one of person, vaccination, test, recovery, quarantine'],
    ['issue-pass', ['--id', '56089001234'], '--id must be a 12-digit citizen ID'],
    ['badges', ['--out', 'class.pdf'], '--csv FILE is the list of people to print badges for'],
    ['report', ['--to', '2021-10-24'], '--from and --to are needed'],
    ['revoke', [], 'revoke takes exactly one DEVICE_ID'],
    ['enroll-code', [], '--location "NAME" is needed'],
    ['rules', ['publish'], 'publish takes a FILE or --builtin NAME'],
    ['serve', ['--port', '99999'], '--port must be 0–65535'],
  ] as const)('chot hub %s %j', async (command, args, message) => {
    const { code, stdout, stderr } = await chot('hub', command, ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain(`chot hub: ${message}`);
    expect(stderr).toContain(USAGE_LINES[command]);
    for (const [other, line] of Object.entries(USAGE_LINES)) if (other !== command) expect(stderr, other).not.toContain(line);
    expect(stderr).not.toContain('Usage: chot hub <command>');
  });

  it('an unknown or missing hub command still gets the list of every command', async () => {
    for (const argv of [['hub', 'imprt'], ['hub'], ['hub', 'toString']]) {
      const { code, stderr } = await chot(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toContain('Usage: chot hub <command>');
    }
  });
});
