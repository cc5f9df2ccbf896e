/** complete, fail, retry and refund through HTTP, with the rows they leave behind. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { stamp } from "../db/database.js";
import { paymentOf, refundsOf, attemptsOf, countOf } from "./rows.js";
import { outboxRows } from "./eventHelpers.js";
import { COMPLETE_PAYMENT, CREATE_PAYMENT, FAIL_PAYMENT, REFUND_PAYMENT, RETRY_PAYMENT, startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

const send = (query: string, variables: Record<string, unknown>) => graphqlRequest(world.payment.url, query, variables);

async function pendingPayment(total = 8_000): Promise<{ id: string; transactionId: string; updatedAt: string }> {
  const data = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId: await world.createOrder(total) } });
  return data.createPayment;
}

async function completedPayment(total = 8_000) {
  const { id } = await pendingPayment(total);
  return (await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id })).completePayment;
}

describe("happy path", () => {
  it("creates, completes and refunds a payment in full", async () => {
    const created = await pendingPayment(15_400);
    const completed = (await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id: created.id, at: created.updatedAt })).completePayment;
    expect(completed).toMatchObject({ status: "COMPLETED", transactionId: created.transactionId, attempts: [{ transactionId: created.transactionId, status: "COMPLETED", failureReason: null }] });

    const refunded = (await mustQuery(world.payment.url, REFUND_PAYMENT, { input: { paymentId: created.id, reason: " 商品破損のため " } })).refundPayment;
    expect(refunded).toMatchObject({ status: "REFUNDED", amount: 15_400, refunds: [{ amount: 15_400, reason: "商品破損のため", status: "completed" }] });

    const id = Number(created.id);
    expect(await paymentOf(world.payment.database, id)).toMatchObject({ status: "REFUNDED", amount: 15_400 });
    expect(await refundsOf(world.payment.database, id)).toMatchObject([{ amount: 15_400, reason: "商品破損のため", status: "completed" }]);
    expect(await attemptsOf(world.payment.database, id)).toMatchObject([{ status: "COMPLETED", transactionId: created.transactionId }]);
  });
});

describe("refund rules", () => {
  it("refuses a second refund with CONFLICT and keeps one refund row", async () => {
    const { id } = await completedPayment();
    await mustQuery(world.payment.url, REFUND_PAYMENT, { input: { paymentId: id, reason: "返品" } });
    const again = await send(REFUND_PAYMENT, { input: { paymentId: id, reason: "返品" } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "REFUNDED" } });
    expect(again.data).toBeNull();
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM refunds WHERE payment_id = ?", Number(id))).toBe(1);
  });

  it("refuses to refund a PENDING payment with CONFLICT naming its status", async () => {
    const { id } = await pendingPayment();
    const res = await send(REFUND_PAYMENT, { input: { paymentId: id, reason: "返品" } });
    expect(res.errors?.[0]?.message).toMatch(/is PENDING; only a COMPLETED payment can be refunded/);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.paymentId", params: { status: "PENDING" } });
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "PENDING" });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM refunds WHERE payment_id = ?", Number(id))).toBe(0);
  });

  it("requires a reason (BAD_USER_INPUT) and an existing payment (NOT_FOUND)", async () => {
    const { id } = await completedPayment();
    const blank = await send(REFUND_PAYMENT, { input: { paymentId: id, reason: "   " } });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    const missing = await send(REFUND_PAYMENT, { input: { paymentId: "999999", reason: "返品" } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.paymentId" });
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "COMPLETED" });
  });

  it("translates the UNIQUE refund constraint to CONFLICT, rolling the status change back", async () => {
    const { id } = await completedPayment(6_000);
    // A refund row the status does not reflect: only the UNIQUE constraint can stop a second one.
    await world.payment.database.db.insertInto("refunds").values({ payment_id: Number(id), amount: 6_000, reason: "manual", created_at: stamp() }).execute();
    const res = await send(REFUND_PAYMENT, { input: { paymentId: id, reason: "返品" } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { id: Number(id) } });
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "COMPLETED" });
  });

  it("replays a refund with the same key and input, and refuses other input with CONFLICT", async () => {
    const { id } = await completedPayment();
    const input = { paymentId: id, reason: "キャンセル", idempotencyKey: "refund-1" };
    const first = (await mustQuery(world.payment.url, REFUND_PAYMENT, { input })).refundPayment;
    const again = (await mustQuery(world.payment.url, REFUND_PAYMENT, { input })).refundPayment;
    expect(again).toEqual(first);
    const other = await send(REFUND_PAYMENT, { input: { ...input, reason: "別の理由" } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.idempotencyKey" });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM refunds WHERE payment_id = ?", Number(id))).toBe(1);
  });
});

describe("fail and retry", () => {
  it("fails, retries with a new transaction id, completes, and keeps the failed attempt with its reason", async () => {
    const created = await pendingPayment(20_000);
    const failed = (await mustQuery(world.payment.url, FAIL_PAYMENT, { input: { id: created.id, reason: "カード認証エラー" } })).failPayment;
    expect(failed).toMatchObject({ status: "FAILED", failureReason: "カード認証エラー", transactionId: created.transactionId });

    const retried = (await mustQuery(world.payment.url, RETRY_PAYMENT, { id: created.id, at: failed.updatedAt })).retryPayment;
    expect(retried).toMatchObject({ status: "PENDING", failureReason: null });
    expect(retried.transactionId).not.toBe(created.transactionId);

    const completed = (await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id: created.id })).completePayment;
    expect(completed).toMatchObject({ status: "COMPLETED", transactionId: retried.transactionId, failureReason: null });
    expect(completed.attempts).toEqual([
      { transactionId: created.transactionId, status: "FAILED", failureReason: "カード認証エラー" },
      { transactionId: retried.transactionId, status: "COMPLETED", failureReason: null },
    ]);
    const rows = await attemptsOf(world.payment.database, Number(created.id));
    expect(rows.map((r) => [r.status, r.transactionId, r.failureReason])).toEqual([
      ["FAILED", created.transactionId, "カード認証エラー"],
      ["COMPLETED", retried.transactionId, null],
    ]);
  });

  it("refuses moves outside the machine with CONFLICT naming the current status", async () => {
    const { id } = await completedPayment();
    const complete = await send(COMPLETE_PAYMENT, { id });
    expect(complete.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "COMPLETED" } });
    const fail = await send(FAIL_PAYMENT, { input: { id, reason: "x" } });
    expect(fail.errors?.[0]?.message).toMatch(/is COMPLETED; only a PENDING payment can be failed/);
    const retry = await send(RETRY_PAYMENT, { id: (await pendingPayment()).id });
    expect(retry.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "PENDING", required: ["FAILED"] } });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payment_attempts WHERE payment_id = ?", Number(id))).toBe(1);
  });

  it("needs a failure reason", async () => {
    const { id } = await pendingPayment();
    const res = await send(FAIL_PAYMENT, { input: { id, reason: "" } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "PENDING", failureReason: null });
  });

  it("refuses a stale expectedUpdatedAt with CONFLICT and changes nothing", async () => {
    const created = await pendingPayment();
    const stale = new Date(Date.parse(created.updatedAt) - 60_000).toISOString();
    const res = await send(COMPLETE_PAYMENT, { id: created.id, at: stale });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "expectedUpdatedAt", params: { currentUpdatedAt: created.updatedAt } });
    const fail = await send(FAIL_PAYMENT, { input: { id: created.id, reason: "x", expectedUpdatedAt: stale } });
    expect(fail.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.expectedUpdatedAt" });
    expect(await paymentOf(world.payment.database, Number(created.id))).toMatchObject({ status: "PENDING" });
  });

  it("answers NOT_FOUND for an unknown payment", async () => {
    const res = await send(COMPLETE_PAYMENT, { id: "424242" });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", params: { id: 424242 } });
    expect(res.data).toBeNull();
  });
});

describe("concurrent moves", () => {
  it("completes a payment once when five completions race: the others are CONFLICT, one attempt, one payment.completed", async () => {
    const { id } = await pendingPayment(4_321);
    const results = await Promise.all(Array.from({ length: 5 }, () => send(COMPLETE_PAYMENT, { id })));
    expect(results.filter((r) => r.data?.completePayment?.status === "COMPLETED")).toHaveLength(1);
    const refused = results.filter((r) => r.errors);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "id" });
    expect(await attemptsOf(world.payment.database, Number(id))).toMatchObject([{ status: "COMPLETED" }]);
    const events = await outboxRows(world.payment.database, "payment.completed", (e) => e.data.payments.some((p: { paymentId: number }) => p.paymentId === Number(id)));
    expect(events).toHaveLength(1);
  });

  it("refunds a payment once when five refunds race: the others are CONFLICT, one refund row", async () => {
    const { id } = await completedPayment(5_432);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => send(REFUND_PAYMENT, { input: { paymentId: id, reason: `返品 ${i}` } })));
    expect(results.filter((r) => r.data?.refundPayment?.status === "REFUNDED")).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(r.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.paymentId" });
    expect(await refundsOf(world.payment.database, Number(id))).toHaveLength(1);
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "REFUNDED" });
  });
});
