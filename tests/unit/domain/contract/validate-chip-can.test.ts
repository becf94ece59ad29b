import { describe, expect, it } from 'vitest';
import { validateCall } from '../../../../domain/contract/validate-call.js';
import { asKioskEvent } from '../../../../domain/contract/kiosk-event-guard.js';

describe('enterChipCan arguments', () => {
  it('accepts six digits, with or without a lane', () => {
    expect(validateCall('enterChipCan', [{ can: '000225' }])).toEqual({ ok: true, method: 'enterChipCan', args: [{ can: '000225' }] });
    expect(validateCall('enterChipCan', [{ can: '123456', lane: '2' }])).toEqual({ ok: true, method: 'enterChipCan', args: [{ can: '123456', lane: '2' }] });
  });

  it.each([
    [{ can: '12345' }],
    [{ can: '1234567' }],
    [{ can: '12345a' }],
    [{ can: 123456 }],
    [{}],
    [{ can: '123456', lane: 'a b' }],
    [{ can: '123456', lane: 7 }],
  ])('refuses %j', (request) => {
    const call = validateCall('enterChipCan', [request]);
    expect(call.ok).toBe(false);
    if (!call.ok) expect(call.error.code).toBe('rpc.bad-arguments');
  });

  it('refuses a call with no request or two', () => {
    expect(validateCall('enterChipCan', []).ok).toBe(false);
    expect(validateCall('enterChipCan', [{ can: '123456' }, {}]).ok).toBe(false);
  });
});

describe('chip events pushed to the screen', () => {
  it('pass with a known phase and a lane', () => {
    const event = { name: 'chip', state: { phase: 'reading', lane: '1', reader: 'R', step: 'photo', bytesRead: 10 } };
    expect(asKioskEvent(event)).toBe(event);
  });

  it('are dropped with an unknown phase or no lane', () => {
    expect(asKioskEvent({ name: 'chip', state: { phase: 'exploding', lane: '1' } })).toBeUndefined();
    expect(asKioskEvent({ name: 'chip', state: { phase: 'idle' } })).toBeUndefined();
    expect(asKioskEvent({ name: 'chip' })).toBeUndefined();
  });
});
