/** orderDays through HTTP: Japan-day buckets, zero-filled series, validation and roles. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, graphqlRequest, mustQuery, runSql, setDefaultHeaders, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { stamp } from "../db/index.js";
import { dayRange, MAX_SERIES_DAYS as MAX_DAYS } from "@ops/service-kit";
import { startOrderService, type OrderService } from "../server.js";

let service: OrderService;
let security: TestSecurity;
const world = tempDir();
const UNUSED = "http://127.0.0.1:9/graphql";

const DAYS = `query($from: Date!, $to: Date!) { orderDays(from: $from, to: $to) { day orders amount cancelled } }`;

/** Orders at given instants, written through the data kit (this suite's database is its own). */
async function insertOrders(rows: { at: string; total: number; status?: string }[]) {
  for (const r of rows) {
    const at = stamp(new Date(r.at));
    await runSql(
      service.database,
      "INSERT INTO orders (customer_email, customer_name, total_amount, status, created_at, updated_at) VALUES ('days@example.jp', '日別 集計', ?, ?, ?, ?)",
      r.total,
      r.status ?? "pending",
      at,
      at,
    );
  }
}

beforeAll(async () => {
  security = testSecurity(world.dir);
  service = await startOrderService({
    database: await freshTarget("order", world.dir),
    port: 0,
    logLevel: "silent",
    security: security.forService("order"),
    webhookUrls: () => ({ notification: UNUSED, payment: UNUSED }),
    outbox: { pollMs: 60_000 },
    peerUrls: () => ({ payment: UNUSED, notification: UNUSED }),
    importDir: `${world.dir}/imports`,
  });
  setDefaultHeaders(service.url, await security.headersFor("viewer"));
  await insertOrders([
    { at: "2025-12-30T14:59:59.999Z", total: 9_999 }, // 2025-12-30 23:59 in Japan: before the range
    { at: "2025-12-30T15:00:00.000Z", total: 1_100 }, // 2025-12-31 00:00 in Japan
    { at: "2026-01-01T14:59:59.999Z", total: 500 }, // still 2026-01-01 in Japan
    { at: "2026-01-01T15:30:00.000Z", total: 1_000 }, // 2026-01-02 00:30 in Japan
    { at: "2026-01-02T03:00:00.000Z", total: 2_000, status: "cancelled" },
    { at: "2026-01-02T10:00:00.000Z", total: 3_000, status: "shipped" },
    { at: "2026-01-04T15:00:00.000Z", total: 8_888 }, // 2026-01-05 00:00 in Japan: after the range
  ]);
});
afterAll(async () => {
  await service.stop();
  world.cleanup();
});

describe("orderDays", () => {
  it("buckets orders by Japan calendar day, with every day of the range present", async () => {
    const data = await mustQuery(service.url, DAYS, { from: "2025-12-31", to: "2026-01-04" });
    expect(data.orderDays).toEqual([
      { day: "2025-12-31", orders: 1, amount: 1_100, cancelled: 0 },
      { day: "2026-01-01", orders: 1, amount: 500, cancelled: 0 },
      { day: "2026-01-02", orders: 3, amount: 6_000, cancelled: 1 },
      { day: "2026-01-03", orders: 0, amount: 0, cancelled: 0 },
      { day: "2026-01-04", orders: 0, amount: 0, cancelled: 0 },
    ]);
  });

  it("agrees with the orders filter for the same day", async () => {
    const data = await mustQuery(
      service.url,
      `{ orderDays(from: "2026-01-02", to: "2026-01-02") { orders amount } orders(filter: { createdFrom: "2026-01-02", createdTo: "2026-01-02" }) { totalCount totalAmount } }`,
    );
    expect(data.orderDays).toEqual([{ orders: data.orders.totalCount, amount: data.orders.totalAmount }]);
  });

  it("answers a one-day range and a full leap year of zeros", async () => {
    const one = await mustQuery(service.url, DAYS, { from: "2026-01-05", to: "2026-01-05" });
    expect(one.orderDays).toEqual([{ day: "2026-01-05", orders: 1, amount: 8_888, cancelled: 0 }]);
    const year = await mustQuery(service.url, DAYS, { from: "2024-01-01", to: "2024-12-31" });
    expect(year.orderDays).toHaveLength(366);
    expect(year.orderDays[59]).toEqual({ day: "2024-02-29", orders: 0, amount: 0, cancelled: 0 });
    expect(year.orderDays.at(-1).day).toBe("2024-12-31");
  });

  it("refuses `to` before `from` and a range over 366 days, naming `to`", async () => {
    const backwards = await graphqlRequest(service.url, DAYS, { from: "2026-01-04", to: "2026-01-03" });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to", params: { from: "2026-01-04", to: "2026-01-03" } });
    expect(backwards.errors?.[0]?.message).toBe("to 2026-01-03 is before from 2026-01-04");
    expect(backwards.data).toBeNull();
    const long = await graphqlRequest(service.url, DAYS, { from: "2025-01-01", to: "2026-01-02" });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to", params: { days: 367, max: 366 } });
  });

  it("refuses a date that is not a calendar day, naming the argument", async () => {
    const res = await graphqlRequest(service.url, DAYS, { from: "2026-02-30", to: "2026-03-01" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toContain("$from");
    const literal = await graphqlRequest(service.url, `{ orderDays(from: "2026-1-2", to: "2026-01-03") { day } }`);
    expect(literal.errors?.[0]?.message).toContain("2026-1-2");
    expect(literal.data ?? null).toBeNull();
  });

  it("needs a signed-in caller; a viewer may read", async () => {
    const anonymous = await graphqlRequest(service.url, DAYS, { from: "2026-01-02", to: "2026-01-02" }, security.routerOnly());
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.data?.orderDays ?? null).toBeNull();
    const viewer = await graphqlRequest(service.url, DAYS, { from: "2026-01-02", to: "2026-01-02" }, await security.headersFor("viewer"));
    expect(viewer.data?.orderDays).toEqual([{ day: "2026-01-02", orders: 3, amount: 6_000, cancelled: 1 }]);
  });
});

describe("dayRange", () => {
  it("lists the days inclusively across month, year and leap-day boundaries", () => {
    expect(dayRange("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(dayRange("2025-12-31", "2026-01-01")).toEqual(["2025-12-31", "2026-01-01"]);
    expect(dayRange("2026-01-01", "2026-01-01")).toEqual(["2026-01-01"]);
  });

  it("allows exactly MAX_DAYS days and no more", () => {
    expect(dayRange("2025-01-01", "2026-01-01")).toHaveLength(MAX_DAYS);
    expect(() => dayRange("2025-01-01", "2026-01-02")).toThrow(/spans 367 days; at most 366/);
  });
});
