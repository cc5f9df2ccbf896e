/** `idempotency_keys`: a key, the operation and input hash it was used with, and its result. */
import type { Queries } from "./database.js";
import { stamp } from "./database.js";

export interface StoredKey {
  operation: string;
  requestHash: string;
  resultId: number;
}

/** The use of `key` on record, or null. */
export async function findIdempotencyKey(q: Queries, key: string): Promise<StoredKey | null> {
  const row = await q.selectFrom("idempotency_keys").select(["operation", "request_hash", "result_id"]).where("key", "=", key).executeTakeFirst();
  return row ? { operation: row.operation, requestHash: row.request_hash, resultId: Number(row.result_id) } : null;
}

/** Records a key's use (UNIQUE key: a concurrent use of the same key fails the insert). */
export async function insertIdempotencyKey(trx: Queries, key: string, used: StoredKey): Promise<void> {
  await trx
    .insertInto("idempotency_keys")
    .values({ key, operation: used.operation, request_hash: used.requestHash, result_id: used.resultId, created_at: stamp() })
    .execute();
}
