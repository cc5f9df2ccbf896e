/**
 * Money past GraphQL's Int (2^31 − 1 = 2,147,483,647) through HTTP: a day's revenue and refunds
 * and a batch's total are answered exactly as `Yen`. Each payment stays within 1,000,000 yen, so
 * it takes 2,200 of them on one day: as after a large import.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
const PAYMENTS = 2_200;
const REFUNDED = 2_150;
const BATCH = "big-batch";

beforeAll(async () => {
  world = await startWorld();
  const db = world.payment.db;
  // Completed on 2026-03-10 in Japan (01:00Z is 10:00 there), refunded the next day.
  await db.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO payments (order_id, amount, status, transaction_id, batch_id, created_at, updated_at)
     SELECT 700000 + i, 1000000, CASE WHEN i <= ? THEN 'refunded' ELSE 'completed' END, 'tx-big-' || i, ?, '2026-03-10T00:00:00.000+00:00', '2026-03-10T01:00:00.000+00:00' FROM n`,
    PAYMENTS, REFUNDED, BATCH,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO payment_attempts (payment_id, transaction_id, status, created_at)
     SELECT id, transaction_id, 'completed', '2026-03-10T01:00:00.000+00:00' FROM payments WHERE batch_id = ?`,
    BATCH,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO refunds (payment_id, amount, reason, created_at)
     SELECT id, amount, '一括返品', '2026-03-11T01:00:00.000+00:00' FROM payments WHERE batch_id = ? AND status = 'refunded'`,
    BATCH,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO payment_batches (batch_id, order_count, total_amount, status, created_at, updated_at)
     SELECT batch_id, COUNT(*), SUM(amount), 'open', MIN(created_at), MAX(updated_at) FROM payments WHERE batch_id = ? GROUP BY batch_id`,
    BATCH,
  );
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
