import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTrustFileHeld } from '../../../../domain/contract/trust-files-held.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { INSTALLED_TRUST_DIR } from '../../../../main/trust/installed-trust-files.js';
import { TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { signingKeyOf } from '../sync/sync-harness.js';

const key = testHubKey();
const valueSets = (version: number) =>
  signTrustFile(signingKeyOf(key), {
    format: 'chot-trust/1',
    kind: 'dcc-value-sets',
    version,
    issuedAt: new Date(version * 1000).toISOString(),
    valueSets: [{ id: 'covid-19-lab-result', date: '2021-04-27', values: { '260415000': { display: 'Not detected' } } }],
  });

describe('the trust files a kiosk holds, in its status (the operator screen)', () => {
  it('lists each kind installed with its version and issue time, and follows a newer install; a damaged record is not held', async () => {
    const dataDir = tempDataDir('chot-trust-held-');
    const core = KioskCore.open({ dataDir, demo: true });
    try {
      expect((await core.getKioskStatus()).trustFiles).toEqual([]);
      const store = new TrustFileStore(dataDir, hubKeyStoreFromKeys([key.publicKeyBase64]));
      store.install(valueSets(1_765_000_000));
      expect((await core.getKioskStatus()).trustFiles).toEqual([{ kind: 'dcc-value-sets', version: 1_765_000_000, issuedAt: '2025-12-06T05:46:40.000Z' }]);
      store.install(valueSets(1_765_000_100));
      expect((await core.getKioskStatus()).trustFiles).toMatchObject([{ kind: 'dcc-value-sets', version: 1_765_000_100 }]);
      writeFileSync(join(dataDir, INSTALLED_TRUST_DIR, 'dcc-value-sets.json'), '{ half a file');
      expect((await core.getKioskStatus()).trustFiles).toEqual([]);
    } finally {
      core.close();
    }
  });

  it('names each kind in Vietnamese and English, with its version and date', () => {
    expect(describeTrustFileHeld({ kind: 'dcc-dsc', version: 1_765_000_000, issuedAt: '2025-12-06T05:46:40.000Z' })).toEqual({
      name: { vi: 'Danh sách ký chứng nhận EU (DSC)', en: 'DCC trust list (DSC)' },
      version: 'v1765000000 · 2025-12-06',
    });
  });
});
