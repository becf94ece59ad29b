import { describe, expect, it } from 'vitest';
import { DEFAULT_THEME_SETTINGS, minuteOfDayFrom, minutesUntilThemeChange, themeAt, type ThemeSettings } from '../../../../domain/contract/theme-settings.js';

const auto: ThemeSettings = { ...DEFAULT_THEME_SETTINGS, mode: 'auto' };
const at = (text: string): number => minuteOfDayFrom(text) ?? Number.NaN;

describe('the theme by the time of day', () => {
  it('dark and bright are worn all day; the default is dark, with a 06:00–18:00 day for auto', () => {
    expect(DEFAULT_THEME_SETTINGS).toEqual({ mode: 'dark', dayStartMinute: 360, dayEndMinute: 1080 });
    for (const minute of [0, at('06:00'), at('12:00'), at('23:59')]) {
      expect(themeAt({ ...auto, mode: 'dark' }, minute)).toBe('dark');
      expect(themeAt({ ...auto, mode: 'bright' }, minute)).toBe('bright');
    }
  });

  it('auto: bright from the day start up to the day end, dark outside it', () => {
    expect(themeAt(auto, at('05:59'))).toBe('dark');
    expect(themeAt(auto, at('06:00'))).toBe('bright');
    expect(themeAt(auto, at('17:59'))).toBe('bright');
    expect(themeAt(auto, at('18:00'))).toBe('dark');
  });

  it('auto: a day that runs past midnight (a night-shift site sets its "day" so) wraps', () => {
    const wrapped: ThemeSettings = { mode: 'auto', dayStartMinute: at('20:00'), dayEndMinute: at('04:00') };
    expect(themeAt(wrapped, at('23:00'))).toBe('bright');
    expect(themeAt(wrapped, at('03:59'))).toBe('bright');
    expect(themeAt(wrapped, at('04:00'))).toBe('dark');
    expect(themeAt(wrapped, at('19:59'))).toBe('dark');
  });

  it('minutes until the next boundary, so a page switches there without a reload; none when it never changes', () => {
    expect(minutesUntilThemeChange(auto, at('05:00'))).toBe(60);
    expect(minutesUntilThemeChange(auto, at('06:00'))).toBe(12 * 60);
    expect(minutesUntilThemeChange(auto, at('18:00'))).toBe(12 * 60);
    expect(minutesUntilThemeChange(auto, at('23:30'))).toBe(6 * 60 + 30);
    expect(minutesUntilThemeChange({ ...auto, mode: 'dark' }, at('05:00'))).toBeUndefined();
  });

  it('HH:MM times of day', () => {
    expect(minuteOfDayFrom('6:05')).toBe(365);
    expect(minuteOfDayFrom(' 23:59 ')).toBe(1439);
    for (const bad of ['24:00', '12:60', '1200', '', '6', 'noon']) expect(minuteOfDayFrom(bad)).toBeUndefined();
  });
});
