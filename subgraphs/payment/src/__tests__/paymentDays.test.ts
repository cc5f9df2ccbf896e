/** paymentDays through HTTP: completion and refund days in Japan time, zero-filled series, validation and roles. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { dayRange, japanDay } from "@ops/service-kit";
import { COMPLETE_PAYMENT, CREATE_PAYMENT, REFUND_PAYMENT, startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
const DAYS = `query($from: Date!, $to: Date!) { paymentDays(from: $from, to: $to) { day revenue completed refunds refundCount } }`;
const zero = (day: string) => ({ day, revenue: 0, completed: 0, refunds: 0, refundCount: 0 });
/** The text Prisma stores for an instant. */
const at = (iso: string) => new Date(iso).toISOString().replace("Z", "+00:00");

/** A payment with explicit attempts and refund times, written straight into this world's database. */
async function insertPayment(p: { orderId: number; amount: number; status: "pending" | "completed" | "refunded"; attempts?: ["completed" | "failed", string][]; refundAt?: string }) {
  const { db } = world.payment.database;
  const created = at("2026-01-01T00:00:00Z");
  const { id } = await db
    .insertInto("payments")
    .values({ order_id: p.orderId, amount: p.amount, status: p.status, transaction_id: `tx-${p.orderId}`, created_at: created, updated_at: created })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [status, when] of p.attempts ?? []) {
    await db.insertInto("payment_attempts").values({ payment_id: id, transaction_id: `tx-${p.orderId}`, status, created_at: at(when) }).execute();
  }
  if (p.refundAt) await db.insertInto("refunds").values({ payment_id: id, amount: p.amount, reason: "返品", created_at: at(p.refundAt) }).execute();
}

beforeAll(async () => {
  world = await startWorld();
  await insertPayment({ orderId: 900_001, amount: 5_000, status: "refunded", attempts: [["completed", "2026-01-01T15:30:00Z"]], refundAt: "2026-01-03T14:59:59.999Z" });
  await insertPayment({ orderId: 900_002, amount: 3_000, status: "completed", attempts: [["failed", "2026-01-01T10:00:00Z"], ["completed", "2026-01-01T14:59:59.999Z"]] });
  await insertPayment({ orderId: 900_003, amount: 7_000, status: "pending" });
  await insertPayment({ orderId: 900_004, amount: 2_000, status: "completed", attempts: [["failed", "2026-01-02T00:00:00Z"], ["completed", "2026-01-02T01:00:00Z"]] });
  // 2026-01-05 00:00 in Japan: outside the range below.
  await insertPayment({ orderId: 900_005, amount: 9_999, status: "refunded", attempts: [["completed", "2026-01-04T15:00:00Z"]], refundAt: "2026-01-04T15:00:00Z" });
});
afterAll(() => world.stop());

