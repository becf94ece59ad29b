import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedTrustFile, type SignedTrustFile } from '../../../domain/trust/signed-trust-file.js';
import { PUBLISHED_TRUST_DIR } from '../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../main/trust/hub-key-store.js';
import { temporaryDirectory } from '../../support/chip-samples.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';
import { runChot } from '../../support/run-chot.js';
import { makeCertificate, makeCsca, makeExpiredCsca, makeMasterList, type TestCertificate } from '../../support/test-certificates.js';

// Through the real `chot` binary, as an operator runs it (built by `npm run build`).
beforeAll(() => {
  if (!existsSync(join(repoRoot(), 'dist', 'hub', 'trust', 'csca-import.js'))) throw new Error('dist/ has no hub trust import: run `npm run build` first');
});
const work = temporaryDirectory();
afterAll(() => work.remove());

const stateCsca = makeCsca('CSCA Issuing State');
const listSigner = makeCertificate({ cn: 'Master List Signer', ca: false, keyUsageBits: [0], issuer: stateCsca });
const vietnam = makeCsca('CSCA ePassport Vietnam');
const other = makeCsca('CSCA Other State');
const expired = makeExpiredCsca('CSCA Expired');
const notCa = makeCertificate({ cn: 'Document Signer Not A CA', ca: false, keyUsageBits: [0] });

function file(name: string, content: string | Uint8Array): string {
  const path = join(work.dir, name);
  writeFileSync(path, content);
  return path;
}

const base64 = (certificate: TestCertificate): string => Buffer.from(certificate.der).toString('base64');

function published(data: string): SignedTrustFile<'csca'> {
  return JSON.parse(readFileSync(join(data, PUBLISHED_TRUST_DIR, 'csca.json'), 'utf8')) as SignedTrustFile<'csca'>;
}

function hubKeys(data: string) {
  const run = runChot(['hub', 'public-key', '--data', data]);
  return hubKeyStoreFromKeys([run.stdout.trim()]);
}

describe('chot hub trust import csca (the real binary)', () => {
  it('imports PEM, DER and a master list; skips expired and non-CA certificates, saying which; publishes a signed list', () => {
    const data = tempDataDir('chot-hub-trust-');
    const pem = file('state-and-expired.pem', stateCsca.pem + expired.pem);
    const der = file('other.der', other.der);
    const list = file('list.ml', makeMasterList(work.dir, [vietnam, notCa, stateCsca], listSigner));
    const run = runChot(['hub', 'trust', 'import', 'csca', pem, der, list, '--data', data]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `${list}: CSCA master list, 3 certificate(s); its signature verified (signer C=VN, CN=Master List Signer, issued by C=VN, CN=CSCA Issuing State)`,
    );
    expect(run.stdout).toContain(`skipped (expired): C=VN, CN=CSCA Expired [${pem}#2]`);
    expect(run.stdout).toContain(`skipped (not a CA (basicConstraints cA is not set)): C=VN, CN=Document Signer Not A CA [${list}#2]`);
    expect(run.stdout).toContain('1 certificate(s) given more than once, kept once');
    expect(run.stdout).toMatch(/published csca version \d+: 3 certificate\(s\): /);

    const document = published(data);
    expect(document).toMatchObject({ format: 'chot-trust/1', kind: 'csca', certificates: [base64(stateCsca), base64(other), base64(vietnam)] });
    expect(verifySignedTrustFile(document, hubKeys(data))).toEqual({ ok: true, file: document });

    const listed = runChot(['hub', 'trust', 'list', '--data', data]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`csca  version ${document.version}  issued ${document.issuedAt}  3 certificate(s)\n`);
    expect(listed.stdout).toContain('  C=VN, CN=CSCA ePassport Vietnam  until ');
  });

  it('says when a master list’s own signature was not checked (no CSCA beside it issued its signer), and imports it', () => {
    const data = tempDataDir('chot-hub-trust-');
    const list = file('alone.ml', makeMasterList(work.dir, [vietnam], listSigner));
    const run = runChot(['hub', 'trust', 'import', 'csca', list, '--data', data]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${list}: CSCA master list, 1 certificate(s); its own signature was NOT checked: `);
    expect(published(data).certificates).toEqual([base64(vietnam)]);
  });

  it('replaces the published list by default, keeps it with --add; the version only grows', () => {
    const data = tempDataDir('chot-hub-trust-');
    expect(runChot(['hub', 'trust', 'import', 'csca', file('v.pem', vietnam.pem), '--data', data]).status).toBe(0);
    const first = published(data);
    const added = runChot(['hub', 'trust', 'import', 'csca', '--add', file('o.pem', other.pem), '--data', data]);
    expect(added.stdout).toContain(', keeping the 1 published before');
    const second = published(data);
    expect(second.certificates).toEqual([base64(vietnam), base64(other)]);
    expect(second.version).toBeGreaterThan(first.version);
    const replaced = runChot(['hub', 'trust', 'import', 'csca', file('s.pem', stateCsca.pem), '--data', data]);
    expect(replaced.stdout).toContain(', replacing the 2 published before');
    expect(published(data).certificates).toEqual([base64(stateCsca)]);
    expect(published(data).version).toBeGreaterThan(second.version);
  });

  it('publishes nothing when a file is neither certificates nor a master list, or every certificate is skipped', () => {
    const data = tempDataDir('chot-hub-trust-');
    expect(runChot(['hub', 'trust', 'import', 'csca', file('v2.pem', vietnam.pem), '--data', data]).status).toBe(0);
    const before = published(data);
    const junk = runChot(['hub', 'trust', 'import', 'csca', file('o2.pem', other.pem), file('notes.txt', 'hello'), '--data', data]);
    expect(junk.status).toBe(1);
    expect(junk.stderr).toMatch(/refused, nothing published: .*notes\.txt: neither a certificate \(PEM or DER\) nor a CSCA master list/);
    const skippedAll = runChot(['hub', 'trust', 'import', 'csca', file('bad.pem', expired.pem + notCa.pem), '--data', data]);
    expect(skippedAll.status).toBe(1);
    expect(skippedAll.stderr).toContain('no certificate to publish');
    expect(published(data)).toEqual(before);
  });

  it('escapes what a certificate says before it reaches the terminal', () => {
    const data = tempDataDir('chot-hub-trust-');
    const run = runChot(['hub', 'trust', 'import', 'csca', file('evil.pem', makeCsca('CSCA \u001b[2J\u202eevil').pem), '--data', data]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('CN=CSCA \\x1b[2J\\u{202e}evil');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('refuses usage errors with exit 2: no kind, an unknown kind, no file', () => {
    expect(runChot(['hub', 'trust', 'import']).status).toBe(2);
    expect(runChot(['hub', 'trust', 'import', 'dcc', 'x']).status).toBe(2);
    expect(runChot(['hub', 'trust', 'import', 'csca']).status).toBe(2);
  });
});
