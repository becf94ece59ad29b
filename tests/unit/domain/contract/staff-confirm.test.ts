import { describe, expect, it } from 'vitest';
import { OVERRIDE_LIMITS } from '../../../../domain/contract/operator-override.js';
import { confirmRefusal, type ConfirmedEntryGate } from '../../../../domain/contract/staff-confirm.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const entry = (outcome: string, agoMs = 10_000) => ({ seq: 5, outcome, at: new Date(NOW - agoMs).toISOString() });
const WAITING: ConfirmedEntryGate = { opened: false, awaitsConfirm: true };
const OPENED: ConfirmedEntryGate = { opened: true, awaitsConfirm: false };
const CLOSED: ConfirmedEntryGate = { opened: false, awaitsConfirm: false };

describe('confirmRefusal', () => {
  it('lets staff confirm the newest, recent verdict whose gate waits for them (green, or a yellow the lane opens)', () => {
    expect(confirmRefusal(entry('green'), true, NOW, WAITING)).toBeUndefined();
    expect(confirmRefusal(entry('yellow'), true, NOW, WAITING)).toBeUndefined();
    expect(confirmRefusal(entry('green', OVERRIDE_LIMITS.windowMs), true, NOW, WAITING)).toBeUndefined();
  });

  it.each<[string, ReturnType<typeof entry> | undefined, boolean, ConfirmedEntryGate, string]>([
    ['an unknown entry', undefined, true, WAITING, 'confirm.unknown-entry'],
    ['an entry that is no longer the newest (e.g. confirmed already)', entry('green'), false, WAITING, 'confirm.not-latest'],
    ['a green whose gate opened (signed, or a staff decision)', entry('green'), true, OPENED, 'confirm.already-open'],
    ['a red the lane does not open', entry('red'), true, CLOSED, 'confirm.colour-closed'],
    ['a “cannot read this code” verdict', entry('none'), true, CLOSED, 'confirm.no-verdict'],
    ['a verdict over 2 minutes old', entry('green', OVERRIDE_LIMITS.windowMs + 1), true, WAITING, 'confirm.too-old'],
    ['a row with an unreadable time', { seq: 5, outcome: 'green', at: 'yesterday' }, true, WAITING, 'confirm.too-old'],
  ])('refuses %s, in Vietnamese and English', (_label, confirmed, isNewest, gate, code) => {
    const refusal = confirmRefusal(confirmed, isNewest, NOW, gate);
    expect(refusal?.code).toBe(code);
    expect(refusal?.vi).not.toBe('');
    expect(refusal?.en).not.toBe('');
  });
});
