import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfirmResult } from '../../../../domain/contract/staff-confirm.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { KioskCore, type KioskCoreOptions } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { pinHubKey } from '../../../../main/trust/hub-keys-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T09:00:00+07:00');
const wedge = { kind: 'wedge', deviceId: 'keyboard' } as const;
const card = (label: string): string => demoCards().find((c) => c.label === label)?.qrText ?? '';
const GREEN_CCCD = card('Nguyễn Văn An');
const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
/** A status pass the hub signed for the green demo person: a credential that proves itself. */
const greenPass = (): string => issuePass(hubKey, { id12: GREEN_CCCD.slice(0, 12), now: NOW, validForHours: 24 });

/** A demo kiosk trusting the test hub's key, on a clock the test moves; what its relays heard; its log afterwards. */
function kiosk(options: Partial<KioskCoreOptions> = {}) {
  const dataDir = tempDataDir('chot-confirm-');
  pinHubKey(dataDir, Buffer.from(hubKey.publicKeyRaw).toString('base64'));
  const clock = { now: NOW };
  const core = KioskCore.open({ dataDir, demo: true, now: () => clock.now, gate: { lane: 'B', direction: 'in' }, ...options });
  const relays: DecidedVerdict[] = [];
  core.onVerdict((decided) => relays.push(decided));
  const opened = (): number[] => relays.filter((decided) => decided.verdict.gate.open).map((decided) => decided.verdict.entrySeq);
  const withLog = <T>(read: (log: EntryLog) => T): T => {
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    try {
      return read(new EntryLog(db));
    } finally {
      db.close();
    }
  };
  return { core, clock, opened, withLog };
}

const refusalCode = (result: ConfirmResult): string => (result.ok ? 'accepted' : result.refusal.code);

describe('the gate opens by authenticity as well as colour', () => {
  it('a green CCCD QR (unsigned) does not open by default: the verdict says why and that staff confirm; the log says so too', async () => {
    const { core, opened, withLog } = kiosk();
    const verdict = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    core.close();
    expect(verdict.outcome).toBe('green');
    expect(verdict.authenticity).toBe('unsigned');
    expect(verdict.gate).toEqual({
      open: false,
      needsConfirm: { code: 'gate.not-verified', vi: 'Chưa xác thực — nhân viên xác nhận để mở cổng', en: 'Not verified — staff confirm to open' },
    });
    expect(opened()).toEqual([]);
    withLog((log) => expect(log.get(verdict.entrySeq)?.reasonCodes.at(-1)).toBe('gate.not-verified'));
  });

  it('a bare ID number, as a scanner or camera reads it, is `manual`: not an ID card, not verified, and it does not open', async () => {
    const { core, opened, withLog } = kiosk();
    const verdict = await core.submitDeviceScan(
      { source: { kind: 'camera', deviceId: 'camera' }, text: GREEN_CCCD.slice(0, 12), at: new Date(NOW).toISOString() },
      { lane: 'B', direction: 'in' },
    );
    core.close();
    expect(verdict).toMatchObject({
      outcome: 'green',
      credentialKind: 'manual',
      authenticity: 'manual',
      gate: { open: false, needsConfirm: { code: 'gate.not-verified' } },
    });
    expect(verdict.reasons.map((r) => r.code)).toContain('credential.manual');
    expect(verdict.reasons.find((r) => r.code === 'credential.manual')).toMatchObject({
      vi: 'Nhập tay — chưa xác thực',
      en: 'Typed — not verified',
    });
    expect(opened()).toEqual([]);
    withLog((log) => expect(log.get(verdict.entrySeq)).toMatchObject({ credentialKind: 'manual', authenticity: 'manual' }));
  });

  it('a signed status pass that is green opens the gate at once', async () => {
    const { core, opened } = kiosk();
    const verdict = await core.submitScan({ source: wedge, text: greenPass() });
    core.close();
    expect(verdict).toMatchObject({ outcome: 'green', credentialKind: 'pass', authenticity: 'signed-valid', gate: { open: true } });
    expect(verdict.gate.needsConfirm).toBeUndefined();
    expect(opened()).toEqual([verdict.entrySeq]);
  });

  it('a lane that opted in (openFor: unsigned) opens on a green CCCD without staff, but not on a bare number', async () => {
    const { core, opened } = kiosk({ gates: { B: { open: ['green'], openFor: ['signed-valid', 'unsigned'] } } });
    const cccd = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    const bare = await core.submitScan({ source: wedge, text: GREEN_CCCD.slice(0, 12) });
    core.close();
    expect(cccd.gate).toEqual({ open: true });
    expect(bare.gate.open).toBe(false);
    expect(opened()).toEqual([cccd.entrySeq]);
  });
});

