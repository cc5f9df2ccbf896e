/**
 * The seed's constraints (section 4) hold in the migrated database itself, whatever the code
 * does, on SQLite and PostgreSQL alike (each refusal classified by the kit, as the service maps it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseError, type DatabaseErrorKind } from "@ops/service-kit/data";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { openPaymentDatabase, type PaymentDatabase } from "../db/database.js";
import { rowsOf, run } from "./rows.js";

let database: PaymentDatabase;
const tmp = tempDir("ops-payment-db-");

beforeAll(async () => {
  database = await openPaymentDatabase(await freshTarget("payment", tmp.dir));
});

afterAll(async () => {
  await database?.close();
  tmp.cleanup();
});

/** Expects `write` to be refused with `kind` on `column` (when given). */
async function refused(write: Promise<unknown>, kind: DatabaseErrorKind, column?: string) {
  const err = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(databaseError(err)).toMatchObject({ kind, ...(column ? { column } : {}) });
}

const insertPayment = (orderId: number, amount: number, transactionId: string) =>
  run(database, `INSERT INTO payments (order_id, amount, transaction_id) VALUES (?, ?, ?)`, orderId, amount, transactionId);

async function paymentId(transactionId: string): Promise<number> {
  const rows = await rowsOf<{ id: number }>(database, `SELECT id FROM payments WHERE transaction_id = ?`, transactionId);
  return rows[0]!.id;
}

describe("payments", () => {
  it("fills the seed's defaults: pending, JPY, credit_card, timestamps", async () => {
    await insertPayment(1, 1500, "tx-defaults");
    const rows = await rowsOf<Record<string, unknown>>(database, `SELECT * FROM payments WHERE transaction_id = 'tx-defaults'`);
    expect(rows[0]).toMatchObject({ order_id: 1, amount: 1500, status: "pending", currency: "JPY", payment_method: "credit_card", failure_reason: null });
    expect(rows[0]!.created_at).toBeTruthy();
    expect(rows[0]!.updated_at).toBeTruthy();
  });

  it("keeps order_id UNIQUE: one payment per order", async () => {
    await insertPayment(2, 1000, "tx-order-2");
    await refused(insertPayment(2, 1000, "tx-order-2-again"), "unique", "order_id");
  });

  it("keeps transaction_id UNIQUE", async () => {
    await insertPayment(3, 1000, "tx-shared");
    await refused(insertPayment(4, 1000, "tx-shared"), "unique", "transaction_id");
  });

  it("CHECKs the amount between 100 and 1,000,000 JPY inclusive", async () => {
    await refused(insertPayment(5, 99, "tx-99"), "check");
    await refused(insertPayment(5, 1_000_001, "tx-too-much"), "check");
    await insertPayment(5, 100, "tx-100");
    await insertPayment(6, 1_000_000, "tx-1000000");
  });

  it("refuses NULL in required columns", async () => {
    await refused(run(database, `INSERT INTO payments (order_id, amount) VALUES (7, 500)`), "notNull", "transaction_id");
    await refused(run(database, `INSERT INTO payments (amount, transaction_id) VALUES (500, 'tx-no-order')`), "notNull", "order_id");
  });
});

describe("refunds", () => {
  it("defaults status to 'completed' and references payments", async () => {
    await insertPayment(10, 2000, "tx-refund");
    const id = await paymentId("tx-refund");
    await run(database, `INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 2000, '返品')`, id);
    const rows = await rowsOf<Record<string, unknown>>(database, `SELECT * FROM refunds WHERE payment_id = ?`, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 2000, reason: "返品", status: "completed" });
    expect(rows[0]!.created_at).toBeTruthy();
  });

  it("refuses a refund of a payment that does not exist (foreign key)", async () => {
    await refused(run(database, `INSERT INTO refunds (payment_id, amount, reason) VALUES (99999, 500, 'x')`), "foreignKey");
  });

  it("allows at most one refund per payment", async () => {
    await insertPayment(11, 3000, "tx-refund-once");
    const id = await paymentId("tx-refund-once");
    await run(database, `INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 3000, 'a')`, id);
    await refused(run(database, `INSERT INTO refunds (payment_id, amount, reason) VALUES (?, 3000, 'b')`, id), "unique", "payment_id");
  });

  it("keeps a refunded payment from being deleted (RESTRICT)", async () => {
    const id = await paymentId("tx-refund-once");
    const write = run(database, `DELETE FROM payments WHERE id = ?`, id);
    // SQLite reports a RESTRICT as SQLITE_CONSTRAINT_TRIGGER, which the kit does not classify yet.
    if (database.dialect === "sqlite") await expect(write).rejects.toThrow(/FOREIGN KEY constraint failed/);
    else await refused(write, "foreignKey");
    expect(await rowsOf<{ id: number }>(database, `SELECT id FROM payments WHERE id = ?`, id)).toHaveLength(1);
  });
});

describe("indexes", () => {
  it("has the unique indexes of the seed and the rules migration, the import's batch index and the day figures' indexes", async () => {
    const indexes = await rowsOf<{ name: string }>(database, 
      database.dialect === "sqlite"
        ? `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('payments', 'refunds', 'payment_attempts')`
        : `SELECT indexname AS name FROM pg_indexes WHERE tablename IN ('payments', 'refunds', 'payment_attempts') AND indexname NOT LIKE '%_pkey'`,
    );
    expect(indexes.map((i) => i.name).sort()).toEqual(
      [
        "payment_attempts_payment_id_idx",
        "payment_attempts_status_created_at_idx",
        "payments_batch_id_id_idx",
        "payments_order_id_key",
        "payments_transaction_id_key",
        "refunds_created_at_idx",
        "refunds_payment_id_key",
      ].sort(),
    );
  });
});
