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

/**
 * The widest range of order ids one service may ask another about at once (the consistency
 * check walks orders in ranges of this many ids or fewer), and the most rows such an answer holds.
 */
export const ORDER_RANGE_MAX = 5_000;
export const ORDER_RANGE_ROWS_MAX = 20_000;

/** A range of order ids (after, through]; `through` null means "everything above `after`". */
export interface OrderIdRange {
  after: number;
  through: number | null;
}

/** Checks a range argument pair: BAD_USER_INPUT unless 0 ≤ after < through ≤ after + ORDER_RANGE_MAX. */
export function parseOrderRange(after: number, through: number | null | undefined): OrderIdRange {
  if (!Number.isSafeInteger(after) || after < 0) throw new BadUserInputError("afterOrderId must be a whole number ≥ 0", { field: "afterOrderId" });
  if (through === null || through === undefined) return { after, through: null };
  if (!Number.isSafeInteger(through) || through <= after || through - after > ORDER_RANGE_MAX) {
    throw new BadUserInputError(`throughOrderId must be above afterOrderId by at most ${ORDER_RANGE_MAX}`, { field: "throughOrderId", params: { max: ORDER_RANGE_MAX } });
  }
  return { after, through };
}
