import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProvinceScope } from '../../../../domain/sync/province-scope.js';
import { EnrollmentService } from '../../../../hub/enrollment/enrollment-service.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { enrollKiosk } from '../../../../main/enrollment/enroll-kiosk.js';
import { FACTS_DATABASE_FILE } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { asksOutsideScope, hubFactsLookupOf } from '../../../../main/sync/hub-facts-lookup.js';
import { KioskSync } from '../../../../main/sync/kiosk-sync.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { readPinnedHubKeys } from '../../../../main/trust/hub-keys-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { startTestHub } from '../../hub/server/hub-test-kit.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const HA_NOI = ['001090000001', '001195000003'];
const HCMC = '079195004321';

describe('a kiosk enrolled for Hà Nội only, against a real hub', () => {
  it('learns its scope signed at its sync, holds only Hà Nội, and asks the hub about a Hồ Chí Minh City ID at the gate', async () => {
    const hub = await startTestHub({ chunking: { maxRecords: 2 } });
    closers.push(() => hub.close());
    await hub.importRows(
      'person',
      [...HA_NOI, HCMC].map((id12) => ({ id12 })),
    );
    await hub.importRows('test', [{ id12: HCMC, takenAtMs: Date.now() - 3_600_000, kind: 'pcr', result: 'negative' }]);
    const { code } = await new EnrollmentService(hub.admin.enrollment).createCode('Cổng Hà Nội', undefined, ['001']);

    const dataDir = tempDataDir('chot-sync-scope-');
    await enrollKiosk({ dataDir, hubUrl: hub.server.url, code });
    const heard: ProvinceScope[] = [];
    const sync = await KioskSync.open({
      dataDir,
      factsDatabaseFile: join(dataDir, FACTS_DATABASE_FILE),
      workerUrl: (await syncBundles()).workerUrl,
      hubScope: (scope) => heard.push(scope),
    });
    if (sync === undefined) throw new Error('enrolment did not write hub.json');
    closers.push(() => sync.close());
    await hub.server.snapshotReady(2);
    await sync.syncOnce();
    expect(heard).toEqual([['001']]);

    const db = new Database(join(dataDir, FACTS_DATABASE_FILE), { readonly: true });
    try {
      const facts = new FactsStore(db);
      expect(HA_NOI.map((id12) => facts.findById12(id12) !== undefined)).toEqual([true, true]);
      expect(facts.findById12(HCMC)).toBeUndefined();
    } finally {
      db.close();
    }

    const core = KioskCore.open({ dataDir, demo: false });
    closers.push(() => core.close());

    const scope = heard.at(-1);
    core.attachHubFacts(
      hubFactsLookupOf(sync, hubKeyStoreFromKeys(readPinnedHubKeys(dataDir)), {
        asks: (id12) => asksOutsideScope(id12, scope),
        // The bound is not what this test is about: a loaded machine must not race the answer.
        startTimer: () => () => undefined,
      }),
    );
    const asked = (): number => hub.logs.filter((line) => line.includes('GET /v1/person/***/facts')).length;
    const verdict = await core.submitScan({
      source: { kind: 'wedge', deviceId: 'keyboard' },
      text: `${HCMC}||Trần Thị Bình|15031995|Nữ|Quận 1, TP. Hồ Chí Minh|10072021`,
    });
    expect(verdict.reasons.map((r) => r.code)).toContain('facts.from-hub');
    expect(asked()).toBe(1);
    // Inside its scope, a person its data lacks is unknown without asking.
    const local = await core.submitScan({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: '001300000099||Lê Văn Hà|15031990|Nam|Hà Nội|10072021' });
    expect(local.reasons.map((r) => r.code)).not.toContain('facts.hub-not-known');
    expect(asked()).toBe(1);
  });
});
