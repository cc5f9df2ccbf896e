/**
 * The outbox, processed-events and audit writes on the data kit, on both databases, with a real
 * service's migrated tables and generated types.
 */
import { sql, type Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import type { DB as PaymentDB } from "../../../../subgraphs/payment/src/generated/kysely/types.js";
import { writeAudit } from "../../auth/auditLog.js";
import { openDatabase, type ServiceDb } from "../../data/openDatabase.js";
import { DIALECTS, serviceDatabase } from "../../data/__tests__/testDatabases.js";
import { tempDir } from "../../testing/freshDatabase.js";
import { newEvent } from "../envelope.js";
import { enqueueEvent, markProcessed } from "../outbox.js";

const world = tempDir();
afterAll(() => world.cleanup());

// Compile-time: a table set without the outbox is refused.
// @ts-expect-error `processed_events` only: no `outbox` table to write to.
const refused = (trx: Kysely<{ processed_events: { event_id: string; type: string; source: string } }>) => enqueueEvent(trx, newEvent("x", "x.y", {}), ["a"]);
void refused;

describe.each(DIALECTS)("outbox on %s", (dialect) => {
  let payment: ServiceDb<PaymentDB>;
  const open = async () => (payment ??= await openDatabase<PaymentDB>(await serviceDatabase(dialect, "payment", world.dir)));
  afterAll(async () => payment?.close());

  it("writes one pending row per destination in the caller's transaction, and none when it rolls back", async () => {
    const db = await open();
    const event = newEvent("payment", "payment.completed", { payments: [{ paymentId: 1, orderId: 1, amount: 100 }] });
    await db.transaction(async (trx) => enqueueEvent(trx, event, ["order", "notification"]));
    const rows = await db.db.selectFrom("outbox").select(["destination", "type", "payload", "status", "attempts", "next_attempt_at"]).where("event_id", "=", event.id).orderBy("destination").execute();
    expect(rows.map((r) => [r.destination, r.type, r.status, Number(r.attempts)])).toEqual([
      ["notification", "payment.completed", "pending", 0],
      ["order", "payment.completed", "pending", 0],
    ]);
    expect(JSON.parse(rows[0]!.payload)).toEqual(event);
    // Due now: the dispatcher's `next_attempt_at <= now` finds it on both databases.
    const due = await db.db.selectFrom("outbox").select("id").where("event_id", "=", event.id).where(sql<boolean>`next_attempt_at <= ${db.helpers.now()}`).execute();
    expect(due).toHaveLength(2);

    const lost = newEvent("payment", "payment.failed", { payments: [{ paymentId: 2, orderId: 2, reason: "x" }] });
    await expect(
      db.transaction(async (trx) => {
        await enqueueEvent(trx, lost, ["order"]);
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    expect(await db.db.selectFrom("outbox").select("id").where("event_id", "=", lost.id).execute()).toEqual([]);
  });

  it("marks an event processed once, and a duplicate neither fails nor counts", async () => {
    const db = await open();
    const event = newEvent("order", "order.cancelled", { orders: [] });
    expect(await db.transaction((trx) => markProcessed(trx, event))).toBe(true);
    expect(await db.transaction((trx) => markProcessed(trx, event))).toBe(false);
    // Concurrent duplicates: exactly one wins, none fails.
    const other = newEvent("order", "order.cancelled", { orders: [] });
    const results = await Promise.all([1, 2, 3].map(() => db.transaction((trx) => markProcessed(trx, other))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await db.db.selectFrom("processed_events").select(["event_id", "type", "source"]).where("event_id", "in", [event.id, other.id]).execute();
    expect(rows).toHaveLength(2);
  });

  it("writes an audit entry with secrets redacted", async () => {
    const db = await open();
    const at = new Date("2026-11-25T09:27:44.927Z");
    await writeAudit(db.db, {
      at,
      identity: { name: "ops@example.jp", kind: "user", role: "admin" },
      action: "refundPayment",
      objectType: "Refund",
      objectId: "7",
      outcome: "FAILURE",
      errorCode: "CONFLICT",
      args: { paymentId: "7", apiKey: "sk-live-secret" },
    });
    const row = await db.db.selectFrom("audit_log").selectAll().where("action", "=", "refundPayment").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor: "ops@example.jp", actor_kind: "user", actor_role: "admin", object_type: "Refund", object_id: "7", outcome: "failure", error_code: "CONFLICT" });
    expect(row.detail).toBe(JSON.stringify({ paymentId: "7", apiKey: "[redacted]" }));
    expect(new Date(row.at as unknown as string | Date).getTime()).toBe(at.getTime());
  });
});

// Compile-time: a service's own transaction and Kysely instance are accepted as they are.
export async function typedUse(db: ServiceDb<PaymentDB>): Promise<void> {
  const event = newEvent("payment", "payment.completed", { payments: [] });
  await db.transaction(async (trx) => {
    await enqueueEvent(trx, event, ["order"]);
    await markProcessed(trx, event);
    await writeAudit(trx, { at: new Date(), identity: null, action: "a", objectType: "T", objectId: null, outcome: "SUCCESS", errorCode: null, args: {} });
  });
  await markProcessed(db.db, event);
}
