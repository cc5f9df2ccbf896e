/** Entities, references, queries and batching as the gateway and API clients see them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { stamp } from "../db/database.js";
import { startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
/** Order ids 1001..1060: payments for all, refunds for the even ones, 1061+ have no payment. */
const ORDER_IDS = Array.from({ length: 60 }, (_, i) => 1001 + i);

beforeAll(async () => {
  world = await startWorld();
  const { db } = world.payment.database;
  const now = stamp();
  const status = (orderId: number) => (orderId % 2 === 0 ? ("refunded" as const) : orderId % 3 === 0 ? ("failed" as const) : ("completed" as const));
  const rows = ORDER_IDS.map((orderId) => ({ order_id: orderId, amount: orderId * 10, transaction_id: `tx-${orderId}`, status: status(orderId), created_at: now, updated_at: now }));
  const payments = await db.insertInto("payments").values(rows).returning(["id", "order_id", "amount", "status"]).execute();
  const refunded = payments.filter((p) => p.status === "refunded");
  await db
    .insertInto("refunds")
    .values(refunded.map((p) => ({ payment_id: p.id, amount: p.amount, reason: `返品 ${p.order_id}`, created_at: now })))
    .execute();
});
afterAll(() => world.stop());

const ORDER_ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id payment { amount refunds { amount } } } } }`;
const orderRefs = (ids: number[]) => ids.map((id) => ({ __typename: "Order", id: String(id) }));

describe("Order entity", () => {
  it("costs a constant number of SQL statements for 5 and for 50 orders", async () => {
    world.queries.reset();
    const five = await mustQuery(world.payment.url, ORDER_ENTITIES, { reps: orderRefs(ORDER_IDS.slice(0, 5)) });
    const fiveStatements = [...world.queries.statements];
    world.queries.reset();
    const fifty = await mustQuery(world.payment.url, ORDER_ENTITIES, { reps: orderRefs(ORDER_IDS.slice(0, 50)) });
    const fiftyStatements = [...world.queries.statements];

    expect(five._entities).toHaveLength(5);
    expect(fifty._entities).toHaveLength(50);
    expect(fifty._entities[1]).toEqual({ id: "1002", payment: { amount: 10_020, refunds: [{ amount: 10_020 }] } });
    expect(fifty._entities[0]).toEqual({ id: "1001", payment: { amount: 10_010, refunds: [] } });
    expect(fiftyStatements.length).toBe(fiveStatements.length);
    // One statement for the payments, one for their refunds.
    expect(fiftyStatements).toHaveLength(2);
    expect(fiftyStatements[0]).toMatch(/from "?payments"? where "?order_id"? (in|=)/i);
    expect(fiftyStatements[1]).toMatch(/from "?refunds"? where "?payment_id"? (in|=)/i);
  });

  it("resolves an order without a payment to null, and a malformed id too", async () => {
    const data = await mustQuery(world.payment.url, ORDER_ENTITIES, { reps: [{ __typename: "Order", id: "5000" }, { __typename: "Order", id: "x" }] });
    expect(data._entities).toEqual([
      { id: "5000", payment: null },
      { id: "x", payment: null },
    ]);
  });
});

describe("Payment entity", () => {
  it("resolves payments by key with their attempts in a constant number of statements", async () => {
    const ids = (await world.payment.database.db.selectFrom("payments").select("id").orderBy("id").limit(20).execute()).map((p) => String(p.id));
    world.queries.reset();
    const data = await mustQuery(
      world.payment.url,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Payment { id orderId order { id } attempts { status } refunds { reason } } } }`,
      { reps: [...ids, "999999"].map((id) => ({ __typename: "Payment", id })) },
    );
    expect(world.queries.count).toBe(3);
    expect(data._entities).toHaveLength(21);
    expect(data._entities[0]).toEqual({ id: ids[0], orderId: "1001", order: { id: "1001" }, attempts: [], refunds: [] });
    expect(data._entities[1]).toMatchObject({ orderId: "1002", refunds: [{ reason: "返品 1002" }] });
    expect(data._entities[20]).toBeNull();
  });

  it("declares the federation contract in its SDL", async () => {
    const data = await mustQuery(world.payment.url, `{ _service { sdl } }`);
    expect(data._service.sdl).toMatch(/type Payment\s+@key\(fields: "id"\)/);
    expect(data._service.sdl).toMatch(/type Order\s+@key\(fields: "id"\)\s*\{\s*id: ID!\s*("""[^"]*"""\s*)?payment: Payment\s*\}/);
    expect(data._service.sdl).toMatch(/type PageInfo\s+@shareable/);
  });
});

describe("queries", () => {
  it("finds a payment by id and by order, and null when there is none", async () => {
    const data = await mustQuery(world.payment.url, `{ paymentByOrder(orderId: "1005") { id status amount } none: paymentByOrder(orderId: "42") { id } }`);
    expect(data.paymentByOrder).toMatchObject({ status: "FAILED", amount: 10_050 });
    expect(data.none).toBeNull();
    const byId = await mustQuery(world.payment.url, `query($id: ID!) { payment(id: $id) { orderId } missing: payment(id: "999999") { id } }`, { id: data.paymentByOrder.id });
    expect(byId).toEqual({ payment: { orderId: "1005" }, missing: null });
    const bad = await graphqlRequest(world.payment.url, `{ payment(id: "abc") { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lists payments newest first with a status filter, keyset cursors and a total count", async () => {
    const LIST = `query($after: String, $filter: PaymentFilter) {
      payments(first: 7, after: $after, filter: $filter) { totalCount edges { cursor node { id orderId status } } pageInfo { hasNextPage endCursor } }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: Record<string, any> = await mustQuery(world.payment.url, LIST, { after, filter: { status: ["COMPLETED", "FAILED"] } });
      expect(data.payments.totalCount).toBe(30);
      for (const edge of data.payments.edges) {
        expect(["COMPLETED", "FAILED"]).toContain(edge.node.status);
        seen.push(edge.node.id);
      }
      if (!data.payments.pageInfo.hasNextPage) break;
      after = data.payments.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    // Seeded in one statement, so creation times tie and the id decides: newest first.
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));

    const all = await mustQuery(world.payment.url, `{ payments { totalCount edges { node { id } } } }`);
    expect(all.payments.totalCount).toBe(60);
    expect(all.payments.edges).toHaveLength(20);
    const badCursor = await graphqlRequest(world.payment.url, `{ payments(after: "nope") { totalCount } }`);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("health", () => {
  it("answers /health and /ready (database reachable)", async () => {
    const base = world.payment.url.replace(/\/graphql$/, "");
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", service: "payment" });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", service: "payment" });
  });
});
