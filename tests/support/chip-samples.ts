import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './kiosk-process.js';

/**
 * Chip data made by the card emulator's own generators (../shared/peers/chip-emulator):
 * `make_vn_sample.py` (a Vietnamese TD1 MRZ and DG13 of a fictitious person) and `gen_sod.py`
 * (an EF.SOD signed by a throw-away document signer under a throw-away CSCA, with openssl).
 * Data from an independent implementation, so the parsers and passive authentication are
 * not checked only against bytes this project wrote itself.
 */
export const CHIP_EMULATOR_DIR = join(repoRoot(), '..', 'shared', 'peers', 'chip-emulator');
const PYTHON = '/usr/bin/python3';

/**
 * Why the generators cannot run here, or null when they can. They need only Debian's python3
 * (standard library) and the openssl command; the emulator itself needs more (pycryptodome,
 * vsmartcard), which these tests do not use.
 */
export function chipSamplesUnavailable(): string | null {
  if (!existsSync(join(CHIP_EMULATOR_DIR, 'gen_sod.py'))) return `the card emulator is not at ${CHIP_EMULATOR_DIR}`;
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (the emulator's generators run on Debian's python3)`;
  if (spawnSync('openssl', ['version']).status !== 0) return 'the openssl command is missing (gen_sod.py signs with it)';
  return null;
}

export interface VnSample {
  /** The MRZ as three lines of 30 characters. */
  readonly mrzLines: readonly string[];
  readonly dg1: Uint8Array;
  readonly dg13: Uint8Array;
}

/** A temporary directory removed by the returned function. */
export function temporaryDirectory(): { readonly dir: string; readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chot-chip-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs make_vn_sample.py in `dir`; DG1 is built as the emulator builds it (61 { 5F1F MRZ }). */
export function makeVnSample(dir: string): VnSample {
  execFileSync(PYTHON, [join(CHIP_EMULATOR_DIR, 'make_vn_sample.py')], { cwd: dir, stdio: 'pipe' });
  const mrzLines = readFileSync(join(dir, 'data', 'vn_td1.mrz'), 'latin1')
    .trim()
    .split('\n');
  const mrz = Buffer.from(mrzLines.join(''), 'latin1');
  const dg1 = Buffer.concat([Buffer.from([0x61, mrz.length + 3, 0x5f, 0x1f, mrz.length]), mrz]);
  return { mrzLines, dg1: new Uint8Array(dg1), dg13: new Uint8Array(readFileSync(join(dir, 'data', 'dg13.bin'))) };
}

/**
 * An EF.SOD over `dataGroups` signed by gen_sod.py with the PKI in `pkiDir` (made on first
 * use with `key`: "rsa" or an EC curve name; an existing PKI is reused whatever `key`). With
 * `pss`, gen_sod's own code signs with RSASSA-PSS (SHA-256, 32-byte salt), the scheme some
 * states' document signers use, by adding OpenSSL's key options to its `openssl cms` call.
 */
export function generateSod(
  pkiDir: string,
  dataGroups: Readonly<Record<number, Uint8Array>>,
  key = 'rsa',
  options: { readonly pss?: boolean } = {},
): Uint8Array {
  const work = temporaryDirectory();
  try {
    const specs = Object.entries(dataGroups).map(([number, bytes]) => {
      const file = join(work.dir, `dg${number}.bin`);
      writeFileSync(file, bytes);
      return `${number}=${file}`;
    });
    const out = join(work.dir, 'sod.bin');
    if (options.pss === true) execFileSync(PYTHON, ['-c', PSS_SOD, CHIP_EMULATOR_DIR, key, pkiDir, out, ...specs], { stdio: 'pipe' });
    else execFileSync(PYTHON, [join(CHIP_EMULATOR_DIR, 'gen_sod.py'), '--key', key, pkiDir, out, ...specs], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(out));
  } finally {
    work.remove();
  }
}

/** gen_sod.make_sod with `-keyopt rsa_padding_mode:pss` on its CMS signing: args EMULATOR_DIR KEY PKI OUT N=FILE… */
const PSS_SOD = [
  'import sys',
  'emulator, key, pki, out, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]',
  'sys.path.insert(0, emulator)',
  'import gen_sod',
  'plain_run = gen_sod.run',
  'def pss_run(*cmd):',
  "    if cmd[:2] == ('openssl', 'cms'): cmd = cmd + ('-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32')",
  '    plain_run(*cmd)',
  'gen_sod.run = pss_run',
  "dgs = {int(n): open(p, 'rb').read() for n, p in (spec.split('=', 1) for spec in specs)}",
  "open(out, 'wb').write(gen_sod.make_sod(dgs, pki, key))",
].join('\n');

/** The DER of a PEM certificate file (the CSCA a PKI directory holds). */
export function certificateDer(pemFile: string): Uint8Array {
  const pem = readFileSync(pemFile, 'latin1');
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (body === undefined) throw new Error(`${pemFile} holds no certificate`);
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

/**
 * DG2 as the card emulator builds it (`make_dg2` over a synthetic JPEG of `width` × `height`),
 * or the reason it cannot: that needs the emulator's own modules (python3-virtualsmartcard,
 * python3-pil), which the other generators do not.
 */
export function emulatorDg2(width: number, height: number): Uint8Array | string {
  const script = [
    'import sys',
    "sys.argv = ['dg2']",
    'import epass_vicc',
    `sys.stdout.buffer.write(epass_vicc.make_dg2(*epass_vicc.photo_bytes('synthetic:${width}x${height}')))`,
  ].join('\n');
  const result = spawnSync(PYTHON, ['-c', script], { cwd: CHIP_EMULATOR_DIR, maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) return `the emulator's modules do not load: ${result.stderr.toString().trim().split('\n').pop() ?? ''}`;
  return new Uint8Array(result.stdout);
}

