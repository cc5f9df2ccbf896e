/**
 * The dashboard's chart ranges: the last 7, 30 or 90 Japan calendar days, today included. Days
 * are `YYYY-MM-DD` strings as the API's `Date` takes them; arithmetic on them is calendar
 * arithmetic (Japan has no daylight saving time, so a day is always 24 hours).
 */

export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** The range every chart starts with. */
export const DEFAULT_PRESET: RangePreset = 30;

export interface DayRange {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `day` moved by `days` calendar days (negative for earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The `preset` days ending with `today` (a Japan calendar day, e.g. from `japanDay(new Date())`). */
export function presetRange(preset: RangePreset, today: string): DayRange {
  return { from: addDays(today, -(preset - 1)), to: today };
}

