/**
 * The UI's language: Japanese by default, English on request, remembered in localStorage.
 * A tiny typed translator instead of vue-i18n: its runtime message compiler would need `eval`,
 * which the gateway's CSP refuses, and the UI needs nothing beyond `{name}` placeholders.
 */
import { computed, readonly, ref } from "vue";
import { en } from "./en";
import { formatCount, formatDateTime, formatDay, formatYen, type Locale } from "./format";
import { ja } from "./ja";
import { interpolate, type MessageKey, type MessageParams, type Messages } from "./messages";

export type { Locale } from "./format";
export type { MessageKey, MessageParams } from "./messages";

export const LOCALES: readonly Locale[] = ["ja", "en"];
const STORAGE_KEY = "ops.locale";
const CATALOGUES: Record<Locale, Messages> = { ja, en };

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === "en" || value === "ja" ? value : "ja";
  } catch {
    return "ja";
  }
}

const current = ref<Locale>(storedLocale());

export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** A translator for a fixed locale (used by tests and by pure functions given a locale). */
export function translator(locale: Locale): Translate {
  return (key, params) => interpolate(CATALOGUES[locale][key], params);
}

/** Whether `key` is a message (for keys built from API values, such as a payment method). */
export function isMessageKey(key: string): key is MessageKey {
  return key in ja;
}

export function setLocale(locale: Locale): void {
  current.value = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage may be off (private mode): the choice then lasts for this page only.
  }
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

/** The current language with its translator and formatters; all reactive to a language switch. */
export function useI18n() {
  const locale = readonly(current);
  const t: Translate = (key, params) => interpolate(CATALOGUES[current.value][key], params);
  return {
    locale,
    setLocale,
    t,
    /** `t` for a key built from an API value, or `fallback` when there is no such message. */
    tMaybe: (key: string, fallback: string, params?: MessageParams) => (isMessageKey(key) ? t(key, params) : fallback),
    yen: (amount: number) => formatYen(amount, current.value),
    count: (n: number) => formatCount(n, current.value),
    dateTime: (iso: string) => formatDateTime(iso, current.value),
    day: (day: string) => formatDay(day, current.value),
    /** Items as a list in the language: A、B · A, B. */
    list: (items: readonly string[]) => items.join(current.value === "ja" ? "、" : ", "),
    isJapanese: computed(() => current.value === "ja"),
  };
}
