import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_KEY_RENEWALS, PendingChipKeys } from '../../../../main/chip/pending-chip-keys.js';

/** The keys waiting for a card per lane: their wait, a renewed wait after a read cut short, and its bound. */
const TTL = 60_000;
const KEY = { key: { can: '001234' }, personId: '056089001234', forEntrySeq: 7 };

describe('keys waiting for their card', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function keys(): { keys: PendingChipKeys; expired: string[] } {
    vi.useFakeTimers({ now: 1_000_000 });
    const expired: string[] = [];
    return { keys: new PendingChipKeys(TTL, Date.now, (lane) => expired.push(lane)), expired };
  }

  it('a key is forgotten a wait after it was set, and says so', () => {
    const { keys: waiting, expired } = keys();
    const key = waiting.set('1', KEY);
    expect(key.untilMs).toBe(1_000_000 + TTL);
    vi.advanceTimersByTime(TTL - 1);
    expect(waiting.get('1')).toBe(key);
    vi.advanceTimersByTime(1);
    expect(waiting.get('1')).toBeUndefined();
    expect(expired).toEqual(['1']);
  });

  it('a renewed key waits a whole wait from the renewal, not what was left', () => {
    const { keys: waiting, expired } = keys();
    const key = waiting.set('1', KEY);
    vi.advanceTimersByTime(TTL - 1_000);
    const renewed = waiting.renew('1', key);
    expect(renewed).toMatchObject({ ...KEY, untilMs: Date.now() + TTL, renewals: 1 });
    vi.advanceTimersByTime(TTL - 1);
    expect(waiting.get('1')).toBe(renewed);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['1']);
  });

  it(`renewed at most ${MAX_KEY_RENEWALS} times: a card that breaks every read does not keep its key for ever`, () => {
    const { keys: waiting, expired } = keys();
    let key = waiting.set('1', KEY);
    for (let renewal = 1; renewal <= MAX_KEY_RENEWALS; renewal += 1) {
      vi.advanceTimersByTime(5_000);
      const renewed = waiting.renew('1', key);
      expect(renewed?.renewals).toBe(renewal);
      key = renewed ?? key;
    }
    vi.advanceTimersByTime(5_000);
    expect(waiting.renew('1', key)).toBeUndefined();
    // The last renewal's wait still runs out as set.
    expect(waiting.get('1')).toBe(key);
    vi.advanceTimersByTime(TTL - 5_000);
    expect(waiting.get('1')).toBeUndefined();
    expect(expired).toEqual(['1']);
  });

  it('a key replaced by a newer one (another QR) is not renewed, and the newer one starts with none', () => {
    const { keys: waiting } = keys();
    const old = waiting.set('1', KEY);
    const newer = waiting.set('1', { ...KEY, forEntrySeq: 8 });
    expect(waiting.renew('1', old)).toBeUndefined();
    expect(waiting.get('1')).toBe(newer);
    expect(newer.renewals).toBeUndefined();
  });
});
