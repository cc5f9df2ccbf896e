/**
 * Money past GraphQL's Int (2^31 − 1 = 2,147,483,647) through HTTP: a day's revenue and refunds
 * and a batch's total are answered exactly as `Yen`. Each payment stays within 1,000,000 yen, so
 * it takes 2,200 of them on one day: as after a large import.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { insertMany } from "@ops/service-kit/data";
import { startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
const PAYMENTS = 2_200;
const REFUNDED = 2_150;
const BATCH = "big-batch";

beforeAll(async () => {
  world = await startWorld();
  // Completed on 2026-03-10 in Japan (01:00Z is 10:00 there), refunded the next day.
  const created = "2026-03-10T00:00:00.000+00:00";
  const completed = "2026-03-10T01:00:00.000+00:00";
  await world.payment.database.transaction(async (trx) => {
    const payments = await insertMany(
      trx,
      "payments",
      Array.from({ length: PAYMENTS }, (_, k) => ({
        order_id: 700_001 + k,
        amount: 1_000_000,
        status: k < REFUNDED ? ("refunded" as const) : ("completed" as const),
        transaction_id: `tx-big-${k + 1}`,
        batch_id: BATCH,
        created_at: created,
        updated_at: completed,
      })),
      { returning: ["id", "transaction_id", "status", "amount"] },
    );
    await insertMany(trx, "payment_attempts", payments.map((p) => ({ payment_id: p.id, transaction_id: p.transaction_id, status: "completed" as const, created_at: completed })));
    const refunded = payments.filter((p) => p.status === "refunded");
    await insertMany(trx, "refunds", refunded.map((p) => ({ payment_id: p.id, amount: p.amount, reason: "一括返品", created_at: "2026-03-11T01:00:00.000+00:00" })));
    await trx
      .insertInto("payment_batches")
      .values({ batch_id: BATCH, order_count: PAYMENTS, total_amount: PAYMENTS * 1_000_000, status: "open", created_at: created, updated_at: completed })
      .execute();
  });
}, 60_000);
afterAll(() => world?.stop());

describe("sums past GraphQL's Int", () => {
  it("answers a day's revenue and refunds exactly", async () => {
    const res = await graphqlRequest(world.payment.url, `{ paymentDays(from: "2026-03-10", to: "2026-03-11") { day revenue completed refunds refundCount } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.paymentDays).toEqual([
      { day: "2026-03-10", revenue: 2_200_000_000, completed: PAYMENTS, refunds: 0, refundCount: 0 },
      { day: "2026-03-11", revenue: 0, completed: 0, refunds: 2_150_000_000, refundCount: REFUNDED },
    ]);
  });

  it("answers a batch's total exactly, and its payments' amounts", async () => {
    const data = await mustQuery(
      world.payment.url,
      `query($b: ID!) { paymentBatch(batchId: $b) { orderCount totalAmount completedCount refundedCount } payments(first: 1, filter: { batchId: $b }) { edges { node { amount refunds { amount } } } } }`,
      { b: BATCH },
    );
    expect(data.paymentBatch).toEqual({ orderCount: PAYMENTS, totalAmount: 2_200_000_000, completedCount: PAYMENTS - REFUNDED, refundedCount: REFUNDED });
    expect(data.payments.edges[0].node.amount).toBe(1_000_000);
  });
});
