/**
 * The status gate on a real (migrated) database, SQLite or PostgreSQL (`npm run test:pg`): it
 * moves only the orders the status machine allows and reports the others with their status,
 * writes one history row per moved order (with its actor), and writes the change's events in
 * bounded pieces — at most EVENT_ORDERS orders and EVENT_ITEMS items each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { EVENT_ITEMS, EVENT_ORDERS } from "@ops/contracts";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { transition, type OrderTransition } from "../transition.js";
import { MOVES, type OrderStatus } from "../statusMoves.js";

const world = tempDir("ops-gate-test-");
let database: OrderServiceDb;
beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir));
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

/** Inserts `count` orders in `status` with `items` items each; returns their ids. */
async function insertOrders(count: number, status: string, items = 1): Promise<number[]> {
  return database.transaction(async (trx) => {
    const rows = await trx
      .insertInto("orders")
      .values(Array.from({ length: count }, (_, i) => ({ customer_email: `g${i}@example.jp`, customer_name: `顧客 ${i}`, status: status as never, total_amount: items * 100, currency: "JPY" })))
      .returning("id")
      .execute();
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const lines = ids.flatMap((id) => Array.from({ length: items }, (_, n) => ({ order_id: id, product_name: `商品 ${n}`, quantity: 1, unit_price: 100 })));
    for (let i = 0; i < lines.length; i += 1000) await trx.insertInto("order_items").values(lines.slice(i, i + 1000)).execute();
    return ids;
  });
}

/** The gate in its own transaction, as every caller runs it. */
const move = (m: Omit<OrderTransition, "actor"> & { actor?: string }) => database.transaction((trx) => transition(trx, { actor: "tester", ...m }));
const ids = (orders: readonly { id: number }[]) => orders.map((o) => o.id);

async function events(type: string) {
  const rows = await database.db.selectFrom("outbox").select("payload").where("type", "=", type).where("destination", "=", "notification").orderBy("id").execute();
  return rows.map((r) => JSON.parse(r.payload).data.orders as { id: number; items: unknown[]; cancelReason: string | null }[]);
}

const historyOf = async (orderIds: number[]) =>
  (
    await database.db
      .selectFrom("order_status_changes")
      .select(["order_id", "from_status", "to_status", "reason", "actor"])
      .where("order_id", "in", orderIds)
      .orderBy("order_id")
      .execute()
  ).map((r) => ({ ...r, order_id: Number(r.order_id) }));

const statusesOf = async (orderIds: number[]) =>
  (await database.db.selectFrom("orders").select(["id", "status", "cancel_reason"]).where("id", "in", orderIds).orderBy("id").execute()).map((r) => ({ ...r, id: Number(r.id) }));

describe("transition, the order status gate", () => {
  it("moves only orders whose status allows the move, with one history row each and their events; refuses the others", async () => {
    const pending = await insertOrders(3, "pending");
    const confirmed = await insertOrders(2, "confirmed");
    const shipped = await insertOrders(2, "shipped");
    const result = await move({ ids: [...pending, ...confirmed, ...shipped, 999_999], to: "CANCELLED", reason: "在庫切れ", actor: "sato" });
    const { moved } = result;
    expect(ids(moved)).toEqual([...pending, ...confirmed]);
    expect(moved.every((o) => o.status === "CANCELLED" && o.cancelReason === "在庫切れ")).toBe(true);
    expect(result.refused.map((o) => [o.id, o.status])).toEqual(shipped.map((id) => [id, "SHIPPED"]));
    expect(result.missing).toEqual([999_999]);
    expect(await historyOf([...pending, ...confirmed, ...shipped])).toEqual([
      ...pending.map((id) => ({ order_id: id, from_status: "pending", to_status: "cancelled", reason: "在庫切れ", actor: "sato" })),
      ...confirmed.map((id) => ({ order_id: id, from_status: "confirmed", to_status: "cancelled", reason: "在庫切れ", actor: "sato" })),
    ]);
    expect((await statusesOf(shipped)).map((r) => r.status)).toEqual(["shipped", "shipped"]);
    expect((await events("order.cancelled")).map((e) => e.map((o) => o.id))).toEqual([[...pending, ...confirmed]]);
    const destinations = await database.db.selectFrom("outbox").select("destination").where("type", "=", "order.cancelled").orderBy("destination").execute();
    expect(destinations).toEqual([{ destination: "notification" }, { destination: "payment" }]);

    // Again: nothing is allowed any more, so nothing moves, nothing is written.
    const again = await move({ ids: pending, to: "CANCELLED", reason: "二重" });
    expect(again.moved).toEqual([]);
    expect(again.refused.map((o) => o.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    expect(await database.db.selectFrom("order_status_changes").select("id").where("reason", "=", "二重").execute()).toEqual([]);
  });

  it("checks every move against the status machine: only the sources of the target move", async () => {
    const statuses = Object.keys(MOVES) as OrderStatus[];
    for (const to of statuses) {
      const byStatus = new Map<OrderStatus, number>();
      for (const s of statuses) byStatus.set(s, (await insertOrders(1, s.toLowerCase()))[0]!);
      const result = await move({ ids: [...byStatus.values()], to, reason: `to ${to}` });
      const allowed = statuses.filter((from) => MOVES[from].includes(to));
      expect(ids(result.moved)).toEqual(allowed.map((s) => byStatus.get(s)));
      expect(result.refused.map((o) => o.status)).toEqual(statuses.filter((s) => !allowed.includes(s)));
      const history = await database.db.selectFrom("order_status_changes").select("from_status").where("reason", "=", `to ${to}`).orderBy("order_id").execute();
      expect(history.map((r) => r.from_status)).toEqual(allowed.map((s) => s.toLowerCase()));
      const now = new Map((await statusesOf([...byStatus.values()])).map((r) => [r.id, r.status]));
      for (const s of statuses) expect(now.get(byStatus.get(s)!)).toBe(allowed.includes(s) ? to.toLowerCase() : s.toLowerCase());
    }
  });

  it("records a reason per order when given one (the payment that confirmed it)", async () => {
    const orders = await insertOrders(2, "pending");
    await move({ ids: orders, to: "CONFIRMED", reason: null, reasonOf: (id) => `payment ${id * 10} completed`, actor: "payment" });
    expect((await historyOf(orders)).map(({ order_id, reason, actor }) => ({ order_id, reason, actor }))).toEqual(
      orders.map((id) => ({ order_id: id, reason: `payment ${id * 10} completed`, actor: "payment" })),
    );
    expect((await statusesOf(orders)).map((r) => r.cancel_reason)).toEqual([null, null]);
  });

  it("splits a large change into events of at most EVENT_ORDERS orders and EVENT_ITEMS items", async () => {
    await database.db.deleteFrom("outbox").execute();
    const small = await insertOrders(EVENT_ORDERS + 1, "pending");
    await move({ ids: small, to: "CONFIRMED", reason: "入金確認" });
    expect((await events("order.confirmed")).map((e) => e.length)).toEqual([EVENT_ORDERS, 1]);

    // 100 items per order: an event closes at EVENT_ITEMS items, whatever the order count.
    const large = await insertOrders(250, "pending", 100);
    await move({ ids: large, to: "CANCELLED", reason: "大口" });
    const cancelled = (await events("order.cancelled")).filter((e) => e.every((o) => o.cancelReason === "大口"));
    expect(cancelled.map((e) => e.length)).toEqual([EVENT_ITEMS / 100, 250 - EVENT_ITEMS / 100]);
    expect(cancelled.flat().every((o) => o.items.length === 100)).toBe(true);
  });
});
