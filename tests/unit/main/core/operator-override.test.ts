import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OverrideResult } from '../../../../domain/contract/operator-override.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { appendStaffDecision } from '../../../../main/core/operator-override.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T09:00:00+07:00');
const wedge = { kind: 'wedge', deviceId: 'keyboard' } as const;
const card = (label: string): string => demoCards().find((c) => c.label === label)?.qrText ?? '';

/** A demo kiosk on a clock the test moves, and a way to read its log afterwards. */
function kiosk() {
  const dataDir = tempDataDir('chot-override-');
  const clock = { now: NOW };
  const core = KioskCore.open({ dataDir, demo: true, now: () => clock.now, gate: { lane: 'B', direction: 'in' } });
  const withLog = <T>(read: (log: EntryLog) => T): T => {
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    try {
      return read(new EntryLog(db));
    } finally {
      db.close();
    }
  };
  return { core, clock, withLog };
}

const refusalCode = (result: OverrideResult): string => (result.ok ? 'accepted' : result.refusal.code);

describe('KioskCore.overrideLastVerdict', () => {
  it('logs a new green entry for the same person and gate, naming the overridden entry, and the chain still verifies', async () => {
    const { core, clock, withLog } = kiosk();
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(red.outcome).toBe('red');
    clock.now += 30_000;
    const result = await core.overrideLastVerdict({ seq: red.entrySeq, by: 'NV-07 Lê Văn Tâm', reason: 'Đã kiểm tra giấy tờ / Papers checked' });
    core.close();

    if (!result.ok) throw new Error(`refused: ${result.refusal.code}`);
    expect(result.verdict).toMatchObject({
      outcome: 'green',
      gate: { open: true },
      entrySeq: red.entrySeq + 1,
      credentialKind: 'cccd-qr',
      override: { by: 'NV-07 Lê Văn Tâm', reason: 'Đã kiểm tra giấy tờ / Papers checked', overridesSeq: red.entrySeq },
    });
    expect(result.verdict.reasons.map((r) => r.code)).toEqual(['override', `overrides:${red.entrySeq}`]);
    // Never the scanned person's name: the core does not keep it.
    expect(result.verdict.subject?.name).toBeUndefined();
    // The number it is about, labelled by its kind as on the verdict it overrides.
    expect(result.verdict.subject).toMatchObject({ idLabel: 'CCCD', idTail: red.subject?.idTail });

    withLog((log) => {
      expect(log.count()).toBe(2);
      const original = log.get(red.entrySeq);
      const override = log.get(red.entrySeq + 1);
      // The overridden entry is untouched: the log is append-only.
      expect(original).toMatchObject({ outcome: 'red', override: null });
      expect(override).toMatchObject({
        format: 4,
        at: '2021-10-20T09:00:30.000+07:00',
        lane: 'B',
        direction: 'in',
        kioskId: original?.format === 1 ? '?' : original?.kioskId,
        sourceKind: 'wedge',
        credentialKind: original?.credentialKind,
        personId: original?.personId,
        outcome: 'green',
        reasonCodes: ['override', `overrides:${red.entrySeq}`],
        ruleSet: null,
        override: { by: 'NV-07 Lê Văn Tâm', reason: 'Đã kiểm tra giấy tờ / Papers checked' },
      });
      expect(log.verify()).toMatchObject({ ok: true });
    });
  });

  it('overrides a yellow verdict too; today’s stats count the scan once, as the yellow it was (the override is a staff decision, as in the hub’s reports)', async () => {
    const { core } = kiosk();
    const yellow = await core.submitScan({ source: wedge, text: card('Trần Thị Bình') });
    expect(yellow.outcome).toBe('yellow');
    expect(refusalCode(await core.overrideLastVerdict({ seq: yellow.entrySeq, by: 'NV-07', reason: 'Trường hợp khẩn cấp / Emergency' }))).toBe('accepted');
    const stats = await core.getTodayStats();
    core.close();
    expect(stats).toMatchObject({ total: 1, byOutcome: { green: 0, yellow: 1, red: 0, none: 0 }, byCredentialKind: { 'cccd-qr': 1 } });
  });

  it('refuses, logging nothing: an unknown entry, an older one, a green, a “cannot read”, a verdict over 2 minutes old, and a second override', async () => {
    const { core, clock, withLog } = kiosk();
    const request = (seq: number) => ({ seq, by: 'NV-07', reason: 'Đã kiểm tra giấy tờ / Papers checked' });
    const red = await core.submitScan({ source: wedge, text: card('Võ Thị Em') });
    const green = await core.submitScan({ source: wedge, text: card('Nguyễn Văn An') });
    expect(refusalCode(await core.overrideLastVerdict(request(99)))).toBe('override.unknown-entry');
    expect(refusalCode(await core.overrideLastVerdict(request(red.entrySeq)))).toBe('override.not-latest');
    expect(refusalCode(await core.overrideLastVerdict(request(green.entrySeq)))).toBe('override.already-green');
    const unreadable = await core.submitScan({ source: wedge, text: 'not a code at all' });
    expect(refusalCode(await core.overrideLastVerdict(request(unreadable.entrySeq)))).toBe('override.no-verdict');
    const late = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    clock.now += 120_001;
    expect(refusalCode(await core.overrideLastVerdict(request(late.entrySeq)))).toBe('override.too-old');
    const again = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(refusalCode(await core.overrideLastVerdict(request(again.entrySeq)))).toBe('accepted');
    // The same verdict again: it is no longer the newest entry, the override is.
    expect(refusalCode(await core.overrideLastVerdict(request(again.entrySeq)))).toBe('override.not-latest');
    core.close();
    withLog((log) => {
      expect(log.count()).toBe(6);
      expect(log.verify()).toMatchObject({ ok: true });
    });
  });
});

describe('appendStaffDecision on a chip ID card’s entry', () => {
  it('keeps the read’s document signer with its credential and authenticity, and the chain verifies', () => {
    const log = new EntryLog(openKioskDatabase(':memory:'));
    const station = { kioskId: 'k-0123456789abcdef', location: 'Chợ Đầm', lane: '1', direction: 'in' } as const;
    const signer = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';
    const seq = log.append({
      at: '2021-10-20T09:00:00.000+07:00',
      ...station,
      sourceKind: 'chip',
      sourceDeviceId: 'ACS ACR39U',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      personId: '056089001234',
      outcome: 'yellow',
      reasonCodes: ['test-expired'],
      ruleSet: 'khanh-hoa-2021-10@1.0.0',
      override: null,
      documentSigner: signer,
    });
    const original = log.get(seq);
    if (original === undefined) throw new Error('entry not logged');
    appendStaffDecision(log, station, original, NOW + 10_000, {
      headline: { vi: 'Cho vào', en: 'Let in' },
      reasons: [{ code: 'override', vi: 'x', en: 'x' }],
      override: { by: 'NV-07', reason: 'Đã kiểm tra / Checked' },
    });
    expect(log.get(seq + 1)).toMatchObject({ format: 4, credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: signer, outcome: 'green' });
    expect(log.verify()).toMatchObject({ ok: true, entries: 2 });
  });
});
