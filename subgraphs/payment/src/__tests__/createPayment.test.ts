/** createPayment through HTTP, with the real order service behind it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { findIdempotencyKey } from "../db/idempotencyKeys.js";
import { paymentOf, countOf } from "./rows.js";
import { CREATE_PAYMENT, startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

const create = (input: Record<string, unknown>) => graphqlRequest(world.payment.url, CREATE_PAYMENT, { input });
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("createPayment", () => {
  it("creates a PENDING payment for the order's total with a UUID transaction id", async () => {
    const orderId = await world.createOrder(12_800);
    const res = await create({ orderId });
    expect(res.errors).toBeUndefined();
    const payment = res.data!.createPayment;
    expect(payment).toMatchObject({ orderId, amount: 12_800, currency: "JPY", status: "PENDING", paymentMethod: "credit_card", failureReason: null, refunds: [], attempts: [] });
    expect(payment.transactionId).toMatch(UUID_RE);
    const row = await paymentOf(world.payment.database, Number(payment.id));
    expect(row).toMatchObject({ orderId: Number(orderId), amount: 12_800, status: "PENDING", transactionId: payment.transactionId });
  });

  it("keeps a valid payment method and refuses an invalid one", async () => {
    const orderId = await world.createOrder(3_000);
    const bad = await create({ orderId, paymentMethod: "Credit Card" });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.paymentMethod" });
    expect(bad.data).toBeNull();
    const res = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId, paymentMethod: "konbini" } });
    expect(res.createPayment.paymentMethod).toBe("konbini");
  });

  it.each([
    [50, /below the minimum of 100 JPY/],
    [1_000_001, /above the maximum of 1,000,000 JPY/],
  ])("refuses an order total of %d with BAD_USER_INPUT and writes nothing", async (total, message) => {
    const orderId = await world.createOrder(total);
    const res = await create({ orderId });
    expect(res.errors?.[0]?.message).toMatch(message);
    expect(res.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.orderId", params: { min: 100, max: 1_000_000, amount: total } });
    expect(res.data).toBeNull();
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", Number(orderId))).toBe(0);
  });

  it("accepts the limits themselves, 100 and 1,000,000", async () => {
    for (const total of [100, 1_000_000]) {
      const res = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId: await world.createOrder(total) } });
      expect(res.createPayment.amount).toBe(total);
    }
  });

  it("refuses a second payment for the same order with CONFLICT", async () => {
    const orderId = await world.createOrder(5_000);
    const first = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId } });
    const second = await create({ orderId, paymentMethod: "paypay" });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.orderId", params: { orderId: Number(orderId), paymentId: Number(first.createPayment.id) } });
    expect(second.data).toBeNull();
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", Number(orderId))).toBe(1);
  });

  it("lets exactly one of concurrent payments for one order through; the others are CONFLICT, never a 500", async () => {
    const orderId = await world.createOrder(7_000);
    const results = await Promise.all(Array.from({ length: 5 }, () => create({ orderId })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT"]);
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", Number(orderId))).toBe(1);
  });

  it("refuses an unknown order with NOT_FOUND and a malformed id with BAD_USER_INPUT", async () => {
    const missing = await create({ orderId: "987654" });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.orderId", params: { id: 987654 } });
    expect(missing.data).toBeNull();
    const malformed = await create({ orderId: "abc" });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.orderId" });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", 987654)).toBe(0);
  });

  it("refuses a cancelled order with CONFLICT", async () => {
    const orderId = await world.createOrder(4_000);
    await mustQuery(world.order.url, `mutation($id: ID!) { cancelOrder(input: { id: $id, reason: "顧客都合" }) { status } }`, { id: orderId });
    const res = await create({ orderId });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { orderId: Number(orderId), status: "CANCELLED" } });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", Number(orderId))).toBe(0);
  });
});

describe("createPayment idempotency", () => {
  it("returns the first payment for the same key and input", async () => {
    const orderId = await world.createOrder(9_900);
    const input = { orderId, paymentMethod: "bank_transfer", idempotencyKey: "create-1" };
    const first = await mustQuery(world.payment.url, CREATE_PAYMENT, { input });
    // Input is compared after normalising, so a padded method is still the same request.
    const again = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { ...input, paymentMethod: " bank_transfer " } });
    expect(again.createPayment).toEqual(first.createPayment);
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id = ?", Number(orderId))).toBe(1);
    expect(await findIdempotencyKey(world.payment.database.db, "create-1")).toMatchObject({
      operation: "createPayment",
      resultId: Number(first.createPayment.id),
    });
  });

  it("refuses the same key with different input with CONFLICT", async () => {
    const orderId = await world.createOrder(2_500);
    await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId, idempotencyKey: "create-2" } });
    const other = await create({ orderId: await world.createOrder(2_600), idempotencyKey: "create-2" });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.idempotencyKey", params: { key: "create-2" } });
    expect(other.data).toBeNull();
    const method = await create({ orderId, paymentMethod: "paypay", idempotencyKey: "create-2" });
    expect(method.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE amount = ?", 2_600)).toBe(0);
  });

  it("does not remember a key whose request failed", async () => {
    const res = await create({ orderId: "123456", idempotencyKey: "create-3" });
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await findIdempotencyKey(world.payment.database.db, "create-3")).toBeNull();
  });
});
