import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CSCA_DIR, certificatesIn, loadTrustedCscas, TrustedCscaFolder } from '../../../../main/trust/csca-certificates.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A throw-away self-signed CA made by openssl, as PEM. */
function makeCa(dir: string, name: string): string {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      `/C=VN/CN=${name}`,
    ],
    {
      stdio: 'ignore',
    },
  );
  return cert;
}

describe('trusted CSCA certificates', () => {
  it('reads every certificate of the csca folder (PEM with two, DER) and names a file that holds none', () => {
    const work = mkdtempSync(join(tmpdir(), 'chot-csca-'));
    dirs.push(work);
    const a = readFileSync(makeCa(work, 'CSCA A'), 'latin1');
    const b = readFileSync(makeCa(work, 'CSCA B'), 'latin1');
    const der = execFileSync('openssl', ['x509', '-in', makeCa(work, 'CSCA C'), '-outform', 'DER']);
    const dir = join(work, CSCA_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'two.pem'), a + b);
    writeFileSync(join(dir, 'c.der'), der);
    writeFileSync(join(dir, 'broken.crt'), 'not a certificate');
    writeFileSync(join(dir, 'README.txt'), 'ignored');
    const trusted = loadTrustedCscas(work);
    expect(trusted.certificates).toHaveLength(3);
    expect(trusted.problems).toHaveLength(1);
    expect(trusted.problems[0]).toMatch(/^broken\.crt: /);
    expect(certificatesIn(new Uint8Array(der))).toHaveLength(1);
  });

  it('trusts none when the folder is absent', () => {
    const work = mkdtempSync(join(tmpdir(), 'chot-csca-'));
    dirs.push(work);
    expect(loadTrustedCscas(work)).toEqual({ certificates: [], problems: [] });
  });

  it('parses a file again only when it changed: a chip read does not re-parse an unchanged folder, and sees a new, changed or removed file', () => {
    const work = mkdtempSync(join(tmpdir(), 'chot-csca-'));
    dirs.push(work);
    const dir = join(work, CSCA_DIR);
    mkdirSync(dir, { recursive: true });
    const a = readFileSync(makeCa(work, 'CSCA A'));
    const b = readFileSync(makeCa(work, 'CSCA B'));
    writeFileSync(join(dir, 'a.pem'), a);
    const parsed: number[] = [];
    const folder = new TrustedCscaFolder(work, (bytes) => {
      parsed.push(bytes.length);
      return certificatesIn(bytes);
    });
    expect(folder.current().certificates).toHaveLength(1);
    expect(folder.current().certificates).toHaveLength(1);
    expect(parsed).toHaveLength(1);

    writeFileSync(join(dir, 'b.pem'), b);
    expect(folder.current().certificates).toHaveLength(2);
    expect(parsed).toHaveLength(2);

    // Changed in place (same name): parsed again, whatever the clock's resolution.
    writeFileSync(join(dir, 'a.pem'), Buffer.concat([a, b]));
    utimesSync(join(dir, 'a.pem'), new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    expect(folder.current().certificates).toHaveLength(3);
    expect(parsed).toHaveLength(3);

    unlinkSync(join(dir, 'b.pem'));
    expect(folder.current().certificates).toHaveLength(2);
    expect(parsed).toHaveLength(3);

    rmSync(dir, { recursive: true });
    expect(folder.current()).toEqual({ certificates: [], problems: [] });
  });
});
