import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANUAL_NOT_VERIFIED } from '../../../../domain/verdict/assess-credential.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { StaffPinStore, type ScryptCost } from '../../../../main/staff/staff-pin-store.js';
import { EntryLog, type EntryRow } from '../../../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const NOW = Date.parse('2021-10-20T09:00:00+07:00');
const CHEAP: ScryptCost = { N: 1024, r: 8, p: 1, keyLength: 32 };
/** Trần Thị Bình of the demo data set: one dose, yellow. */
const BINH = '079195004321';

async function kiosk(staff: readonly [string, string][], gate?: { lane: string; direction: 'alighting' }) {
  const dataDir = tempDataDir('chot-typed-id-');
  const pins = new StaffPinStore(dataDir, CHEAP);
  for (const [name, pin] of staff) await pins.add(name, pin);
  const core = KioskCore.open({ dataDir, demo: true, now: () => NOW, staffPins: pins, ...(gate === undefined ? {} : { gate }) });
  const entries = (): EntryRow[] => {
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    try {
      const log = new EntryLog(db);
      return Array.from({ length: log.count() }, (_, i) => log.get(i + 1)).filter((row) => row !== undefined);
    } finally {
      db.close();
    }
  };
  return { core, entries };
}

describe('an ID typed on the staff keypad (KioskCore.enterTypedId)', () => {
  it('with staff PINs set, is refused without a sign-in, logging nothing; signed in, it is decided as a bare number naming the staff member', async () => {
    const { core, entries } = await kiosk([['Lan', '246810']], { lane: 'B', direction: 'alighting' });
    const heard: DecidedVerdict[] = [];
    core.onVerdict((decided) => heard.push(decided));
    expect(await core.enterTypedId({ id: BINH, by: 'anyone' })).toMatchObject({ ok: false, refusal: { code: 'staff.sign-in-required' } });
    expect(entries()).toEqual([]);
    expect(heard).toEqual([]);

    await core.staffSignIn({ pin: '246810' });
    const result = await core.enterTypedId({ id: BINH, by: 'Someone Else' });
    if (!result.ok) throw new Error(result.refusal.code);
    expect(result.verdict).toMatchObject({ outcome: 'yellow', credentialKind: 'manual', authenticity: 'manual', subject: { idTail: '4321' } });
    expect(result.verdict.reasons.map((r) => r.code)).toContain(MANUAL_NOT_VERIFIED.code);
    const [entry] = entries();
    expect(entry).toMatchObject({
      format: 4,
      sourceKind: 'manual',
      sourceDeviceId: 'staff-keypad',
      credentialKind: 'manual',
      authenticity: 'manual',
      personId: BINH,
      lane: 'B',
      direction: 'alighting',
      enteredBy: 'Lan',
    });
    // The lane's relays hear it after its commit, as for any scan.
    expect(heard.map((d) => [d.verdict.entrySeq, d.source.kind, d.lane])).toEqual([[entry?.seq, 'manual', 'B']]);
    core.close();
  });

  it('without staff PINs, names who the screen typed, and refuses with nobody named', async () => {
    const { core, entries } = await kiosk([]);
    expect(await core.enterTypedId({ id: BINH })).toMatchObject({ ok: false, refusal: { code: 'staff.who-missing' } });
    const result = await core.enterTypedId({ id: '225123456', by: 'Minh' });
    expect(result).toMatchObject({ ok: true, verdict: { credentialKind: 'manual', authenticity: 'manual' } });
    expect(entries()).toMatchObject([{ format: 4, personId: '225123456', enteredBy: 'Minh' }]);
    core.close();
  });

  it('refuses digits that are not an ID by the parser’s own rules, in words, logging nothing', async () => {
    const { core, entries } = await kiosk([]);
    expect(await core.enterTypedId({ id: '056989001234', by: 'Minh' })).toMatchObject({
      ok: false,
      refusal: { code: 'manual.century-digit', vi: expect.stringContaining('Chữ số thứ 4') as unknown },
    });
    expect(entries()).toEqual([]);
    core.close();
  });
});
