import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { demoCards, demoRecords } from '../../../../main/demo/demo-people.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { migrateSqlite } from '../../../../platform/sqlite-migrate.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../../../main/store/migrations.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const source = { kind: 'wedge', deviceId: 'keyboard' } as const;

// Lives with the store tests: what KioskCore does with the two database files.
describe('KioskCore and its two database files', () => {
  it('looks people up in facts.sqlite and logs entries in kiosk.sqlite, and says where the facts are', async () => {
    const dataDir = tempDataDir('chot-core-files-');
    const core = KioskCore.open({ dataDir, demo: true, now: () => NOW });
    expect(core.factsDatabaseFile).toBe(join(dataDir, FACTS_DATABASE_FILE));
    const card = demoCards()[0];
    const verdict = await core.submitScan({ source, text: card?.qrText ?? '' });
    expect(verdict.outcome).toBe(card?.expected);
    core.close();

    const kiosk = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    expect(kiosk.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'person'").pluck().get()).toBe(0);
    expect(new EntryLog(kiosk).get(verdict.entrySeq)?.outcome).toBe(card?.expected);
    kiosk.close();
    const facts = openFactsDatabase(core.factsDatabaseFile);
    expect(new FactsStore(facts).findById12('056089001234')).toBeDefined();
    expect(new FactsStore(facts).lastSyncedAt()).toBe(NOW);
    facts.close();
  });

  it('opens a data directory from before the split with its synced people', async () => {
    const dataDir = tempDataDir('chot-core-files-');
    const v3 = new Database(join(dataDir, KIOSK_DATABASE_FILE));
    migrateSqlite(v3, KIOSK_MIGRATIONS.slice(0, 3));
    const insert = v3.prepare('INSERT INTO person (id12, old_id, facts) VALUES (?, ?, ?)');
    for (const p of demoRecords(NOW)) insert.run(Number(p.id12), p.oldId ?? null, encodeFacts(p.facts));
    v3.prepare("INSERT INTO meta (key, value) VALUES ('facts_synced_at', ?)").run(String(NOW - 3_600_000));
    v3.close();

    // Not the demo: only the moved people can colour these cards.
    const core = KioskCore.open({ dataDir, demo: false, now: () => NOW });
    try {
      for (const card of demoCards()) {
        expect((await core.submitScan({ source, text: card.qrText })).outcome, card.label).toBe(card.expected);
      }
    } finally {
      core.close();
    }
  });
});
