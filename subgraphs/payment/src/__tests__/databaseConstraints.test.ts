/** The seed's constraints (section 4) hold in the migrated database itself, whatever the code does. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";
import { createPaymentDb, type PaymentDb } from "../db.js";

let db: PaymentDb;
const tmp = tempDir("ops-payment-db-");

beforeAll(async () => {
  db = await createPaymentDb(await freshDatabase("payment", tmp.dir));
});

afterAll(async () => {
  await db.$disconnect();
  tmp.cleanup();
});

const insertPayment = (orderId: number, amount: number, transactionId: string) =>
  db.$executeRawUnsafe(`INSERT INTO payments (order_id, amount, transaction_id) VALUES (?, ?, ?)`, orderId, amount, transactionId);

async function paymentId(transactionId: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM payments WHERE transaction_id = ?`, transactionId);
  return rows[0]!.id;
}

describe("payments", () => {
  it("fills the seed's defaults: pending, JPY, credit_card, timestamps", async () => {
    await insertPayment(1, 1500, "tx-defaults");
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM payments WHERE transaction_id = 'tx-defaults'`);
    expect(rows[0]).toMatchObject({ order_id: 1, amount: 1500, status: "pending", currency: "JPY", payment_method: "credit_card", failure_reason: null });
    expect(rows[0]!.created_at).toBeTruthy();
    expect(rows[0]!.updated_at).toBeTruthy();
  });

  it("keeps order_id UNIQUE: one payment per order", async () => {
    await insertPayment(2, 1000, "tx-order-2");
    await expect(insertPayment(2, 1000, "tx-order-2-again")).rejects.toThrow(/UNIQUE constraint failed: payments\.order_id/);
  });

  it("keeps transaction_id UNIQUE", async () => {
    await insertPayment(3, 1000, "tx-shared");
    await expect(insertPayment(4, 1000, "tx-shared")).rejects.toThrow(/UNIQUE constraint failed: payments\.transaction_id/);
  });

  it("CHECKs the amount between 100 and 1,000,000 JPY inclusive", async () => {
    await expect(insertPayment(5, 99, "tx-99")).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertPayment(5, 1_000_000.5, "tx-too-much")).rejects.toThrow(/CHECK constraint failed/);
    await insertPayment(5, 100, "tx-100");
    await insertPayment(6, 1_000_000, "tx-1000000");
  });

  it("refuses NULL in required columns", async () => {
    await expect(db.$executeRawUnsafe(`INSERT INTO payments (order_id, amount) VALUES (7, 500)`)).rejects.toThrow(/NOT NULL constraint failed: payments\.transaction_id/);
    await expect(db.$executeRawUnsafe(`INSERT INTO payments (amount, transaction_id) VALUES (500, 'tx-no-order')`)).rejects.toThrow(/NOT NULL constraint failed: payments\.order_id/);
  });
});

describe("refunds", () => {
  it("defaults status to 'completed' and references payments", async () => {
    await insertPayment(10, 2000, "tx-refund");
    const id = await paymentId("tx-refund");
    await db.$executeRawUnsafe(`INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 2000, '返品')`, id);
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM refunds WHERE payment_id = ?`, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 2000, reason: "返品", status: "completed" });
    expect(rows[0]!.created_at).toBeTruthy();
  });

  it("refuses a refund of a payment that does not exist (foreign key)", async () => {
    await expect(db.$executeRawUnsafe(`INSERT INTO refunds (payment_id, amount, reason) VALUES (99999, 500, 'x')`)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it("allows at most one refund per payment", async () => {
    await insertPayment(11, 3000, "tx-refund-once");
    const id = await paymentId("tx-refund-once");
    await db.$executeRawUnsafe(`INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 3000, 'a')`, id);
    await expect(db.$executeRawUnsafe(`INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 3000, 'b')`, id)).rejects.toThrow(
      /UNIQUE constraint failed: refunds\.payment_id/,
    );
  });

  it("keeps a refunded payment from being deleted (RESTRICT)", async () => {
    const id = await paymentId("tx-refund-once");
    await expect(db.$executeRawUnsafe(`DELETE FROM payments WHERE id = ?`, id)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});

describe("indexes", () => {
  it("has the unique indexes of the seed and the rules migration, the import's batch index and the day figures' indexes", async () => {
    const indexes = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('payments', 'refunds', 'payment_attempts')`,
    );
    expect(indexes.map((i) => i.name).sort()).toEqual(
      [
        "payment_attempts_payment_id_idx",
        "payment_attempts_status_created_at_idx",
        "payments_batch_id_idx",
        "payments_order_id_key",
        "payments_transaction_id_key",
        "refunds_created_at_idx",
        "refunds_payment_id_key",
      ].sort(),
    );
  });
});