describe('KioskCore.confirmLastVerdict', () => {
  it('logs a new chained green entry with who, and opens the lane’s gate after the commit', async () => {
    const { core, clock, opened, withLog } = kiosk();
    const green = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    clock.now += 20_000;
    const result = await core.confirmLastVerdict({ seq: green.entrySeq, by: 'NV-07 Lê Văn Tâm' });
    core.close();

    if (!result.ok) throw new Error(`refused: ${result.refusal.code}`);
    expect(result.verdict).toMatchObject({
      outcome: 'green',
      headline: { vi: 'ĐƯỢC VÀO — NHÂN VIÊN XÁC NHẬN', en: 'Entry allowed — confirmed by staff' },
      gate: { open: true },
      entrySeq: green.entrySeq + 1,
      credentialKind: 'cccd-qr',
      authenticity: 'unsigned',
      confirm: { by: 'NV-07 Lê Văn Tâm', confirmsSeq: green.entrySeq },
    });
    expect(result.verdict.override).toBeUndefined();
    expect(result.verdict.reasons.map((r) => r.code)).toEqual(['confirm', `confirms:${green.entrySeq}`]);
    expect(opened()).toEqual([result.verdict.entrySeq]);

    withLog((log) => {
      expect(log.count()).toBe(2);
      const original = log.get(green.entrySeq);
      expect(original).toMatchObject({ outcome: 'green', override: null });
      expect(log.get(result.verdict.entrySeq)).toMatchObject({
        format: 4,
        at: '2021-10-20T09:00:20.000+07:00',
        lane: 'B',
        sourceKind: 'wedge',
        credentialKind: 'cccd-qr',
        authenticity: 'unsigned',
        personId: original?.personId,
        outcome: 'green',
        reasonCodes: ['confirm', `confirms:${green.entrySeq}`],
        ruleSet: null,
        override: { by: 'NV-07 Lê Văn Tâm', reason: 'Nhân viên đã đối chiếu giấy tờ với người / Staff checked the card against the person' },
      });
      expect(log.verify()).toMatchObject({ ok: true });
    });
  });

  it('refuses, logging and opening nothing: a red, a signed green that opened, an older entry, too late, a second confirm, a confirm of a staff decision', async () => {
    const { core, clock, opened, withLog } = kiosk();
    const confirm = (seq: number) => core.confirmLastVerdict({ seq, by: 'NV-07' });
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(refusalCode(await confirm(red.entrySeq))).toBe('confirm.colour-closed');
    const yellow = await core.submitScan({ source: wedge, text: card('Trần Thị Bình') });
    expect(refusalCode(await confirm(yellow.entrySeq))).toBe('confirm.colour-closed');
    const unreadable = await core.submitScan({ source: wedge, text: 'not a code at all' });
    expect(refusalCode(await confirm(unreadable.entrySeq))).toBe('confirm.no-verdict');
    const signed = await core.submitScan({ source: wedge, text: greenPass() });
    expect(refusalCode(await confirm(signed.entrySeq))).toBe('confirm.already-open');
    expect(refusalCode(await confirm(red.entrySeq))).toBe('confirm.not-latest');
    expect(refusalCode(await confirm(999))).toBe('confirm.unknown-entry');
    const late = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    clock.now += 120_001;
    expect(refusalCode(await confirm(late.entrySeq))).toBe('confirm.too-old');
    const again = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    const first = await confirm(again.entrySeq);
    expect(refusalCode(first)).toBe('accepted');
    // Twice: the verdict is no longer the newest (the confirm is), and the confirm itself opened the gate.
    expect(refusalCode(await confirm(again.entrySeq))).toBe('confirm.not-latest');
    expect(refusalCode(await confirm(again.entrySeq + 1))).toBe('confirm.already-open');
    // An override is a staff decision too: it opened the gate, there is nothing left to confirm.
    const red2 = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect((await core.overrideLastVerdict({ seq: red2.entrySeq, by: 'NV-07', reason: 'Trường hợp khẩn cấp / Emergency' })).ok).toBe(true);
    expect(refusalCode(await confirm(red2.entrySeq + 1))).toBe('confirm.already-open');
    core.close();
    // The signed pass, the one confirm and the override opened the gate; nothing refused did.
    expect(opened()).toEqual([signed.entrySeq, again.entrySeq + 1, red2.entrySeq + 1]);
    withLog((log) => {
      expect(log.count()).toBe(9);
      expect(log.verify()).toMatchObject({ ok: true });
    });
  });

  it('an override cannot be made of a confirmed verdict either: the confirm is green', async () => {
    const { core } = kiosk();
    const green = await core.submitScan({ source: wedge, text: GREEN_CCCD });
    expect(refusalCode(await core.confirmLastVerdict({ seq: green.entrySeq, by: 'NV-07' }))).toBe('accepted');
    const override = await core.overrideLastVerdict({ seq: green.entrySeq + 1, by: 'NV-07', reason: 'x' });
    core.close();
    expect(override.ok ? 'accepted' : override.refusal.code).toBe('override.already-green');
  });
});
