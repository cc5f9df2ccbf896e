/**
 * Idempotency keys: the same key with the same input returns the first result; the same key with
 * other input is CONFLICT. A key is remembered in the transaction that produced its result.
 */
import crypto from "node:crypto";
import { BadUserInputError, ConflictError } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import type { Queries } from "../db/database.js";
import { findIdempotencyKey, insertIdempotencyKey, type StoredKey } from "../db/idempotencyKeys.js";

export type IdempotentOperation = "createPayment" | "refundPayment";

export interface IdempotencyRequest {
  key: string;
  operation: IdempotentOperation;
  hash: string;
}

const MAX_KEY_LENGTH = 200;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of the operation and its normalised input, independent of key order. Pure. */
export function requestHash(operation: IdempotentOperation, input: Record<string, unknown>): string {
  return crypto.createHash("sha256").update(`${operation}\n${canonical(input)}`).digest("hex");
}

/** Builds the request to check, or null without a key; BAD_USER_INPUT for an empty or overlong key. */
export function idempotencyRequest(
  key: string | null | undefined,
  operation: IdempotentOperation,
  input: Record<string, unknown>,
  field = "input.idempotencyKey",
): IdempotencyRequest | null {
  if (key === null || key === undefined) return null;
  if (!key.trim() || key.length > MAX_KEY_LENGTH) {
    throw new BadUserInputError(`An idempotency key is 1 to ${MAX_KEY_LENGTH} characters`, { field, params: { min: 1, max: MAX_KEY_LENGTH } });
  }
  return { key, operation, hash: requestHash(operation, input) };
}

/**
 * The id of the first result when this key was already used with the same input, null when the
 * key is new; CONFLICT when it was used with other input (or by another operation).
 */
export async function replayedResult(q: Queries, request: IdempotencyRequest | null): Promise<number | null> {
  if (!request) return null;
  return replayOf(request, await findIdempotencyKey(q, request.key));
}

function replayOf(request: IdempotencyRequest, row: StoredKey | null): number | null {
  if (!row) return null;
  if (row.operation !== request.operation || row.requestHash !== request.hash) {
    throw new ConflictError(
      `Idempotency key "${request.key}" was already used with different input; use a new key for a new request`,
      { field: "input.idempotencyKey", params: { key: request.key, operation: row.operation } },
    );
  }
  return row.resultId;
}

/**
 * Remembers the result of a keyed request in the transaction `trx` that produced it. A key taken
 * meanwhile by a concurrent request (UNIQUE key, on either database) is CONFLICT, not a 500.
 */
export async function rememberResult(trx: Queries, request: IdempotencyRequest | null, resultId: number): Promise<void> {
  if (!request) return;
  try {
    await insertIdempotencyKey(trx, request.key, { operation: request.operation, requestHash: request.hash, resultId });
  } catch (err) {
    if (databaseError(err)?.kind !== "unique") throw err;
    throw new ConflictError(`Idempotency key "${request.key}" is being used by a concurrent request; retry to get its result`, {
      field: "input.idempotencyKey",
      params: { key: request.key },
    });
  }
}
