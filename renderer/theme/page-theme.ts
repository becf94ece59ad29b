import { minutesUntilThemeChange, themeAt, type ThemeSettings } from '../../domain/contract/theme-settings.js';

/** The minute of the kiosk's local day: the page's clock is the kiosk's (Vietnam time at a Vietnamese gate). */
function localMinute(now: Date): number {
  return now.getHours() * 60 + now.getMinutes();
}

/**
 * Keeps the page's colour theme: one attribute on the root element (`data-theme`), which the
 * stylesheets read as custom properties (theme.css). `auto` re-sets it at each day boundary,
 * with no reload: a page open at the gate from night into morning turns bright by itself.
 * Returns a stop function (for tests; the kiosk page keeps it for its life).
 */
export function keepPageTheme(settings: ThemeSettings, root: HTMLElement = document.documentElement, now: () => Date = () => new Date()): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const apply = (): void => {
    const at = now();
    const minute = localMinute(at);
    root.dataset.theme = themeAt(settings, minute);
    const minutes = minutesUntilThemeChange(settings, minute);
    if (minutes === undefined) return;
    // To the boundary's first second, and a little after it, so the next check lands inside the new part of the day.
    const delayMs = minutes * 60_000 - at.getSeconds() * 1000 - at.getMilliseconds() + 500;
    timer = setTimeout(apply, delayMs);
  };
  apply();
  return () => clearTimeout(timer);
}
