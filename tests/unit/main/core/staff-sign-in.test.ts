import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OverrideResult } from '../../../../domain/contract/operator-override.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import { StaffPinStore, type ScryptCost } from '../../../../main/staff/staff-pin-store.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T09:00:00+07:00');
const wedge = { kind: 'wedge', deviceId: 'keyboard' } as const;
const card = (label: string): string => demoCards().find((c) => c.label === label)?.qrText ?? '';
const CHEAP: ScryptCost = { N: 1024, r: 8, p: 1, keyLength: 32 };
const REASON = 'Đã kiểm tra giấy tờ / Papers checked';

/** A demo kiosk with staff PINs (or none), on a clock the test moves. */
async function kiosk(staff: readonly [string, string][] = [['Lan', '246810']]) {
  const dataDir = tempDataDir('chot-staff-core-');
  const pins = new StaffPinStore(dataDir, CHEAP);
  for (const [name, pin] of staff) await pins.add(name, pin);
  const clock = { now: NOW };
  const core = KioskCore.open({ dataDir, demo: true, now: () => clock.now, staffPins: pins, staffIdleMs: 60_000 });
  const overrideBy = (seq: number): string | null | undefined => {
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    try {
      const entry = new EntryLog(db).get(seq);
      return entry === undefined || entry.format === 1 ? undefined : (entry.override?.by ?? null);
    } finally {
      db.close();
    }
  };
  return { core, clock, overrideBy };
}

const code = (result: OverrideResult | { ok: boolean; refusal?: { code: string } }): string => (result.ok ? 'accepted' : (result.refusal?.code ?? ''));

describe('staff decisions need a staff session once staff PINs are set', () => {
  it('refuses an override without a sign-in, whatever name is typed, and logs nothing', async () => {
    const { core } = await kiosk();
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, by: 'anyone', reason: REASON }))).toBe('staff.sign-in-required');
    // Nothing was appended: the red is still the newest, so a signed-in override can follow.
    expect(await core.staffSignIn({ pin: '246810' })).toMatchObject({ ok: true, staff: 'Lan' });
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON }))).toBe('accepted');
    core.close();
  });

  it('refuses a switch of the inputs’ direction without a sign-in (any page could ask), and switches with one', async () => {
    const { core } = await kiosk();
    expect(code(await core.setInputDirection({ direction: 'alighting' }))).toBe('staff.sign-in-required');
    expect((await core.getKioskInfo()).inputs?.wedge.direction).toBe('in');
    await core.staffSignIn({ pin: '246810' });
    expect(await core.setInputDirection({ direction: 'alighting' })).toMatchObject({ ok: true, inputs: { wedge: { direction: 'alighting' } } });
    core.close();
  });

  it('logs the signed-in staff member as who, ignoring a typed name', async () => {
    const { core, overrideBy } = await kiosk();
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    await core.staffSignIn({ pin: '246810' });
    const result = await core.overrideLastVerdict({ seq: red.entrySeq, by: 'Someone Else', reason: REASON });
    if (!result.ok) throw new Error(result.refusal.code);
    expect(result.verdict.override?.by).toBe('Lan');
    expect(overrideBy(result.verdict.entrySeq)).toBe('Lan');
    core.close();
  });

  it('refuses a confirm without a sign-in, and logs the staff member with one', async () => {
    const { core, overrideBy } = await kiosk();
    const green = await core.submitScan({ source: wedge, text: card('Nguyễn Văn An') });
    expect(green.gate.needsConfirm).toBeDefined();
    expect(code(await core.confirmLastVerdict({ seq: green.entrySeq, by: 'anyone' }))).toBe('staff.sign-in-required');
    await core.staffSignIn({ pin: '246810' });
    const result = await core.confirmLastVerdict({ seq: green.entrySeq });
    if (!result.ok) throw new Error(result.refusal.code);
    expect(overrideBy(result.verdict.entrySeq)).toBe('Lan');
    core.close();
  });

  it('ends the session after the idle time and on sign-out', async () => {
    const { core, clock } = await kiosk();
    await core.staffSignIn({ pin: '246810' });
    expect(await core.getStaffSession()).toMatchObject({ pinsConfigured: true, signedIn: { staff: 'Lan' } });
    clock.now += 60_000;
    expect((await core.getStaffSession()).signedIn).toBeUndefined();
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON }))).toBe('staff.sign-in-required');
    await core.staffSignIn({ pin: '246810' });
    expect((await core.staffSignOut()).signedIn).toBeUndefined();
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON }))).toBe('staff.sign-in-required');
    core.close();
  });

  it('refuses the CAN keypad without a sign-in', async () => {
    const { core } = await kiosk();
    expect(await core.enterChipCan({ can: '123456' })).toMatchObject({ ok: false, refusal: { code: 'staff.sign-in-required' } });
    core.close();
  });
});

describe('a kiosk with no staff PIN keeps the open override of a demo kiosk', () => {
  it('takes the typed name, and refuses a decision that names nobody', async () => {
    const { core, overrideBy } = await kiosk([]);
    expect(await core.getStaffSession()).toEqual({ pinsConfigured: false });
    const red = await core.submitScan({ source: wedge, text: card('Phạm Minh Đức') });
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON }))).toBe('staff.who-missing');
    const result = await core.overrideLastVerdict({ seq: red.entrySeq, by: 'NV-07', reason: REASON });
    if (!result.ok) throw new Error(result.refusal.code);
    expect(overrideBy(result.verdict.entrySeq)).toBe('NV-07');
    core.close();
  });
});

describe('overrides of a known kind of `none`, and of an F0 red', () => {
  it('lets staff through a person with no record here', async () => {
    const { core } = await kiosk();
    const none = await core.submitScan({ source: wedge, text: card('Hoàng Văn Giang') });
    expect(none).toMatchObject({ outcome: 'none', reasons: [{ code: 'person.unknown' }] });
    await core.staffSignIn({ pin: '246810' });
    const result = await core.overrideLastVerdict({ seq: none.entrySeq, reason: REASON });
    expect(result).toMatchObject({ ok: true, verdict: { outcome: 'green', override: { by: 'Lan', overridesSeq: none.entrySeq } } });
    core.close();
  });

  it('still refuses an unreadable code', async () => {
    const { core } = await kiosk();
    const none = await core.submitScan({ source: wedge, text: 'garbage-that-is-no-credential' });
    await core.staffSignIn({ pin: '246810' });
    expect(code(await core.overrideLastVerdict({ seq: none.entrySeq, reason: REASON }))).toBe('override.no-verdict');
    core.close();
  });

  it('asks a second confirmation to override an F0 red', async () => {
    const { core } = await kiosk();
    const red = await core.submitScan({ source: wedge, text: card('Võ Thị Em') });
    expect(red.outcome).toBe('red');
    await core.staffSignIn({ pin: '246810' });
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON }))).toBe('override.needs-second-confirm');
    expect(code(await core.overrideLastVerdict({ seq: red.entrySeq, reason: REASON, confirmedSevere: true }))).toBe('accepted');
    core.close();
  });
});
