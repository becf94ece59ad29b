import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { RuleContext } from '../../../../domain/rules/rule-input.js';
import { CLOCK_UNTRUSTED } from '../../../../domain/time/clock-trust.js';
import { NEWEST_SIGNED_META_KEY } from '../../../../main/core/clock-witness.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { ScanPipeline } from '../../../../main/core/scan-pipeline.js';
import { demoCards, demoRecords } from '../../../../main/demo/demo-people.js';
import { RuleSetRepository } from '../../../../main/rules/rule-set-repository.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../../main/store/facts-database.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { EntryOutbox } from '../../../../main/upload/entry-outbox.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const HOUR = 3_600_000;
/** When the hub signed its last upload receipt. */
const SIGNED = Date.parse('2021-10-20T08:00:00+07:00');
const WEDGE = { kind: 'wedge', deviceId: 'keyboard' } as const;
const AN = demoCards()[0]?.qrText ?? '';

/** A kiosk with synced data and no witness of the hub's clock yet. */
function syncedKiosk(): string {
  const dataDir = tempDataDir('chot-clock-');
  const factsDb = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE));
  const facts = new FactsStore(factsDb);
  facts.upsertMany(demoRecords(SIGNED));
  facts.markSynced(SIGNED, 1);
  factsDb.close();
  return dataDir;
}

/** An enrolled kiosk with synced data, holding one receipt the hub signed at SIGNED (kept as the uploader keeps it). */
function kioskHeard(receivedAt = SIGNED, dataDir = syncedKiosk()): string {
  const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
  new EntryOutbox(db).recordReceipt({ kioskId: 'k1', contiguousSeq: 0, headHash: '0'.repeat(64), issuedAt: SIGNED, hubKeyId: 'abcd1234' }, 'sig', receivedAt);
  db.close();
  return dataDir;
}

function entryReasonCodes(dataDir: string, seq: number): readonly string[] | undefined {
  const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
  try {
    return new EntryLog(db).get(seq)?.reasonCodes;
  } finally {
    db.close();
  }
}

describe('the kiosk with a clock behind the newest time the hub signed', () => {
  it('a clock set back three days: NOT READY, the verdict says the clock is not trusted and its entry carries the code', async () => {
    const dataDir = kioskHeard();
    const core = KioskCore.open({ dataDir, demo: false, now: () => SIGNED - 72 * HOUR, syncState: () => ({ state: 'idle' }) });
    const status = await core.getKioskStatus();
    expect(status.readiness.state).toBe('not-ready');
    expect(status.readiness.line.en).toContain('behind a time the hub signed');
    const verdict = await core.submitScan({ source: WEDGE, text: AN });
    core.close();
    expect(verdict.reasons).toContainEqual(CLOCK_UNTRUSTED);
    expect(entryReasonCodes(dataDir, verdict.entrySeq)).toContain(CLOCK_UNTRUSTED.code);
  });

  it('after a reboot to 1970, with the receipt purged since: still NOT READY, from the signed time kept in meta', async () => {
    const dataDir = kioskHeard();
    const first = KioskCore.open({ dataDir, demo: false, now: () => SIGNED + HOUR, syncState: () => ({ state: 'idle' }) });
    expect((await first.getKioskStatus()).readiness.state).toBe('ready');
    first.close();
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    db.prepare('DELETE FROM upload_receipt').run();
    expect(db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(NEWEST_SIGNED_META_KEY)?.value).toBe(String(SIGNED));
    db.close();
    const rebooted = KioskCore.open({ dataDir, demo: false, now: () => 0, syncState: () => ({ state: 'idle' }) });
    const status = await rebooted.getKioskStatus();
    rebooted.close();
    expect(status.readiness.state).toBe('not-ready');
  });

  it('by policy, only a warning: the screen warns, the verdict still carries the clock reason', async () => {
    const dataDir = kioskHeard();
    const core = KioskCore.open({
      dataDir,
      demo: false,
      now: () => SIGNED - HOUR,
      syncState: () => ({ state: 'idle' }),
      clockPolicy: { behindAllowanceMs: 60_000, offFromHubMs: 5 * 60_000, behind: 'warning' },
    });
    const status = await core.getKioskStatus();
    const verdict = await core.submitScan({ source: WEDGE, text: AN });
    core.close();
    expect(status.readiness).toMatchObject({ state: 'out-of-date', headline: { en: 'CLOCK WRONG' } });
    expect(verdict.reasons).toContainEqual(CLOCK_UNTRUSTED);
  });

  it('a clock after the signed time and in step with the hub: ready, no clock reason', async () => {
    const dataDir = kioskHeard();
    const core = KioskCore.open({ dataDir, demo: false, now: () => SIGNED + HOUR, syncState: () => ({ state: 'idle' }) });
    const status = await core.getKioskStatus();
    const verdict = await core.submitScan({ source: WEDGE, text: AN });
    core.close();
    expect(status.readiness.state).toBe('ready');
    expect(verdict.reasons.map((reason) => reason.code)).not.toContain(CLOCK_UNTRUSTED.code);
    expect(entryReasonCodes(dataDir, verdict.entrySeq)).not.toContain(CLOCK_UNTRUSTED.code);
  });
});

