/**
 * Yen and dates for the operator's language. Every date is shown in Japan time (the shop's), with
 * `Intl`, whatever the browser's own time zone.
 */
export type Locale = "ja" | "en";

export const TIME_ZONE = "Asia/Tokyo";
const INTL_LOCALE: Record<Locale, string> = { ja: "ja-JP", en: "en-US" };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f as T;
}

/** Whole yen: ￥12,800 in Japanese, ¥12,800 in English. */
export function formatYen(amount: number, locale: Locale): string {
  return cached(`yen:${locale}`, () => new Intl.NumberFormat(INTL_LOCALE[locale], { style: "currency", currency: "JPY" })).format(amount);
}

/** A plain count with the locale's grouping. */
export function formatCount(n: number, locale: Locale): string {
  return cached(`n:${locale}`, () => new Intl.NumberFormat(INTL_LOCALE[locale])).format(n);
}

/** An instant (ISO string) in Japan time: 2026/11/25 10:30 · Nov 25, 2026, 10:30. */
export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return cached(
    `dt:${locale}`,
    () =>
      new Intl.DateTimeFormat(INTL_LOCALE[locale], {
        timeZone: TIME_ZONE,
        year: "numeric",
        month: locale === "ja" ? "2-digit" : "short",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }),
  ).format(date);
}

/** A Japan calendar day (YYYY-MM-DD) for display: 2026年11月25日 · Nov 25, 2026. */
export function formatDay(day: string, locale: Locale): string {
  const date = new Date(`${day}T00:00:00+09:00`);
  if (Number.isNaN(date.getTime())) return day;
  return cached(`d:${locale}`, () => new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone: TIME_ZONE, dateStyle: "long" })).format(date);
}

/** The Japan calendar day (YYYY-MM-DD) an instant falls on: what the API's Date filters take. */
export function japanDay(instant: Date): string {
  const parts = cached("day", () => new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" })).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}
