/** Formatting for Japanese customers: yen amounts and Japan-time dates. Pure. */
import { japanDay } from "@ops/service-kit";

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value !== "string" && typeof value !== "number") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `12345` → `¥12,345`; anything that is not a number is written as it is. */
export function formatYen(value: unknown): string {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return value === undefined || value === null ? "" : String(value);
  const sign = n < 0 ? "-" : "";
  return `${sign}¥${Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}

/** The last date text formatted: the orders of one event share their creation instant. */
let lastDate: { value: string; text: string } | undefined;

/** An instant as its Japan calendar date, `2026年11月25日`. */
export function formatJapanDate(value: unknown): string {
  if (typeof value === "string") {
    if (lastDate?.value === value) return lastDate.text;
    const text = formatDate(value);
    lastDate = { value, text };
    return text;
  }
  return formatDate(value);
}

function formatDate(value: unknown): string {
  const date = toInstant(value);
  if (!date) return value === undefined || value === null ? "" : String(value);
  const [y, m, d] = japanDay(date).split("-");
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** An instant as Japan date and time, `2026年11月25日 10:30`. */
export function formatJapanDateTime(value: unknown): string {
  const date = toInstant(value);
  if (!date) return formatJapanDate(value);
  return `${formatJapanDate(date)} ${new Date(date.getTime() + JST_OFFSET_MS).toISOString().slice(11, 16)}`;
}
