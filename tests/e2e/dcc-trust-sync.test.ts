import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedTrustFile } from '../../domain/trust/signed-trust-file.js';
import { PUBLISHED_TRUST_DIR } from '../../hub/trust/trust-publisher.js';
import { createDccSigner, type DccSigner } from '../support/dcc-fixtures.js';
import { freePort, startHubProcess, type HubProcess } from '../support/hub-process.js';
import { openKioskPage, type KioskPage } from '../support/kiosk-page.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { chotOk as ok, enrolmentCode } from '../support/hub-cli-steps.js';
import { runChot } from '../support/run-chot.js';

/**
 * The DCC trust list, schemas and value sets from the hub to the kiosk's operator screen,
 * through the binaries as an operator runs them: `chot hub trust import dcc-…` → `chot hub
 * serve` → `chot enroll` → `chot sync` → `chot start`, then F2. A list altered on the hub's
 * disk after it was signed is refused by the kiosk, which keeps and shows the last good one.
 */
const publishedVersion = (output: string, kind: string): number => Number(new RegExp(`published ${kind} version (\\d+)`).exec(output)?.[1]);

const now = Date.now();
const dsc = (): DccSigner => createDccSigner({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), country: 'DE' });
const gatewayEntry = (signer: DccSigner): Record<string, unknown> => ({
  kid: Buffer.from(signer.kid).toString('base64'),
  timestamp: '2025-06-01T10:00:00Z',
  country: 'DE',
  certificateType: 'DSC',
  thumbprint: createHash('sha256').update(signer.certificateDer).digest('hex'),
  signature: 'MIAGCSqGSIb3DQEHAqCA',
  rawData: signer.certificateBase64,
});

describe('the hub’s DCC trust files reach the kiosk and show on F2', () => {
  const hubDir = tempDataDir('chot-e2e-hub-');
  const kioskDir = tempDataDir('chot-e2e-kiosk-');
  const files = tempDataDir('chot-e2e-dcc-');
  let hub: HubProcess;
  let kiosk: KioskPage | undefined;

  beforeAll(async () => {
    hub = await startHubProcess(hubDir, await freePort());
    const code = enrolmentCode(hubDir, 'Cổng 1');
    ok(['enroll', '--hub', hub.url, '--code', code, '--hub-key', ok(['hub', 'public-key', '--data', hubDir]).trim(), '--data-dir', kioskDir]);
  });
  afterAll(async () => {
    await kiosk?.close();
    await hub.stop();
  });

  it('installs the three kinds, refuses a list tampered with at the hub, and F2 shows the versions held', async () => {
    const trustList = join(files, 'trustList.json');
    writeFileSync(trustList, JSON.stringify([gatewayEntry(dsc())]));
    const dscVersion = publishedVersion(ok(['hub', 'trust', 'import', 'dcc-dsc', trustList, '--data', hubDir]), 'dcc-dsc');
    const schemaVersion = publishedVersion(
      ok(['hub', 'trust', 'import', 'dcc-schemas', join('..', 'shared', 'test-data', 'dcc-schema'), '--data', hubDir]),
      'dcc-schemas',
    );
    const valueSet = join(files, 'test-result.json');
    writeFileSync(
      valueSet,
      JSON.stringify({
        valueSetId: 'covid-19-lab-result',
        valueSetDate: '2021-04-27',
        valueSetValues: {
          '260415000': {
            display: 'Not detected',
            lang: 'en',
            active: true,
            system: 'http://snomed.info/sct',
            version: 'http://snomed.info/sct/900000000000207008/version/20210131',
          },
          '260373001': {
            display: 'Detected',
            lang: 'en',
            active: true,
            system: 'http://snomed.info/sct',
            version: 'http://snomed.info/sct/900000000000207008/version/20210131',
          },
        },
      }),
    );
    const valueSetVersion = publishedVersion(ok(['hub', 'trust', 'import', 'dcc-value-sets', valueSet, '--data', hubDir]), 'dcc-value-sets');

    const first = ok(['sync', '--data-dir', kioskDir]);
    for (const [kind, version] of [
      ['dcc-dsc', dscVersion],
      ['dcc-schemas', schemaVersion],
      ['dcc-value-sets', valueSetVersion],
    ] as const)
      expect(first).toContain(`trust file ${kind} version ${version} installed`);

    // A newer list, then a signer slipped into it on the hub's disk after it was signed.
    writeFileSync(trustList, JSON.stringify([gatewayEntry(dsc())]));
    const newer = publishedVersion(ok(['hub', 'trust', 'import', 'dcc-dsc', trustList, '--data', hubDir]), 'dcc-dsc');
    expect(newer).toBeGreaterThan(dscVersion);
    const publishedFile = join(hubDir, PUBLISHED_TRUST_DIR, 'dcc-dsc.json');
    const published = JSON.parse(readFileSync(publishedFile, 'utf8')) as SignedTrustFile<'dcc-dsc'>;
    const intruder = dsc();
    writeFileSync(
      publishedFile,
      JSON.stringify({
        ...published,
        signers: [...published.signers, { kid: Buffer.from(intruder.kid).toString('base64'), country: 'DE', certificate: intruder.certificateBase64 }],
      }),
    );
    const refused = runChot(['sync', '--data-dir', kioskDir]);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(`trust file dcc-dsc version ${newer} refused, the last good one kept`);

    kiosk = await openKioskPage({ dataDir: kioskDir });
    const { page } = kiosk;
    await page.keyboard.press('F2');
    await page.waitForSelector('#operator-screen', { state: 'visible' });
    const held = page.locator('[data-testid=operator-trust-files] li[data-kind]');
    await held.first().waitFor({ state: 'visible', timeout: 15_000 });
    const versions = Object.fromEntries(
      await held.evaluateAll((items) => items.map((item) => [(item as HTMLElement).dataset.kind ?? '', (item as HTMLElement).dataset.version ?? ''])),
    ) as Record<string, string>;
    expect(Object.keys(versions).sort()).toEqual(['dcc-dsc', 'dcc-schemas', 'dcc-value-sets']);
    expect(versions['dcc-dsc']).toMatch(new RegExp(`^v${dscVersion} · \\d{4}-\\d{2}-\\d{2}$`));
    expect(versions['dcc-schemas']).toMatch(new RegExp(`^v${schemaVersion} `));
    expect(versions['dcc-value-sets']).toMatch(new RegExp(`^v${valueSetVersion} `));
    await expect(held.filter({ hasText: 'DCC trust list (DSC)' }).textContent()).resolves.toContain('Danh sách ký chứng nhận EU (DSC)');
    await expect(page.locator('#operator-rule-set').textContent()).resolves.toMatch(/^\S+ · v\S+$/);
  });
});
