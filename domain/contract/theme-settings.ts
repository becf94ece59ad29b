/**
 * Which colour theme the kiosk page wears: set at start (`chot start --theme`, `--day-hours`),
 * handed to the renderer in KioskInfo, which sets it as one attribute on the page's root. A
 * gate in the sun cannot be read on a dark screen, a gate at night is dazzling on a bright
 * one; with no light sensor on the kiosk, `auto` follows the clock instead: bright by day,
 * dark by night.
 */
export const THEME_MODES = ['dark', 'bright', 'auto'] as const;
export type ThemeMode = (typeof THEME_MODES)[number];
/** The theme a page actually wears at one moment. */
export type Theme = Exclude<ThemeMode, 'auto'>;

export interface ThemeSettings {
  readonly mode: ThemeMode;
  /** `auto`: the bright theme from this minute of the local day (0–1439)… */
  readonly dayStartMinute: number;
  /** …until this one (exclusive); a start after the end wraps past midnight. */
  readonly dayEndMinute: number;
}

const MINUTES_PER_DAY = 24 * 60;

/**
 * Dark by default: the theme the kiosk always had, and the one that does not dazzle indoors.
 * 06:00–18:00 is about sunrise to sunset in Vietnam all year (it lies in the tropics: the day
 * is 11 to 13 hours long), so `auto` alone suits most gates.
 */
export const DEFAULT_THEME_SETTINGS: ThemeSettings = { mode: 'dark', dayStartMinute: 6 * 60, dayEndMinute: 18 * 60 };

export function isThemeMode(value: unknown): value is ThemeMode {
  return typeof value === 'string' && (THEME_MODES as readonly string[]).includes(value);
}

/** Whether `minute` is a whole minute of a day. */
export function isMinuteOfDay(minute: unknown): minute is number {
  return typeof minute === 'number' && Number.isInteger(minute) && minute >= 0 && minute < MINUTES_PER_DAY;
}

/** "06:30" as 390; undefined when it is no HH:MM time of day. */
export function minuteOfDayFrom(text: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return hours * 60 + minutes;
}

function isDay(settings: ThemeSettings, minute: number): boolean {
  const { dayStartMinute: start, dayEndMinute: end } = settings;
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The theme worn at `minute` of the kiosk's local day. */
export function themeAt(settings: ThemeSettings, minute: number): Theme {
  if (settings.mode !== 'auto') return settings.mode;
  // Equal start and end (refused by the option check) would be read as no day at all: dark.
  return isDay(settings, minute) ? 'bright' : 'dark';
}

/**
 * Minutes from `minute` until the theme may change (the next day boundary), for a page that
 * switches without a reload; undefined when it never changes.
 */
export function minutesUntilThemeChange(settings: ThemeSettings, minute: number): number | undefined {
  if (settings.mode !== 'auto' || settings.dayStartMinute === settings.dayEndMinute) return undefined;
  const boundary = isDay(settings, minute) ? settings.dayEndMinute : settings.dayStartMinute;
  return (boundary - minute + MINUTES_PER_DAY) % MINUTES_PER_DAY || MINUTES_PER_DAY;
}
