import { describe, expect, it } from 'vitest';
import { asKioskEvent } from '../../../../domain/contract/kiosk-event-guard.js';
import { KIOSK_EVENT_NAMES } from '../../../../domain/contract/kiosk-events.js';

describe('the set-up event, as the preload and the page check it', () => {
  it('passes a known phase, with a reason in both languages', () => {
    const setup = { phase: 'refused', hub: 'http://hub.example', reason: { code: 'setup.hub-unreachable', vi: 'Không kết nối được', en: 'Cannot reach' } };
    expect(asKioskEvent({ name: 'setup', setup })).toEqual({ name: 'setup', setup });
    expect(asKioskEvent({ name: 'setup', setup: { phase: 'enrolled', location: 'Cổng 1' } })).toBeDefined();
    expect(KIOSK_EVENT_NAMES).toContain('setup');
  });

  it.each([
    ['no set-up', { name: 'setup' }],
    ['an unknown phase', { name: 'setup', setup: { phase: 'hacked' } }],
    ['a reason in one language', { name: 'setup', setup: { phase: 'refused', reason: { code: 'x', vi: 'chỉ tiếng Việt' } } }],
  ])('drops %s', (_what, event) => {
    expect(asKioskEvent(event)).toBeUndefined();
  });
});
