import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useQrWasmFromPackage } from '../../../cli/commands/decode-image.js';
import type { PassCredential } from '../../../domain/credentials/credential.js';
import { parsePass } from '../../../domain/credentials/pass/parse-pass.js';
import { sheetPage, singleCardPage } from '../../../hub/passes/pass-card-layout.js';
import { hubKeyStoreFromKeys } from '../../../main/trust/hub-key-store.js';
import { chotInProcess } from '../../support/chot-in-process.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { pdfPageSizes, rasterisePdf, readQrInBox } from '../../support/pdf-raster.js';
import { systemPackageMissing } from '../../support/system-package.js';

const popplerMissing = systemPackageMissing('poppler-utils');
const DPI = 200;
const mm = (points: number) => Math.round((points * 25.4) / 72);

/** A hub that knows three pupils (two vaccinated) of a class in Gò Dầu, Tây Ninh. */
async function hubWithClass(): Promise<{ data: string; dir: string }> {
  const dir = tempDataDir('chot-badges-');
  const data = join(dir, 'hub');
  writeFileSync(join(dir, 'people.csv'), 'id,old_id,bhxh_number\n072306001001,,\n072207001002,,\n072306001003,,\n');
  writeFileSync(join(dir, 'doses.csv'), 'id,dose,date,product\n072306001001,1,2021-09-20,Comirnaty\n072207001002,1,2021-09-21,Comirnaty\n');
  expect((await chotInProcess('hub', 'import', '--kind', 'person', join(dir, 'people.csv'), '--data', data)).code).toBe(0);
  expect((await chotInProcess('hub', 'import', '--kind', 'vaccination', join(dir, 'doses.csv'), '--data', data)).code).toBe(0);
  return { data, dir };
}

async function trustOf(data: string) {
  return hubKeyStoreFromKeys([(await chotInProcess('hub', 'public-key', '--data', data)).stdout.trim()]);
}

