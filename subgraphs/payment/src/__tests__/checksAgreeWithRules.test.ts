/**
 * The payments.amount CHECK (100..1,000,000) is a backstop behind the payment rules
 * (`@ops/rules`): raw SQL on a fresh migrated database takes exactly the whole-yen amounts the
 * rule accepts, and never refuses one it accepts, on SQLite and PostgreSQL. (SQLite's REAL
 * column takes fractions, which the rule refuses first: JPY has none; PostgreSQL's BIGINT refuses them.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAYMENT_AMOUNT, MIN_PAYMENT_AMOUNT, payableAmountError } from "@ops/rules";
import { databaseError } from "@ops/service-kit/data";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { openPaymentDatabase, type PaymentDatabase } from "../db/database.js";
import { countOf, run } from "./rows.js";

const world = tempDir("ops-payment-checks-");
let database: PaymentDatabase;
let next = 0;

beforeAll(async () => {
  database = await openPaymentDatabase(await freshTarget("payment", world.dir));
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

/** Whether the database takes a payment of `amount` through raw SQL (nothing is kept). */
async function checkAccepts(amount: number): Promise<boolean> {
  next += 1;
  try {
    await run(database, "INSERT INTO payments (order_id, amount, transaction_id) VALUES (?, ?, ?)", next, amount, `tx-${next}`);
    await run(database, "DELETE FROM payments WHERE order_id = ?", next);
    return true;
  } catch (err) {
    // 2^53 is past PostgreSQL's CHECK too; a fraction there is refused by the BIGINT column itself.
    if (database.dialect === "sqlite" || Number.isInteger(amount)) expect(databaseError(err)).toMatchObject({ kind: "check" });
    expect(await countOf(database, "SELECT count(*) AS n FROM payments")).toBe(0);
    return false;
  }
}

describe("payments.amount CHECK against the payment rule", () => {
  it.each([0, 1, 99, MIN_PAYMENT_AMOUNT, 101, 999_999, MAX_PAYMENT_AMOUNT, MAX_PAYMENT_AMOUNT + 1, -100, 2 ** 53])("whole yen %d: the CHECK accepts exactly what the rule accepts", async (amount) => {
    expect(await checkAccepts(amount)).toBe(payableAmountError(amount, "JPY", "amount") === null);
  });

  it("never refuses an amount the rule accepts, and the rule refuses the fractions the CHECK lets by", async () => {
    for (const amount of [MIN_PAYMENT_AMOUNT, 54_321, MAX_PAYMENT_AMOUNT]) expect(await checkAccepts(amount)).toBe(true);
    expect(await checkAccepts(100.5)).toBe(database.dialect === "sqlite");
    expect(payableAmountError(100.5, "JPY", "amount")).toMatchObject({ problem: "amountNotWhole" });
  });
});
