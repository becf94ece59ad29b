import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportCommand } from '../../../hub/import/import-command.js';
import { tempDataDir } from '../../support/kiosk-process.js';

// What a terminal would obey: ESC, NUL and the other C0 controls but the line feeds the
// command writes itself, C1 controls, DEL, bidi controls.
// eslint-disable-next-line no-control-regex -- the controls are what is looked for
const OBEYED = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\uFEFF]/u;

async function importFile(lines: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempDataDir('chot-import-tty-');
  const file = join(dir, 'export.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  let stdout = '';
  let stderr = '';
  const code = await runImportCommand({
    kind: 'vaccination',
    file,
    location: { dataDir: join(dir, 'hub') },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    nowMs: Date.parse('2021-10-20T08:00:00+07:00'),
  });
  return { code, stdout, stderr };
}

describe('chot hub import prints no cell bytes a terminal would obey', () => {
  it('escapes ESC sequences, NUL, C1 controls and bidi controls in the cells it quotes', async () => {
    const run = await importFile([
      'id,dose,date,product',
      '056089001234,1,2021-07-30\u001B[2J\u001B]0;owned\u0007,Pfizer',
      '079195004321,1,2021-08-01,Astra\u0000Zeneca',
      '001201005678,x\u009B31m,2021-08-02,Moderna',
      '048078008765,1,2021-08-03,Jan\u202Essen',
      '"031190002468\nline 9: fine",1,2021-08-04,Sinopharm',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused, nothing was imported');
    expect(OBEYED.test(run.stderr)).toBe(false);
    expect(run.stderr).toContain('2021-07-30\\x1b[2J\\x1b]0;owned\\x07');
    expect(run.stderr).toContain('Astra\\x00Zeneca');
    expect(run.stderr).toContain('x\\x9b31m');
    expect(run.stderr).toContain('Jan\\u{202e}ssen');
    // A new line in a quoted cell cannot fake a report line of its own.
    expect(run.stderr).toContain('031190002468\\nline 9: fine');
    expect(run.stderr.split('\n').filter((line) => line.startsWith('line 9'))).toEqual([]);
  });

  it('escapes a header cell it quotes', async () => {
    const run = await importFile(['id,dose,date,product,\u001B[31mname', '056089001234,1,2021-07-30,Pfizer,x']);
    expect(run.code).toBe(1);
    expect(OBEYED.test(run.stderr)).toBe(false);
    expect(run.stderr).toContain('\\x1b[31mname');
  });
});
