/** Opaque cursors for keyset pagination: base64url of a JSON tuple (sort value, id). */
import { BadUserInputError } from "./errors.js";

export type CursorValue = string | number;

export function encodeCursor(sortValue: CursorValue, id: number): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString("base64url");
}

export function decodeCursor(cursor: string, field = "after"): { sortValue: CursorValue; id: number } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === "string" || typeof parsed[0] === "number") &&
      Number.isInteger(parsed[1])
    ) {
      return { sortValue: parsed[0], id: parsed[1] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError(`"${cursor}" is not a cursor this API issued`, { field });
}

/** Clamps a page size: 1..max, default when absent. */
export function pageSize(first: number | null | undefined, max = 200, fallback = 20, field = "first"): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadUserInputError(`first must be between 1 and ${max}, got ${first}`, { field, params: { min: 1, max } });
  }
  return first;
}

/** Parses a GraphQL ID that must be a positive integer database id. */
export function parseId(id: string | number, field = "id"): number {
  const n = typeof id === "number" ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new BadUserInputError(`"${id}" is not a valid id`, { field });
  }
  return n;
}