export interface VnPerson {
  readonly id12: string;
  /** YYMMDD, as the MRZ prints it. */
  readonly birth: string;
  readonly sex: 'M' | 'F';
  /** YYMMDD. */
  readonly expiry: string;
  readonly surname: string;
  readonly given: string;
  /** DG13's fields 1–12 in order (ID, name, birth dd/mm/yyyy, sex, …, issue date, expiry). */
  readonly dg13Fields: readonly string[];
}

/**
 * DG1 and DG13 of a person of the test's choosing, made by the card emulator's own generator
 * (make_vn_sample.py's td1 and dg13), e.g. a demo person whose facts the kiosk holds.
 */
export function makeVnPerson(person: VnPerson): { readonly dg1: Uint8Array; readonly dg13: Uint8Array; readonly mrz: string } {
  const script = [
    'import sys, json, importlib.util',
    `spec = importlib.util.spec_from_file_location('vn', ${JSON.stringify(join(CHIP_EMULATOR_DIR, 'make_vn_sample.py'))})`,
    'vn = importlib.util.module_from_spec(spec); spec.loader.exec_module(vn)',
    'p = json.loads(sys.argv[1])',
    "lines = vn.td1(p['id12'], p['birth'], p['sex'], p['expiry'], p['surname'], p['given'])",
    "sys.stdout.write(json.dumps({'mrz': ''.join(lines), 'dg13': vn.dg13(p['dg13Fields']).hex()}))",
  ].join('\n');
  const out = JSON.parse(execFileSync(PYTHON, ['-c', script, JSON.stringify(person)], { encoding: 'utf8' })) as { mrz: string; dg13: string };
  const mrz = Buffer.from(out.mrz, 'latin1');
  const dg1 = Buffer.concat([Buffer.from([0x61, mrz.length + 3, 0x5f, 0x1f, mrz.length]), mrz]);
  return { dg1: new Uint8Array(dg1), dg13: new Uint8Array(Buffer.from(out.dg13, 'hex')), mrz: out.mrz };
}
