/**
 * Claiming PENDING notifications for one hand-over to a transport, so that a notification is sent
 * once even with several replicas on one PostgreSQL database:
 * - PostgreSQL: the claim is `SELECT … FOR UPDATE SKIP LOCKED` in a transaction that stays open
 *   while the transport runs and records the outcome before it commits. Another replica (its
 *   sweeper, a resend) skips the locked rows and, once committed, no longer finds them PENDING.
 *   A replica that dies mid-send releases its locks: its rows stay PENDING for the next sweep.
 * - SQLite: one process owns the file, whose only writer must never wait on a transport; the claim
 *   is a plain read of what is still PENDING (NotificationDelivery keeps one attempt per
 *   notification in the process) and the outcome is recorded in a write transaction after.
 * Either way the outcome is written only to rows still PENDING.
 */
import type { DeliveryOutcome, PendingMessage } from "../domain/notification.js";
import type { NotificationDatabase, NotificationExecutor } from "./database.js";
import { at } from "./rows.js";

const upper = (channel: string) => channel.toUpperCase() as PendingMessage["channel"];

const MAX_REASON = 1000;

async function pendingAmong(db: NotificationExecutor, database: NotificationDatabase, ids: readonly number[], lock: boolean): Promise<PendingMessage[]> {
  const q = db
    .selectFrom("notifications")
    .select(["id", "channel", "recipient", "subject", "body"])
    .where("status", "=", "pending")
    .where(database.helpers.inIds("id", ids))
    .orderBy("id");
  const rows = await (lock ? q.forUpdate().skipLocked() : q).execute();
  return rows.map((r) => ({ id: Number(r.id), channel: upper(r.channel), recipient: r.recipient, subject: r.subject, body: r.body ?? "" }));
}

/** SENT with `sent_at`, or FAILED with the reason, for every id of `ids` still PENDING: ONE UPDATE. */
async function recordOutcome(db: NotificationExecutor, database: NotificationDatabase, ids: readonly number[], outcome: DeliveryOutcome): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set((eb) => ({
      attempt_count: eb("attempt_count", "+", 1),
      ...(outcome.ok ? { status: "sent" as const, sent_at: at(outcome.at) } : { status: "failed" as const, failure_reason: outcome.reason.slice(0, MAX_REASON) }),
    }))
    .where("status", "=", "pending")
    .where(database.helpers.inIds("id", ids))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Claims the notifications of `ids` still PENDING (and not claimed by another replica), gives them
 * to `hand` — which sends them and says how it went, never throwing — and records the outcome.
 * Resolves to the ids it claimed (empty: nothing was left to send).
 */
export async function deliverClaimed(
  database: NotificationDatabase,
  ids: readonly number[],
  hand: (messages: PendingMessage[]) => Promise<DeliveryOutcome>,
): Promise<number[]> {
  if (ids.length === 0) return [];
  if (database.dialect === "postgres") {
    return database.transaction(
      async (trx) => {
        const claimed = await pendingAmong(trx, database, ids, true);
        if (claimed.length === 0) return [];
        const claimedIds = claimed.map((m) => m.id);
        await recordOutcome(trx, database, claimedIds, await hand(claimed));
        return claimedIds;
      },
      // The transport has run: never run it again for a retry of the transaction.
      { attempts: 1, isolation: "read committed" },
    );
  }
  const claimed = await pendingAmong(database.db, database, ids, false);
  if (claimed.length === 0) return [];
  const claimedIds = claimed.map((m) => m.id);
  const outcome = await hand(claimed);
  await database.transaction((trx) => recordOutcome(trx, database, claimedIds, outcome));
  return claimedIds;
}
