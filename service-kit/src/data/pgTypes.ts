/**
 * How values cross the wire to and from PostgreSQL, set per pool (never on pg's global defaults).
 *
 * pg's defaults do not fit: it reads `timestamp without time zone` in the process's local time
 * (a service run with TZ=Asia/Tokyo would shift every time by 9 hours), returns int8 and numeric
 * as strings (so `count(*)` is "3"), reads `date` as local midnight, and writes a `Date`
 * parameter in local time with an offset that a `timestamp` column ignores.
 */
import pg from "pg";

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const INT8_ARRAY = 1016;

/** int8 as a number when it fits exactly, else a bigint (never a silently rounded number). */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** numeric as a number when at most 15 significant digits (exact in a double), else the text. */
export function parseNumeric(text: string): number | string {
  const digits = text.replace(/^-/, "").replace(".", "").replace(/^0+/, "");
  return digits.length <= 15 && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** A `timestamp without time zone` holds UTC (as Prisma writes it): read it as UTC. */
export function parseUtcTimestamp(text: string): Date | string {
  if (text === "infinity" || text === "-infinity") return text;
  // "2026-11-25 09:27:44.927" (fraction optional, up to 6 digits).
  return new Date(`${text.replace(" ", "T")}Z`);
}

const builtin = pg.types.getTypeParser.bind(pg.types) as (oid: number, format?: string) => (value: string) => unknown;

/** The type parsers a service's pool uses. */
export const serviceTypes = {
  getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
    if (format === "binary") return builtin(oid, format);
    switch (oid) {
      case INT8:
        return parseInt8;
      case NUMERIC:
        return parseNumeric;
      case TIMESTAMP:
        return parseUtcTimestamp;
      case DATE:
        // A calendar day is a day, not an instant: keep "2026-11-25" (as SQLite's date() gives).
        return (text) => text;
      case INT8_ARRAY: {
        const parseArray = builtin(oid) as (value: string) => string[];
        return (text) => (parseArray(text) as unknown as (string | null)[]).map((v) => (v === null ? null : parseInt8(v)));
      }
      default:
        return builtin(oid);
    }
  },
} as pg.CustomTypesConfig;

/** A parameter as PostgreSQL should receive it: instants in UTC, whatever the process's TZ. */
export function toPgParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPgParam);
  return value;
}