describe('the kiosk with a clock off from the hub’s', () => {
  it('a receipt signed 10 minutes after the kiosk clock said it arrived: a warning that says how far, and the clock reason', async () => {
    const dataDir = kioskHeard(SIGNED - 10 * 60_000);
    const core = KioskCore.open({ dataDir, demo: false, now: () => SIGNED + HOUR, syncState: () => ({ state: 'idle' }) });
    const status = await core.getKioskStatus();
    const verdict = await core.submitScan({ source: WEDGE, text: AN });
    core.close();
    expect(status.readiness).toMatchObject({ state: 'out-of-date', line: { en: "The kiosk clock is 10 min behind the hub's" } });
    expect(entryReasonCodes(dataDir, verdict.entrySeq)).toContain(CLOCK_UNTRUSTED.code);
  });
});

describe('the hub’s signed clock heard at a sync', () => {
  it('alone, it judges the clock: off from it is a warning, and its instant outlives a reboot to 1970', async () => {
    const dataDir = syncedKiosk();
    // A clock running 10 minutes ahead: no signed instant can show it, the hub's clock does.
    const running = KioskCore.open({ dataDir, demo: false, now: () => SIGNED + 10 * 60_000, syncState: () => ({ state: 'idle' }) });
    running.heardHubTime({ issuedAt: SIGNED, receivedAt: SIGNED + 10 * 60_000 });
    const off = await running.getKioskStatus();
    running.close();
    expect(off.readiness.line.en).toBe("The kiosk clock is 10 min ahead of the hub's");
    const rebooted = KioskCore.open({ dataDir, demo: false, now: () => 0, syncState: () => ({ state: 'idle' }) });
    const status = await rebooted.getKioskStatus();
    rebooted.close();
    expect(status.readiness).toMatchObject({ state: 'not-ready', line: { en: expect.stringContaining('behind a time the hub signed') } });
  });

  it('heard after the last receipt, it sets the offset: a clock corrected since is trusted again', async () => {
    const dataDir = kioskHeard(SIGNED - 10 * 60_000);
    const core = KioskCore.open({ dataDir, demo: false, now: () => SIGNED + HOUR, syncState: () => ({ state: 'idle' }) });
    expect((await core.getKioskStatus()).readiness.state).toBe('out-of-date');
    core.heardHubTime({ issuedAt: SIGNED + HOUR, receivedAt: SIGNED + HOUR });
    const status = await core.getKioskStatus();
    core.close();
    expect(status.readiness.state).toBe('ready');
  });
});

describe('ScanPipeline: the rules see whether the clock is trusted (kiosk.clockTrusted)', () => {
  it.each([
    ['behind-signed-time', false],
    ['off-from-hub', false],
    ['trusted', true],
    ['unknown', true],
  ] as const)('a clock %s: clockTrusted %s', (state, trusted) => {
    const facts = new FactsStore(openFactsDatabase(':memory:'));
    facts.upsertMany(demoRecords(SIGNED));
    facts.markSynced(SIGNED);
    const repository = new RuleSetRepository(undefined, undefined);
    const seen: RuleContext[] = [];
    const pipeline = new ScanPipeline({
      facts,
      log: new EntryLog(openKioskDatabase(':memory:')),
      rulesAt: (at) => {
        const inForce = repository.inForce(at);
        return {
          evaluate: (personFacts, context) => {
            seen.push(context);
            return inForce.evaluate(personFacts, context);
          },
        };
      },
      now: () => SIGNED,
      trust: {},
      clock: () => ({ state }),
    });
    const scan: ScanEvent = { source: WEDGE, text: AN, overflow: false, at: new Date(SIGNED).toISOString() };
    pipeline.decide(scan);
    expect(seen.map((context) => context.clockTrusted)).toEqual([trusted]);
  });
});
