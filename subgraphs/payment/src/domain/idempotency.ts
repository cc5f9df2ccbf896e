/**
 * Idempotency keys: the same key with the same input returns the first result; the same key with
 * other input is CONFLICT. A key is remembered in the transaction that produced its result.
 */
import crypto from "node:crypto";
import { BadUserInputError, ConflictError, sqlDate, type BulkDb } from "@ops/service-kit";
import type { PaymentTx } from "../db.js";

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
export async function replayedResult(tx: PaymentTx, request: IdempotencyRequest | null): Promise<number | null> {
  if (!request) return null;
  return replayOf(request, await tx.idempotencyKey.findUnique({ where: { key: request.key } }));
}

/** `replayedResult` on the bulk connection, inside the caller's write transaction. */
export function replayedResultSync(db: BulkDb, request: IdempotencyRequest | null): number | null {
  if (!request) return null;
  const row = db.statement("SELECT operation, request_hash AS requestHash, result_id AS resultId FROM idempotency_keys WHERE key = ?").get(request.key) as
    | { operation: string; requestHash: string; resultId: number }
    | undefined;
  return replayOf(request, row ?? null);
}

function replayOf(request: IdempotencyRequest, row: { operation: string; requestHash: string; resultId: number } | null): number | null {
  if (!row) return null;
  if (row.operation !== request.operation || row.requestHash !== request.hash) {
    throw new ConflictError(
      `Idempotency key "${request.key}" was already used with different input; use a new key for a new request`,
      { field: "input.idempotencyKey", params: { key: request.key, operation: row.operation } },
    );
  }
  return row.resultId;
}

/** Remembers the result of a keyed request (in the same transaction as the result itself). */
export async function rememberResult(tx: PaymentTx, request: IdempotencyRequest | null, resultId: number): Promise<void> {
  if (!request) return;
  await tx.idempotencyKey.create({
    data: { key: request.key, operation: request.operation, requestHash: request.hash, resultId },
  });
}

/** `rememberResult` on the bulk connection, inside the caller's write transaction. */
export function rememberResultSync(db: BulkDb, request: IdempotencyRequest | null, resultId: number): void {
  if (!request) return;
  db.statement("INSERT INTO idempotency_keys (key, operation, request_hash, result_id, created_at) VALUES (?, ?, ?, ?, ?)").run(
    request.key,
    request.operation,
    request.hash,
    resultId,
    sqlDate(new Date()),
  );
}
