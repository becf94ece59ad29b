import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ThemeSettings } from '../../../../domain/contract/theme-settings.js';
import { keepPageTheme } from '../../../../renderer/theme/page-theme.js';

/** The root element as far as the theme touches it: its data attributes. */
const fakeRoot = () => ({ dataset: {} as Record<string, string> });
const auto: ThemeSettings = { mode: 'auto', dayStartMinute: 6 * 60, dayEndMinute: 18 * 60 };

describe('the page keeps its theme', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sets the chosen theme as one attribute on the root', () => {
    const root = fakeRoot();
    keepPageTheme({ ...auto, mode: 'bright' }, root as unknown as HTMLElement)();
    expect(root.dataset.theme).toBe('bright');
  });

  it('auto: turns bright at the day start and dark at its end, with no reload', () => {
    // Local time (the kiosk's clock), 05:59:30 of some day.
    vi.setSystemTime(new Date(2026, 5, 1, 5, 59, 30));
    const root = fakeRoot();
    const stop = keepPageTheme(auto, root as unknown as HTMLElement);
    expect(root.dataset.theme).toBe('dark');
    vi.advanceTimersByTime(29_000);
    expect(root.dataset.theme).toBe('dark');
    vi.advanceTimersByTime(2_000);
    expect(root.dataset.theme).toBe('bright');
    // Twelve hours later, the evening.
    vi.advanceTimersByTime(12 * 3_600_000);
    expect(root.dataset.theme).toBe('dark');
    stop();
  });
});
