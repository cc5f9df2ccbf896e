/**
 * Money through the gateway, as the hostile user found it: an order of 1,000,000 × 10,000 yen is
 * refused before anything is written (it was committed, then answered INTERNAL_SERVER_ERROR, so a
 * retrying client made duplicates), and totals past GraphQL's Int (2^31 − 1) — orders from before
 * the limits — are answered exactly, to every caller, the federated query included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countOf, graphqlRequest, mustQuery, runSql, setDefaultHeaders } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

let stack: InProcessStack;
let url: string;

const CREATE = `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id totalAmount } }`;
const order = (quantity: number, unitPrice: unknown) => ({ customerEmail: "hostile@example.jp", customerName: "大量 注文", items: [{ productName: "煎茶", quantity, unitPrice }] });

const orderCount = async () => countOf(await stack.rows("order"), "SELECT COUNT(*) AS n FROM orders");

beforeAll(async () => {
  stack = await startInProcessStack();
  url = stack.gateway.url;
  setDefaultHeaders(url, await stack.as("operator"));
  // Two orders from before the limits, paid in full outside the payment limit's reach; created on
  // 2025-09-01 in Japan. 1.0e9 + 1.2e9 = 2.2e9 > 2,147,483,647.
  const orders = await stack.rows("order");
  for (const [id, total] of [[9_001, 1_000_000_000], [9_002, 1_200_000_000]] as const) {
    const at = "2025-09-01T03:00:00.000+00:00";
    await runSql(orders, "INSERT INTO orders (id, customer_email, customer_name, total_amount, status, created_at, updated_at) VALUES (?, 'legacy@example.jp', '法人 顧客', ?, 'confirmed', ?, ?)", id, total, at, at);
    await runSql(orders, "INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, '業務用 設備', 1, ?)", id, total);
  }
  // 2,200 payments of 1,000,000 yen completed on 2025-09-02 in Japan: the day's revenue passes 2^31 too.
  const payments = await stack.rows("payment");
  await runSql(
    payments,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2200)
     INSERT INTO payments (order_id, amount, status, transaction_id, created_at, updated_at)
     SELECT 800000 + i, 1000000, 'completed', 'tx-day-' || i, '2025-09-02T01:00:00.000+00:00', '2025-09-02T01:00:00.000+00:00' FROM n`,
  );
  await runSql(payments, `INSERT INTO payment_attempts (payment_id, transaction_id, status, created_at) SELECT id, transaction_id, 'completed', created_at FROM payments WHERE order_id > 800000`);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe("a hostile order through the gateway", () => {
  it("refuses 1,000,000 × 10,000 yen with BAD_USER_INPUT naming the field and the limit, and writes no order", async () => {
    const before = await orderCount();
    for (let attempt = 0; attempt < 3; attempt++) {
      // A client retrying what it took for a transient error.
      const res = await graphqlRequest(url, CREATE, { i: order(1_000_000, 10_000) });
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.items.0.quantity", params: { max: 10_000, value: 1_000_000 } });
    }
    expect(await orderCount()).toBe(before);
  });

  it("refuses a price that is not a whole number of yen before the order service writes anything", async () => {
    const before = await orderCount();
    for (const unitPrice of [1280.5, 2 ** 53, "1280"]) {
      const res = await graphqlRequest(url, CREATE, { i: order(1, unitPrice) });
      expect(res.errors?.[0]?.extensions?.code, String(unitPrice)).toBe("BAD_USER_INPUT");
      expect(res.data ?? null).toBeNull();
    }
    expect(await orderCount()).toBe(before);
  });

  it("answers the largest allowed order with its total: nothing committed answers an error", async () => {
    const res = await graphqlRequest(url, CREATE, { i: order(10_000, 10_000) });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createOrder.totalAmount).toBe(100_000_000);
    const read = await mustQuery(url, `query($id: ID!) { order(id: $id) { totalAmount items { subtotal } payment { amount } } }`, { id: res.data!.createOrder.id });
    expect(read.order).toEqual({ totalAmount: 100_000_000, items: [{ subtotal: 100_000_000 }], payment: null });
  });
});

describe("totals past GraphQL's Int, for every caller", () => {
  it("answers orders { totalAmount } with 2,200,000,000 exactly, and the pages that list them", async () => {
    const viewer = await stack.as("viewer");
    const res = await graphqlRequest(
      url,
      `{ orders(first: 50, filter: { customerEmail: "legacy@example.jp" }) { totalCount totalAmount edges { node { id totalAmount items { unitPrice subtotal } payment { amount } notifications { status } } } } }`,
      {},
      viewer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.orders.totalCount).toBe(2);
    expect(res.data?.orders.totalAmount).toBe(2_200_000_000);
    expect(res.data?.orders.edges.map((e: { node: { totalAmount: number } }) => e.node.totalAmount).sort((a: number, b: number) => a - b)).toEqual([1_000_000_000, 1_200_000_000]);
    // The Orders page and the dashboard ask for every order: they answer too.
    const all = await graphqlRequest(url, `{ orders(first: 50) { totalAmount edges { node { totalAmount } } } }`, {}, viewer);
    expect(all.errors).toBeUndefined();
    expect(all.data?.orders.totalAmount).toBe(2_200_000_000 + 100_000_000);
  });

  it("answers orderDays and paymentDays past 2^31 exactly", async () => {
    const data = await mustQuery(url, `{ orderDays(from: "2025-09-01", to: "2025-09-02") { day orders amount } paymentDays(from: "2025-09-01", to: "2025-09-02") { day revenue completed } }`);
    expect(data.orderDays).toEqual([
      { day: "2025-09-01", orders: 2, amount: 2_200_000_000 },
      { day: "2025-09-02", orders: 0, amount: 0 },
    ]);
    expect(data.paymentDays).toEqual([
      { day: "2025-09-01", revenue: 0, completed: 0 },
      { day: "2025-09-02", revenue: 2_200_000_000, completed: 2_200 },
    ]);
  });
});
