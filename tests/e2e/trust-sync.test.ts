import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSCA_DIR, loadTrustedCscas } from '../../main/trust/csca-certificates.js';
import { HUB_CSCA_FILE } from '../../main/trust/trust-file-store.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { chotOk as ok, enrolmentCode } from '../support/hub-cli-steps.js';
import { makeCsca, makeExpiredCsca, makeMasterList, type TestCertificate } from '../support/test-certificates.js';

/**
 * The CSCA list from the hub to the kiosk through the binaries, as an operator runs them:
 * `chot hub trust import csca` → `chot hub serve` → `chot enroll` → `chot sync`, and the
 * kiosk's trust/csca/ folder as passive authentication reads it (loadTrustedCscas).
 */

const base64 = (certificate: TestCertificate): string => Buffer.from(certificate.der).toString('base64');
const trusted = (kioskDir: string): string[] =>
  loadTrustedCscas(kioskDir)
    .certificates.map((c) => Buffer.from(c.der).toString('base64'))
    .sort();

describe('the hub’s CSCA list reaches the kiosk', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  const files = tempDataDir('chot-e2e-csca-');
  const vietnam = makeCsca('CSCA ePassport Vietnam');
  const renewed = makeCsca('CSCA ePassport Vietnam 2');
  const handPlaced = makeCsca('CSCA placed by the installer');
  let hub: HubProcess;

  beforeAll(async () => {
    hub = await startHubProcess(hubDir, await freePort());
    const code = enrolmentCode(hubDir, 'Cổng 1');
    ok(['enroll', '--hub', hub.url, '--code', code, '--hub-key', ok(['hub', 'public-key', '--data', hubDir]).trim(), '--data-dir', kioskDir]);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('imports a master list at the hub; the kiosk’s next sync installs it beside a hand-placed certificate, then a newer list replaces it', () => {
    const list = join(files, 'list.ml');
    writeFileSync(list, makeMasterList(files, [vietnam, makeExpiredCsca('CSCA Expired')], makeCsca('Master List Signer')));
    const imported = ok(['hub', 'trust', 'import', 'csca', list, '--data', hubDir]);
    expect(imported).toContain('its own signature was NOT checked');
    expect(imported).toContain('skipped (expired): C=VN, CN=CSCA Expired');
    const version = Number(/published csca version (\d+)/.exec(imported)?.[1]);

    const first = ok(['sync', '--data-dir', kioskDir]);
    expect(first).toContain(`trust file csca version ${version} installed: ${join(kioskDir, HUB_CSCA_FILE)}`);
    writeFileSync(join(kioskDir, CSCA_DIR, 'installer.pem'), handPlaced.pem);
    expect(trusted(kioskDir)).toEqual([vietnam, handPlaced].map(base64).sort());
    expect(ok(['sync', '--data-dir', kioskDir])).toContain('trust files: unchanged');

    const pem = join(files, 'renewed.pem');
    writeFileSync(pem, renewed.pem);
    ok(['hub', 'trust', 'import', 'csca', pem, '--data', hubDir]);
    expect(ok(['sync', '--data-dir', kioskDir])).toMatch(/trust file csca version \d+ installed/);
    expect(trusted(kioskDir)).toEqual([renewed, handPlaced].map(base64).sort());
    expect(readFileSync(join(kioskDir, CSCA_DIR, 'installer.pem'), 'utf8')).toBe(handPlaced.pem);
  });
});
