import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryCounter } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import { countOf, freshTarget, graphqlRequest, mustQuery, rowsOf, runSql, setDefaultHeaders, tempDir, testSecurity } from "@ops/service-kit/testing";
import { openOrderDb, stamp, type OrderServiceDb } from "../db/index.js";
import { startOrderService, type OrderService } from "../server.js";

let service: OrderService;
/** The test's own connections: its reads stay out of the service's statement counts. */
let rows: OrderServiceDb;
const counter = new QueryCounter();
const world = tempDir();

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id status totalAmount currency updatedAt items { productName quantity unitPrice subtotal } } }`;
const MOVE = `mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { id status updatedAt statusHistory { from to reason } } }`;

async function createOrder(customerName = "山田 太郎", items = [{ productName: "緑茶", quantity: 2, unitPrice: 450 }], customerEmail = "taro@example.jp") {
  const data = await mustQuery(service.url, CREATE, { input: { customerEmail, customerName, items } });
  return data.createOrder;
}

beforeAll(async () => {
  const database = await freshTarget("order", world.dir);
  rows = await openOrderDb(database, { poolSize: 2 });
  const security = testSecurity(world.dir);
  service = await startOrderService({
    database,
    port: 0,
    logLevel: "silent",
    onQuery: counter.record,
    security: security.forService("order"),
    // Nobody listens here: events stay pending, which these tests do not look at.
    webhookUrls: () => ({ notification: "http://127.0.0.1:9/webhooks/events", payment: "http://127.0.0.1:9/webhooks/events" }),
    outbox: { pollMs: 60_000 },
    peerUrls: () => ({ payment: "http://127.0.0.1:9/graphql", notification: "http://127.0.0.1:9/graphql" }),
    importDir: `${world.dir}/imports`,
    importMaxBytes: 1024 * 1024,
  });
  setDefaultHeaders(service.url, await security.headersFor("admin"));
});
afterAll(async () => {
  await service.stop();
  await rows?.close();
  world.cleanup();
});

/** The kind of database refusal `write` meets (null when it succeeds). */
async function refusal(write: Promise<unknown>): Promise<string | null> {
  try {
    await write;
    return null;
  } catch (err) {
    return databaseError(err)?.kind ?? String(err);
  }
}

describe("seed constraints in the database", () => {
  it("applies the seed defaults and cascades item deletes", async () => {
    const [inserted] = await rowsOf<{ id: unknown }>(rows, "INSERT INTO orders (customer_email, customer_name, total_amount) VALUES ('a@b.jp', 'テスト', 100) RETURNING id");
    const id = Number(inserted!.id);
    const [row] = await rowsOf(rows, "SELECT status, currency, created_at, updated_at FROM orders WHERE id = ?", id);
    expect(row!.status).toBe("pending");
    expect(row!.currency).toBe("JPY");
    expect(row!.created_at).toBeTruthy();
    expect(row!.updated_at).toBeTruthy();
    await runSql(rows, "INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, 'x', 1, 100)", id);
    await runSql(rows, "DELETE FROM orders WHERE id = ?", id);
    expect(await countOf(rows, "SELECT COUNT(*) AS n FROM order_items WHERE order_id = ?", id)).toBe(0);
  });

  it("refuses items with quantity or unit price not above zero, and orphans", async () => {
    const [inserted] = await rowsOf<{ id: unknown }>(rows, "INSERT INTO orders (customer_email, customer_name, total_amount) VALUES ('a@b.jp', 'x', 1) RETURNING id");
    const insert = (orderId: unknown, quantity: number, unitPrice: number) =>
      runSql(rows, "INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, 'x', ?, ?)", Number(orderId), quantity, unitPrice);
    expect(await refusal(insert(inserted!.id, 0, 100))).toBe("check");
    expect(await refusal(insert(inserted!.id, 1, 0))).toBe("check");
    expect(await refusal(insert(999_999, 1, 1))).toBe("foreignKey");
    expect(await countOf(rows, "SELECT COUNT(*) AS n FROM order_items WHERE order_id = ?", Number(inserted!.id))).toBe(0);
    const indexes =
      rows.dialect === "postgres"
        ? await rowsOf<{ name: string }>(rows, "SELECT indexname AS name FROM pg_indexes WHERE tablename IN ('orders', 'order_items')")
        : await rowsOf<{ name: string }>(rows, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('orders', 'order_items')");
    expect(indexes.map((r) => r.name)).toEqual(expect.arrayContaining(["ix_orders_id", "order_items_order_id_idx"]));
  });
});

describe("creating orders", () => {
  it("computes the total on the server and stores the items", async () => {
    const order = await createOrder("佐藤 花子", [
      { productName: "緑茶", quantity: 2, unitPrice: 450 },
      { productName: "湯呑み", quantity: 1, unitPrice: 1200 },
    ]);
    expect(order).toMatchObject({ status: "PENDING", totalAmount: 2100, currency: "JPY" });
    expect(order.items.map((i: { subtotal: number }) => i.subtotal)).toEqual([900, 1200]);
    const [row] = await rowsOf(rows, "SELECT total_amount, status FROM orders WHERE id = ?", Number(order.id));
    expect({ ...row, total_amount: Number(row!.total_amount) }).toEqual({ total_amount: 2100, status: "pending" });
  });

  it("refuses invalid input with the field", async () => {
    const res = await graphqlRequest(service.url, CREATE, {
      input: { customerEmail: "taro@example.jp", customerName: "x", items: [{ productName: "x", quantity: -1, unitPrice: 100 }] },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.items.0.quantity" });
    expect(res.data).toBeNull();
  });
});

describe("status changes", () => {
  it("walks the machine and records history", async () => {
    const order = await createOrder();
    const confirmed = await mustQuery(service.url, MOVE, { input: { id: order.id, status: "CONFIRMED", reason: "振込を確認" } });
    expect(confirmed.updateOrderStatus.status).toBe("CONFIRMED");
    const shipped = await mustQuery(service.url, MOVE, { input: { id: order.id, status: "SHIPPED" } });
    expect(shipped.updateOrderStatus.statusHistory).toEqual([
      { from: "PENDING", to: "CONFIRMED", reason: "振込を確認" },
      { from: "CONFIRMED", to: "SHIPPED", reason: null },
    ]);
  });

  it("refuses illegal moves with CONFLICT naming the allowed moves", async () => {
    const order = await createOrder();
    const res = await graphqlRequest(service.url, MOVE, { input: { id: order.id, status: "DELIVERED" } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { allowed: ["CONFIRMED", "CANCELLED"] } });
    expect(res.errors?.[0]?.message).toContain("CONFIRMED, CANCELLED");
  });

  it("requires a reason to confirm by hand or to cancel", async () => {
    const order = await createOrder();
    const confirm = await graphqlRequest(service.url, MOVE, { input: { id: order.id, status: "CONFIRMED" } });
    expect(confirm.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    const cancel = await graphqlRequest(service.url, `mutation { cancelOrder(input: { id: "${order.id}", reason: " " }) { id } }`);
    expect(cancel.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const ok = await mustQuery(service.url, `mutation { cancelOrder(input: { id: "${order.id}", reason: "お客様都合" }) { status cancelReason } }`);
    expect(ok.cancelOrder).toEqual({ status: "CANCELLED", cancelReason: "お客様都合" });
  });

  it("refuses a change based on a stale updatedAt", async () => {
    const order = await createOrder();
    const first = await mustQuery(service.url, MOVE, { input: { id: order.id, status: "CONFIRMED", reason: "手動", expectedUpdatedAt: order.updatedAt } });
    expect(first.updateOrderStatus.status).toBe("CONFIRMED");
    const stale = await graphqlRequest(service.url, MOVE, { input: { id: order.id, status: "CANCELLED", reason: "x", expectedUpdatedAt: order.updatedAt } });
    expect(stale.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const check = await mustQuery(service.url, `{ order(id: "${order.id}") { status } }`);
    expect(check.order.status).toBe("CONFIRMED");
  });

  it("answers NOT_FOUND for an unknown order", async () => {
    const res = await graphqlRequest(service.url, MOVE, { input: { id: "987654", status: "CONFIRMED", reason: "x" } });
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("listing and searching", () => {
  it("finds Japanese names across kana and width variants", async () => {
    const email = "kana@example.jp";
    await createOrder("タナカ　ハナコ", undefined, email);
    await createOrder("ﾀﾅｶ ｲﾁﾛｳ", undefined, email);
    await createOrder("田中 一郎", undefined, email);
    const search = async (name: string) => {
      const data = await mustQuery(service.url, `query($f: OrderFilter) { orders(first: 50, filter: $f) { totalCount edges { node { customerName } } } }`, {
        f: { customerName: name, customerEmail: email },
      });
      return data.orders.edges.map((e: { node: { customerName: string } }) => e.node.customerName).sort();
    };
    expect(await search("たなか")).toEqual(["ﾀﾅｶ ｲﾁﾛｳ", "タナカ　ハナコ"].sort());
    expect(await search("ﾀﾅｶ ﾊﾅｺ")).toEqual(["タナカ　ハナコ"]);
    expect(await search("田中")).toEqual(["田中 一郎"]);
  });

  it("finds any part of a name alone, newest first, with exact totals and pages", async () => {
    const ids: string[] = [];
    for (const [name, price] of [["鬼龍院 花子", 1000], ["鬼龍院 太郎", 2000], ["鬼龍 一", 4000], ["龍院 次郎", 8000]] as const) {
      ids.push((await createOrder(name, [{ productName: "茶", quantity: 1, unitPrice: price }], "names@example.jp")).id);
    }
    const search = async (customerName: string, extra: Record<string, unknown> = {}, after: string | null = null, first = 50) =>
      (
        await mustQuery(service.url, `query($f: OrderFilter, $after: String, $first: Int) { orders(first: $first, after: $after, filter: $f) { totalCount totalAmount edges { node { id customerName } } pageInfo { hasNextPage endCursor } } }`, {
          f: { customerName, ...extra },
          after,
          first,
        })
      ).orders;
    // Two characters: one piece, counted and summed from its entries alone.
    const two = await search("鬼龍");
    expect(two.edges.map((e: any) => e.node.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect([two.totalCount, two.totalAmount]).toEqual([3, 7000]);
    // Longer keys: every piece, then the whole key (院花 spans the space the key drops).
    expect((await search("鬼龍院")).totalCount).toBe(2);
    expect((await search("院花")).edges.map((e: any) => e.node.customerName)).toEqual(["鬼龍院 花子"]);
    expect((await search("龍院")).totalAmount).toBe(11_000);
    // One character has no piece: the names are read.
    expect((await search("鬼")).totalCount).toBe(3);
    // Pages in the list's order.
    const first = await search("鬼龍", {}, null, 2);
    expect(first.edges.map((e: any) => e.node.id)).toEqual([ids[2], ids[1]]);
    const second = await search("鬼龍", {}, first.pageInfo.endCursor, 2);
    expect([second.edges.map((e: any) => e.node.id), second.pageInfo.hasNextPage]).toEqual([[ids[0]], false]);
    // With another filter, counted over the orders found.
    await mustQuery(service.url, `mutation($id: ID!) { cancelOrder(input: { id: $id, reason: "テスト" }) { status } }`, { id: ids[0] });
    const pending = await search("鬼龍", { status: ["PENDING"] });
    expect([pending.totalCount, pending.totalAmount]).toEqual([2, 6000]);
  });

  it("pages with cursors in the chosen sort, with totals", async () => {
    const email = "paging@example.jp";
    for (const price of [300, 100, 500, 200, 400]) await createOrder("ページ", [{ productName: "x", quantity: 1, unitPrice: price }], email);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await mustQuery(
        service.url,
        `query($after: String) { orders(first: 2, after: $after, filter: { customerEmail: "${email}" }, sort: { field: TOTAL_AMOUNT, direction: ASC }) {
          totalCount totalAmount edges { node { totalAmount } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(data.orders.totalCount).toBe(5);
      expect(data.orders.totalAmount).toBe(1500);
      seen.push(...data.orders.edges.map((e: { node: { totalAmount: number } }) => e.node.totalAmount));
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    expect(seen).toEqual([100, 200, 300, 400, 500]);
  });

  it("filters by status and Japan-time creation day", async () => {
    // 2026-01-01T15:30Z is 2026-01-02 00:30 in Japan.
    const at = stamp(new Date("2026-01-01T15:30:00.000Z"));
    await runSql(rows, "INSERT INTO orders (customer_email, customer_name, total_amount, status, created_at, updated_at) VALUES ('day@example.jp', 'x', 100, 'shipped', ?, ?)", at, at);
    const query = `query($f: OrderFilter) { orders(filter: $f) { totalCount } }`;
    const count = async (f: object) => (await mustQuery(service.url, query, { f: { customerEmail: "day@example.jp", ...f } })).orders.totalCount;
    expect(await count({ createdFrom: "2026-01-02", createdTo: "2026-01-02" })).toBe(1);
    expect(await count({ createdTo: "2026-01-01" })).toBe(0);
    expect(await count({ status: ["SHIPPED"] })).toBe(1);
    expect(await count({ status: ["PENDING"] })).toBe(0);
    const bad = await graphqlRequest(service.url, query, { f: { createdFrom: "2026-02-30" } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a forged cursor", async () => {
    const res = await graphqlRequest(service.url, `{ orders(after: "bm9wZQ") { totalCount } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("federation", () => {
  it("resolves Order entities with a constant number of SQL statements", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await createOrder(`顧客${i}`)).id);
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id customerName items { productName } statusHistory { to } } } }`;
    const cost = async (n: number) => {
      counter.reset();
      const data = await mustQuery(service.url, entities, { r: ids.slice(0, n).map((id) => ({ __typename: "Order", id })) });
      expect(data._entities).toHaveLength(n);
      expect(data._entities[n - 1].id).toBe(ids[n - 1]);
      return counter.count;
    };
    const five = await cost(5);
    const fifty = await cost(50);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(3);
  });

  it("resolves an unknown reference to null", async () => {
    const data = await mustQuery(service.url, `{ _entities(representations: [{ __typename: "Order", id: "424242" }]) { ... on Order { id } } }`);
    expect(data._entities).toEqual([null]);
  });
});
