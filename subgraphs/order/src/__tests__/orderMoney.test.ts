/**
 * Money through HTTP: the per-order limits refuse an order before anything is written, the
 * largest allowed order is answered without error, and figures past GraphQL's Int (2^31) —
 * orders that predate the limits — are answered exactly as `Yen`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, parse, type TypeNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countOf, freshTarget, graphqlRequest, mustQuery, rowsOf, runSql, setDefaultHeaders, tempDir, testSecurity } from "@ops/service-kit/testing";
import { MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "@ops/rules";
import { openOrderDb, stamp, type OrderServiceDb } from "../db/index.js";
import { startOrderService, type OrderService } from "../server.js";

let service: OrderService;
/** The test's own connections to the service's database. */
let rows: OrderServiceDb;
const world = tempDir();
const UNUSED = "http://127.0.0.1:9/graphql";

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id totalAmount items { quantity unitPrice subtotal } } }`;

async function counts(): Promise<{ orders: number; items: number; outbox: number }> {
  return {
    orders: await countOf(rows, "SELECT COUNT(*) AS n FROM orders"),
    items: await countOf(rows, "SELECT COUNT(*) AS n FROM order_items"),
    outbox: await countOf(rows, "SELECT COUNT(*) AS n FROM outbox"),
  };
}

/** Orders written straight into the database, as data from before the limits would be. */
async function insertLegacyOrders(orders: { email: string; total: number; at: string }[]): Promise<void> {
  for (const r of orders) {
    const at = stamp(new Date(r.at));
    const [order] = await rowsOf<{ id: unknown }>(
      rows,
      "INSERT INTO orders (customer_email, customer_name, total_amount, created_at, updated_at) VALUES (?, '大口 顧客', ?, ?, ?) RETURNING id",
      r.email,
      r.total,
      at,
      at,
    );
    await runSql(rows, "INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, '業務用 一式', 1, ?)", Number(order!.id), r.total);
  }
}

// unitPrice is `unknown`: some tests send what a hostile client would (a fraction, a string).
const input = (items: { quantity: number; unitPrice: unknown }[]) => ({
  customerEmail: "limits@example.jp",
  customerName: "上限 試験",
  items: items.map((i) => ({ productName: "煎茶", ...i })),
});

beforeAll(async () => {
  const database = await freshTarget("order", world.dir);
  rows = await openOrderDb(database, { poolSize: 2 });
  const security = testSecurity(world.dir);
  service = await startOrderService({
    database,
    port: 0,
    logLevel: "silent",
    security: security.forService("order"),
    webhookUrls: () => ({ notification: UNUSED, payment: UNUSED }),
    outbox: { pollMs: 60_000 },
    peerUrls: () => ({ payment: UNUSED, notification: UNUSED }),
    importDir: `${world.dir}/imports`,
  });
  setDefaultHeaders(service.url, await security.headersFor("operator"));
});
afterAll(async () => {
  await service.stop();
  await rows?.close();
  world.cleanup();
});

describe("createOrder within the per-order limits", () => {
  it("refuses 1,000,000 × 10,000 yen with BAD_USER_INPUT and writes nothing", async () => {
    const before = await counts();
    const res = await graphqlRequest(service.url, CREATE, { input: input([{ quantity: 1_000_000, unitPrice: 10_000 }]) });
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.items.0.quantity", params: { max: MAX_QUANTITY, value: 1_000_000 } });
    expect(res.errors![0]!.message).toBe("Quantity is at most 10,000 per item, got 1,000,000");
    expect(await counts()).toEqual(before);
  });

  it("refuses a unit price and a total over their limits, naming the field and the maximum", async () => {
    const before = await counts();
    const price = await graphqlRequest(service.url, CREATE, { input: input([{ quantity: 1, unitPrice: MAX_UNIT_PRICE + 1 }]) });
    expect(price.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.items.0.unitPrice", params: { max: 10_000_000, value: 10_000_001 } });
    const total = await graphqlRequest(service.url, CREATE, { input: input([{ quantity: 10, unitPrice: MAX_UNIT_PRICE }, { quantity: 1, unitPrice: 1 }]) });
    expect(total.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.items", params: { max: 100_000_000, total: 100_000_001 } });
    expect(total.errors?.[0]?.message).toBe("The order total of 100,000,001 JPY is over the limit of 100,000,000 JPY per order");
    expect([price.data, total.data]).toEqual([null, null]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a unit price that is not a whole number of yen, or past 2^53, before the resolver runs", async () => {
    const before = await counts();
    for (const unitPrice of [1280.5, 2 ** 53, "1280"]) {
      const res = await graphqlRequest(service.url, CREATE, { input: input([{ quantity: 1, unitPrice }]) });
      expect(res.errors?.[0]?.extensions?.code, String(unitPrice)).toBe("BAD_USER_INPUT");
      expect(res.errors?.[0]?.message).toContain("input.items[0].unitPrice");
      expect(res.data ?? null).toBeNull();
    }
    const literal = await graphqlRequest(service.url, `mutation { createOrder(input: { customerEmail: "a@example.jp", customerName: "x", items: [{ productName: "x", quantity: 1, unitPrice: 99.5 }] }) { id } }`);
    expect(literal.errors?.[0]?.message).toContain("99.5 is not a whole number of yen");
    expect(literal.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it("answers the largest allowed order with its figures and no error: a committed order always serialises", async () => {
    const before = await counts();
    const items = [
      { quantity: MAX_QUANTITY, unitPrice: 5_000 },
      { quantity: 5, unitPrice: MAX_UNIT_PRICE },
    ];
    const res = await graphqlRequest(service.url, CREATE, { input: input(items) });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createOrder).toMatchObject({
      totalAmount: MAX_ORDER_TOTAL,
      items: [
        { quantity: 10_000, unitPrice: 5_000, subtotal: 50_000_000 },
        { quantity: 5, unitPrice: 10_000_000, subtotal: 50_000_000 },
      ],
    });
    const after = await counts();
    expect(after.orders).toBe(before.orders + 1);
    expect(after.items).toBe(before.items + 2);
  });
});

describe("figures past GraphQL's Int", () => {
  beforeAll(async () => {
    // 1.0e9 + 1.2e9 = 2.2e9 > 2^31 − 1 = 2,147,483,647: two orders from before the limits.
    await insertLegacyOrders([
      { email: "big@example.jp", total: 1_000_000_000, at: "2025-06-10T03:00:00Z" },
      { email: "big@example.jp", total: 1_200_000_000, at: "2025-06-10T05:00:00Z" },
    ]);
  });

  it("answers orders { totalAmount } with the exact sum, and each order's figures", async () => {
    const data = await mustQuery(
      service.url,
      `{ orders(filter: { customerEmail: "big@example.jp" }, sort: { field: TOTAL_AMOUNT, direction: DESC }) { totalCount totalAmount edges { node { totalAmount items { unitPrice subtotal } } } } }`,
    );
    expect(data.orders.totalCount).toBe(2);
    expect(data.orders.totalAmount).toBe(2_200_000_000);
    expect(data.orders.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { totalAmount: 1_200_000_000, items: [{ unitPrice: 1_200_000_000, subtotal: 1_200_000_000 }] },
      { totalAmount: 1_000_000_000, items: [{ unitPrice: 1_000_000_000, subtotal: 1_000_000_000 }] },
    ]);
    // Every caller's list still answers, whatever else it holds.
    const all = await graphqlRequest(service.url, `{ orders(first: 200) { totalAmount edges { node { totalAmount } } } }`);
    expect(all.errors).toBeUndefined();
    expect(all.data?.orders.totalAmount).toBeGreaterThanOrEqual(2_200_000_000);
  });

  it("answers orderDays with the day's exact sum", async () => {
    const data = await mustQuery(service.url, `{ orderDays(from: "2025-06-10", to: "2025-06-11") { day orders amount } }`);
    expect(data.orderDays).toEqual([
      { day: "2025-06-10", orders: 2, amount: 2_200_000_000 },
      { day: "2025-06-11", orders: 0, amount: 0 },
    ]);
  });

  it("masks a stored total that no JSON number carries exactly (a bug, logged), never a rounded figure", async () => {
    await insertLegacyOrders([{ email: "corrupt@example.jp", total: 2 ** 53 + 2, at: "2025-07-01T00:00:00Z" }]);
    const res = await graphqlRequest(service.url, `{ orders(filter: { customerEmail: "corrupt@example.jp" }) { totalCount edges { node { customerEmail totalAmount } } } }`);
    expect(res.errors?.[0]?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
    expect(res.errors?.[0]?.message).not.toContain("9007199254740994");
    expect(res.data ?? null).toBeNull();
  });
});

describe("the schemas", () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
  const MONEY = /amount|price|subtotal|revenue|^refunds$/i;
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));

  /** `Type.field: NamedType` for every field of every object and input type that is named like money. */
  function moneyFields(service: string): string[] {
    const sdl = fs.readFileSync(path.join(root, "subgraphs", service, "schema.graphql"), "utf8");
    return parse(sdl).definitions.flatMap((d) =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION
        ? (d.fields ?? []).filter((f) => MONEY.test(f.name.value)).map((f) => `${d.name.value}.${f.name.value}: ${named(f.type)}`)
        : [],
    );
  }

  it("types every money figure as Yen, never Int or Float", () => {
    const fields = ["order", "payment", "notification"].flatMap(moneyFields);
    expect(fields.filter((f) => / (Int|Float)$/.test(f))).toEqual([]);
    expect(fields).toEqual(
      expect.arrayContaining([
        "Order.totalAmount: Yen",
        "OrderItem.unitPrice: Yen",
        "OrderItem.subtotal: Yen",
        "OrderItemInput.unitPrice: Yen",
        "OrderConnection.totalAmount: Yen",
        "OrderDay.amount: Yen",
        "Payment.amount: Yen",
        "Refund.amount: Yen",
        "PaymentDay.revenue: Yen",
        "PaymentDay.refunds: Yen",
        "PaymentBatch.totalAmount: Yen",
      ]),
    );
  });
});