describe("paymentDays", () => {
  it("counts a payment on its completion day and a refund on its own day, in Japan time, with every day present", async () => {
    const data = await mustQuery(world.payment.url, DAYS, { from: "2025-12-31", to: "2026-01-04" });
    expect(data.paymentDays).toEqual([
      zero("2025-12-31"),
      // 14:59:59.999Z is still the 1st in Japan; the failed attempt before it is not revenue.
      { day: "2026-01-01", revenue: 3_000, completed: 1, refunds: 0, refundCount: 0 },
      // 2026-01-01T15:30Z is 00:30 on the 2nd in Japan; it stays revenue though refunded later.
      { day: "2026-01-02", revenue: 7_000, completed: 2, refunds: 0, refundCount: 0 },
      { day: "2026-01-03", revenue: 0, completed: 0, refunds: 5_000, refundCount: 1 },
      zero("2026-01-04"),
    ]);
    const next = await mustQuery(world.payment.url, DAYS, { from: "2026-01-05", to: "2026-01-05" });
    expect(next.paymentDays).toEqual([{ day: "2026-01-05", revenue: 9_999, completed: 1, refunds: 9_999, refundCount: 1 }]);
  });

  it("sees payments completed and refunded through the API on the day they happened", async () => {
    const today = japanDay(new Date());
    // Yesterday to tomorrow, summed: the test may run across midnight in Japan.
    const window = { from: japanDay(new Date(Date.now() - 86_400_000)), to: japanDay(new Date(Date.now() + 86_400_000)) };
    const sum = async () => {
      const rows: { day: string; revenue: number; completed: number; refunds: number; refundCount: number }[] = (await mustQuery(world.payment.url, DAYS, window)).paymentDays;
      expect(rows.map((r) => r.day)).toContain(today);
      return rows.reduce((s, r) => ({ revenue: s.revenue + r.revenue, completed: s.completed + r.completed, refunds: s.refunds + r.refunds, refundCount: s.refundCount + r.refundCount }), { revenue: 0, completed: 0, refunds: 0, refundCount: 0 });
    };
    expect(await sum()).toEqual({ revenue: 0, completed: 0, refunds: 0, refundCount: 0 });
    const { id } = (await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId: await world.createOrder(4_321) } })).createPayment;
    expect(await sum()).toEqual({ revenue: 0, completed: 0, refunds: 0, refundCount: 0 });
    await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id });
    expect(await sum()).toEqual({ revenue: 4_321, completed: 1, refunds: 0, refundCount: 0 });
    await mustQuery(world.payment.url, REFUND_PAYMENT, { input: { paymentId: id, reason: "お客様都合" } });
    expect(await sum()).toEqual({ revenue: 4_321, completed: 1, refunds: 4_321, refundCount: 1 });
  });

  it("refuses `to` before `from` and a range over 366 days, naming `to`", async () => {
    const backwards = await graphqlRequest(world.payment.url, DAYS, { from: "2026-01-04", to: "2026-01-03" });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to", params: { from: "2026-01-04", to: "2026-01-03" } });
    expect(backwards.data).toBeNull();
    const long = await graphqlRequest(world.payment.url, DAYS, { from: "2025-01-01", to: "2026-01-02" });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to", params: { days: 367, max: 366 } });
    const leapYear = await mustQuery(world.payment.url, DAYS, { from: "2024-01-01", to: "2024-12-31" });
    expect(leapYear.paymentDays).toHaveLength(366);
  });

  it("refuses a date that is not a calendar day, naming the argument", async () => {
    const res = await graphqlRequest(world.payment.url, DAYS, { from: "2026-01-01", to: "2026-13-01" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toContain("$to");
    expect(res.errors?.[0]?.message).toContain("YYYY-MM-DD");
  });

  it("needs a signed-in caller; a viewer may read", async () => {
    const vars = { from: "2026-01-03", to: "2026-01-03" };
    const anonymous = await graphqlRequest(world.payment.url, DAYS, vars, world.security.routerOnly());
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.data?.paymentDays ?? null).toBeNull();
    const viewer = await graphqlRequest(world.payment.url, DAYS, vars, await world.security.headersFor("viewer"));
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data?.paymentDays).toEqual([{ day: "2026-01-03", revenue: 0, completed: 0, refunds: 5_000, refundCount: 1 }]);
  });

  it("costs one statement whatever the range's length", async () => {
    world.queries.reset();
    await mustQuery(world.payment.url, DAYS, { from: "2025-06-01", to: "2026-01-31" });
    const days = world.queries.count;
    world.queries.reset();
    await mustQuery(world.payment.url, DAYS, { from: "2026-01-01", to: "2026-01-01" });
    expect(world.queries.count).toBe(days);
    expect(days).toBe(1);
  });
});

describe("dayRange", () => {
  it("lists the days inclusively across month, year and leap-day boundaries", () => {
    expect(dayRange("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(dayRange("2025-12-31", "2026-01-01")).toEqual(["2025-12-31", "2026-01-01"]);
  });
});