describe('chot hub badges: the list', () => {
  it('reports unknown and bad rows by line, with the import’s hints, and prints the rest', async () => {
    const { data, dir } = await hubWithClass();
    // As a spreadsheet set to Vietnamese saves it: `;` between fields, a BOM, CRLF.
    const list =
      '\uFEFFid;name;birth_year\r\n' +
      '072306001001;Nguyễn Thị Ánh;2006\r\n' +
      '72306001003;Trần Văn Bảo;2006\r\n' + // the spreadsheet ate the leading 0
      '072306009999;Lê Văn Cường;2006\r\n' + // not in the hub's data
      '072207001002;Phạm Thu Dung;2006\r\n' + // the ID says 2007
      '072306001003;Võ Minh Em;\r\n' +
      '072306001001;Nguyễn Thị Ánh;2006\r\n' +
      ';;\r\n';
    writeFileSync(join(dir, 'class.csv'), list);
    const out = join(dir, 'class.pdf');
    writeFileSync(out, 'an older print, readable by all', { mode: 0o644 });
    const run = await chotInProcess('hub', 'badges', '--csv', join(dir, 'class.csv'), '--out', out, '--data', data, '--issuer', 'Trường THCS Gò Dầu');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`printed 2 badges on 1 page to ${out}, valid 30 days\n`);
    expect(run.stderr.split('\n')).toEqual([
      `chot hub badges: ${join(dir, 'class.csv')}: 4 rows not printed (the others were printed):`,
      '  line 3: id "72306001003" has 11 digits: a spreadsheet dropped its leading 0 (it is 072306001003); format the id column as Text and export again',
      '  line 4: id "072306009999" is not in the hub\'s data: import the person first (chot hub import), or check the ID',
      '  line 5: birth_year "2006" does not match the ID, whose digits say 2007',
      '  line 7: the same ID as line 2: one badge a person',
      '',
    ]);
    // Names and birth years for the operator only.
    expect(statSync(out).mode & 0o077).toBe(0);
  });

  it('a list without its columns, or with none the hub knows, prints nothing', async () => {
    const { data, dir } = await hubWithClass();
    writeFileSync(join(dir, 'wrong.csv'), 'id,ho_ten\n072306001001,An\n');
    const wrong = await chotInProcess('hub', 'badges', '--csv', join(dir, 'wrong.csv'), '--out', join(dir, 'w.pdf'), '--data', data);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('line 1: unexpected column "ho_ten" (a badge list has the columns id,name,birth_year;');
    expect(wrong.stderr).toContain('line 1: missing column "name"');
    expect(wrong.stderr).toContain('nothing was printed');
    writeFileSync(join(dir, 'strangers.csv'), 'id,name,birth_year\n072306009999,Lê Văn Cường,2006\n');
    const strangers = await chotInProcess('hub', 'badges', '--csv', join(dir, 'strangers.csv'), '--out', join(dir, 's.pdf'), '--data', data);
    expect(strangers).toMatchObject({ code: 1, stdout: '' });
    expect(() => statSync(join(dir, 's.pdf'))).toThrow();
  });

  it.each([
    [['--out', 'x.pdf'], '--csv FILE is the list'],
    [['--csv', 'x.csv'], '--out FILE.pdf is where'],
    [['--csv', 'x.csv', '--out', 'x.png'], '--out FILE.pdf is where'],
    [['--csv', 'x.csv', '--out', 'x.pdf', '--card', 'a4'], '--card must be id1 or a6'],
    [['--csv', 'x.csv', '--out', 'x.pdf', '--valid-days', '400'], '--valid-days must be a whole number of days, 1–366'],
  ])('usage error: %j', async (args, message) => {
    const run = await chotInProcess('hub', 'badges', ...args, '--data', tempDataDir('chot-badges-usage-'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe.skipIf(popplerMissing !== undefined)(
  `chot hub badges and issue-pass print cards${popplerMissing === undefined ? '' : ` (skipped: ${popplerMissing})`}`,
  { timeout: 60_000 },
  () => {
    beforeAll(() => useQrWasmFromPackage());

    it('a class sheet: every badge’s QR read back by the decoder is a valid pass of the right pupil with the hub’s facts', async () => {
      const { data, dir } = await hubWithClass();
      writeFileSync(
        join(dir, 'class.csv'),
        'id,name,birth_year\n072306001001,Nguyễn Thị Ánh,2006\n072207001002,Phạm Thu Dung,2007\n072306001003,Võ Minh Em,\n',
      );
      const out = join(dir, 'class.pdf');
      const run = await chotInProcess('hub', 'badges', '--csv', join(dir, 'class.csv'), '--out', out, '--data', data, '--valid-days', '14');
      expect(run).toMatchObject({ code: 0, stderr: '', stdout: `printed 3 badges on 1 page to ${out}, valid 14 days\n` });
      const pdf = readFileSync(out);
      expect(pdfPageSizes(pdf).map((p) => [mm(p.width), mm(p.height)])).toEqual([[210, 297]]);
      const [page] = rasterisePdf(pdf, DPI);
      const trust = await trustOf(data);
      const passes: PassCredential[] = [];
      for (const slot of sheetPage('id1').slots.slice(0, 3)) {
        const read = await readQrInBox(page!, slot, DPI);
        if (!read.ok) throw new Error('a badge’s QR was not read');
        passes.push(parsePass(read.text, { now: Date.now(), hubKeys: trust }) as PassCredential);
      }
      expect(passes.map((p) => [p.authenticity, p.identifiers.id12, p.subject])).toEqual([
        ['signed-valid', '072306001001', { name: 'Nguyễn Thị Ánh', birthDate: '2006' }],
        ['signed-valid', '072207001002', { name: 'Phạm Thu Dung', birthDate: '2007' }],
        ['signed-valid', '072306001003', { name: 'Võ Minh Em' }],
      ]);
      expect(passes.map((p) => p.embeddedFacts?.doses.length)).toEqual([1, 1, 0]);
      const days = (Date.parse(passes[0]!.pass.expiresAt) - Date.parse(passes[0]!.pass.issuedAt)) / 86_400_000;
      expect(days).toBe(14);
    });

    it('issue-pass --name --birth-year --card a6 --out: an A6 page whose QR is the pass printed on stdout', async () => {
      const { data, dir } = await hubWithClass();
      const out = join(dir, 'pass.pdf');
      const run = await chotInProcess(
        'hub',
        'issue-pass',
        '--id',
        '072306001001',
        '--name',
        'Nguyễn Thị Ánh',
        '--birth-year',
        '2006',
        '--card',
        'a6',
        '--out',
        out,
        '--data',
        data,
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const text = run.stdout.trim();
      expect(parsePass(text, { now: Date.now(), hubKeys: await trustOf(data) })).toMatchObject({
        authenticity: 'signed-valid',
        subject: { name: 'Nguyễn Thị Ánh', birthDate: '2006' },
      });
      const pdf = readFileSync(out);
      expect(pdfPageSizes(pdf).map((p) => [mm(p.width), mm(p.height)])).toEqual([[105, 148]]);
      const [page] = rasterisePdf(pdf, DPI);
      expect(await readQrInBox(page!, singleCardPage('a6').slots[0]!, DPI)).toMatchObject({ ok: true, text });
    });

    it('a printed staff badge carries the name from the staff list', async () => {
      const data = join(tempDataDir('chot-badges-staff-'), 'hub');
      expect((await chotInProcess('hub', 'staff', 'add', 'Nguyễn Thị Lan', '--id', 'lan', '--data', data)).code).toBe(0);
      const out = join(data, 'lan.pdf');
      const run = await chotInProcess('hub', 'issue-pass', '--staff-id', 'lan', '--card', 'id1', '--out', out, '--data', data);
      expect(run.code).toBe(0);
      expect(parsePass(run.stdout.trim(), { now: Date.now(), hubKeys: await trustOf(data) })).toMatchObject({
        authenticity: 'signed-valid',
        staffId: 'lan',
        subject: { name: 'Nguyễn Thị Lan' },
      });
      const pdf = readFileSync(out);
      expect(pdfPageSizes(pdf).map((p) => [mm(p.width * 10) / 10, mm(p.height)])).toEqual([[85.6, 54]]);
      // Without --card the badge is as before: no holder section, so older kiosks still read it.
      const plain = await chotInProcess('hub', 'issue-pass', '--staff-id', 'lan', '--data', data);
      expect((parsePass(plain.stdout.trim(), { now: Date.now(), hubKeys: await trustOf(data) }) as PassCredential).subject).toEqual({});
    });
  },
);

describe('chot hub issue-pass holder options', () => {
  it.each([
    [['--name', '\u202E'], '--name: a name on a pass needs at least one letter'],
    [['--birth-year', '1850'], '--birth-year must be a year, 1900–2199'],
    [['--card', 'id1'], '--out FILE.pdf is where'],
    [['--issuer', 'UBND'], '--issuer is printed on a card'],
  ])('usage error: %j', async (args, message) => {
    const run = await chotInProcess('hub', 'issue-pass', '--id', '072306001001', ...args, '--data', tempDataDir('chot-issue-usage-'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
