import { describe, expect, it } from 'vitest';
import { DEFAULT_REPEAT_WINDOW_MS, RepeatFilter } from '../../../../main/core/repeat-filter.js';

/** The filter's clock is the caller's: every instant here is given, none is waited for. */
describe('RepeatFilter (one read is one entry, per input)', () => {
  it('is 3 s by default', () => {
    expect(DEFAULT_REPEAT_WINDOW_MS).toBe(3000);
  });

  it('answers a read of a code not seen with nothing, and its repeat with the first result', () => {
    const filter = new RepeatFilter<string>(3000);
    expect(filter.repeatOf('wedge', 'A', 0)).toBeUndefined();
    filter.remember('wedge', 'A', 'entry 1', 0);
    expect(filter.repeatOf('wedge', 'A', 300)).toBe('entry 1');
    expect(filter.repeatOf('wedge', 'B', 300)).toBeUndefined();
  });

  it('window edges: 1 ms inside is a repeat, the window itself is a new read', () => {
    const inside = new RepeatFilter<string>(3000);
    inside.remember('wedge', 'A', 'entry 1', 1000);
    expect(inside.repeatOf('wedge', 'A', 3999)).toBe('entry 1');
    const at = new RepeatFilter<string>(3000);
    at.remember('wedge', 'A', 'entry 1', 1000);
    expect(at.repeatOf('wedge', 'A', 4000)).toBeUndefined();
  });

  it('runs the window from the last read: a card held in view stays one entry however long', () => {
    const filter = new RepeatFilter<string>(3000);
    filter.remember('camera', 'A', 'entry 1', 0);
    for (let t = 100; t <= 10_000; t += 100) expect(filter.repeatOf('camera', 'A', t)).toBe('entry 1');
    // Out of view for the whole window: a new read.
    expect(filter.repeatOf('camera', 'A', 13_000)).toBeUndefined();
  });

  it('keeps inputs apart: the same code on another input is another entry', () => {
    const filter = new RepeatFilter<string>(3000);
    filter.remember('serial /dev/ttyACM0 lane 1', 'A', 'entry 1', 0);
    expect(filter.repeatOf('serial /dev/ttyACM1 lane 2', 'A', 100)).toBeUndefined();
    expect(filter.repeatOf('serial /dev/ttyACM0 lane 1', 'A', 100)).toBe('entry 1');
  });

  it('remembers every code of the window, not only the last one', () => {
    const filter = new RepeatFilter<string>(3000);
    filter.remember('camera', 'A', 'entry 1', 0);
    filter.remember('camera', 'B', 'entry 2', 500);
    expect(filter.repeatOf('camera', 'A', 1000)).toBe('entry 1');
  });

  it('forgets reads older than the window, and reads from before a clock step back', () => {
    const filter = new RepeatFilter<string>(3000);
    for (let i = 0; i < 100; i += 1) filter.remember('wedge', `code ${i}`, `entry ${i}`, i);
    expect(filter.size).toBe(100);
    expect(filter.repeatOf('wedge', 'other', 10_000)).toBeUndefined();
    expect(filter.size).toBe(0);
    filter.remember('wedge', 'A', 'entry 1', 50_000);
    expect(filter.repeatOf('wedge', 'A', 49_000)).toBeUndefined();
  });

  it('a window of 0 makes every read a new entry; clear() forgets everything', () => {
    const off = new RepeatFilter<string>(0);
    off.remember('wedge', 'A', 'entry 1', 0);
    expect(off.repeatOf('wedge', 'A', 0)).toBeUndefined();
    const filter = new RepeatFilter<string>(3000);
    filter.remember('wedge', 'A', 'entry 1', 0);
    filter.clear();
    expect(filter.repeatOf('wedge', 'A', 1)).toBeUndefined();
    expect(() => new RepeatFilter<string>(-1)).toThrow(RangeError);
  });
});
