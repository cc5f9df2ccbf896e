/** Scalars and time helpers shared by the subgraphs. Time is stored in UTC; operators live in Japan. */
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { BadUserInputError } from "./errors.js";

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`"${String(value)}" is not an ISO-8601 date-time`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return date;
}

/** ISO-8601 instant in UTC, e.g. `2026-11-25T01:02:03.000Z`. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant as an ISO-8601 string in UTC.",
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be a string", { extensions: { code: "BAD_USER_INPUT" } });
    return toDate(ast.value);
  },
});

const MAX_YEN_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** `value` as the caller wrote it, for a message: strings keep their quotes. */
function written(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function parseYen(value: unknown, text = written(value)): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new GraphQLError(`${text} is not a whole number of yen`, { extensions: { code: "BAD_USER_INPUT", params: { value: text } } });
  }
  if (!Number.isSafeInteger(value)) {
    throw new GraphQLError(`${text} yen is beyond the largest exact amount, ${Number.MAX_SAFE_INTEGER} yen`, {
      extensions: { code: "BAD_USER_INPUT", params: { value: text, max: Number.MAX_SAFE_INTEGER } },
    });
  }
  // -0 prints as 0 but is not one to Object.is and to some serialisers.
  return value === 0 ? 0 : value;
}

/**
 * Whole yen as a JSON number: any safe integer (|v| ≤ 2^53 − 1), so sums over many orders stay
 * exact where GraphQL's Int (32-bit) overflows at 2,147,483,647 and Float would accept fractions.
 * Input that is not a safe integer is BAD_USER_INPUT; output that is not one is a bug (masked).
 */
export const YenScalar = new GraphQLScalarType<number, number>({
  name: "Yen",
  description: "An amount in whole yen (JPY has no fractions): a JSON number, an integer from -(2^53 - 1) to 2^53 - 1.",
  serialize: (value) => {
    const yen = typeof value === "bigint" && value >= -MAX_YEN_BIG && value <= MAX_YEN_BIG ? Number(value) : value;
    // Never rounded or clamped: a wrong figure shown to an operator is worse than an error.
    if (typeof yen !== "number" || !Number.isSafeInteger(yen)) throw new TypeError(`Yen cannot represent ${written(value)}: not a safe integer`);
    return yen === 0 ? 0 : yen;
  },
  parseValue: (value) => parseYen(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) {
      throw new GraphQLError("Yen must be a whole number, written without quotes", { extensions: { code: "BAD_USER_INPUT" } });
    }
    return parseYen(Number(ast.value), ast.value);
  },
});

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseCalendarDate(value: unknown): string {
  const m = typeof value === "string" ? DATE_RE.exec(value) : null;
  const check = m ? new Date(`${value as string}T00:00:00Z`) : null;
  if (!m || !check || Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== value) {
    throw new GraphQLError(`"${String(value)}" is not a calendar date (YYYY-MM-DD)`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return value as string;
}

/** A calendar day in Japan time, `YYYY-MM-DD`. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "A calendar day in Japan time (Asia/Tokyo), YYYY-MM-DD.",
  serialize: (value) => parseCalendarDate(value),
  parseValue: (value) => parseCalendarDate(value),
  parseLiteral: (ast) => parseCalendarDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The UTC instant at which the Japan calendar day `YYYY-MM-DD` starts. */
export function startOfJapanDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - JST_OFFSET_MS);
}

/** The UTC instant at which the Japan calendar day after `day` starts (exclusive end of `day`). */
export function endOfJapanDay(day: string): Date {
  return new Date(startOfJapanDay(day).getTime() + 24 * 60 * 60 * 1000);
}

/** The Japan calendar day (`YYYY-MM-DD`) an instant falls on. */
export function japanDay(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The longest day series a caller may ask for (`orderDays`, `paymentDays`): a leap year. */
export const MAX_SERIES_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every calendar day from `from` to `to` inclusive (both `YYYY-MM-DD`, already valid dates).
 * BAD_USER_INPUT naming `to` when it is before `from` or the range is longer than
 * {@link MAX_SERIES_DAYS}.
 */
export function dayRange(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (end < start) throw new BadUserInputError(`to ${to} is before from ${from}`, { field: "to", params: { from, to } });
  const days = (end - start) / DAY_MS + 1;
  if (days > MAX_SERIES_DAYS) {
    throw new BadUserInputError(`from ${from} to ${to} spans ${days} days; at most ${MAX_SERIES_DAYS} are allowed`, {
      field: "to",
      params: { from, to, days, max: MAX_SERIES_DAYS },
    });
  }
  return Array.from({ length: days }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}
