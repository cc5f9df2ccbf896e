/**
 * The payments.amount CHECK (100..1,000,000) is a backstop behind the payment rules
 * (`@ops/rules`): raw SQL on a fresh migrated database takes exactly the whole-yen amounts the
 * rule accepts, and never refuses one it accepts. (It takes fractions, which the rule refuses
 * first: JPY has none, and the column is REAL.)
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAYMENT_AMOUNT, MIN_PAYMENT_AMOUNT, payableAmountError } from "@ops/rules";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";

const world = tempDir("ops-payment-checks-");
let db: Database.Database;
let next = 0;

beforeAll(async () => {
  db = new Database(await freshDatabase("payment", world.dir));
});
afterAll(() => {
  db?.close();
  world.cleanup();
});

/** Whether the database takes a payment of `amount` through raw SQL (nothing is kept). */
function checkAccepts(amount: number): boolean {
  next += 1;
  try {
    db.prepare("INSERT INTO payments (order_id, amount, transaction_id) VALUES (?, ?, ?)").run(next, amount, `tx-${next}`);
    db.prepare("DELETE FROM payments WHERE order_id = ?").run(next);
    return true;
  } catch (err) {
    expect(String(err)).toMatch(/CHECK constraint failed/);
    expect(db.prepare("SELECT count(*) AS n FROM payments").get()).toEqual({ n: 0 });
    return false;
  }
}

describe("payments.amount CHECK against the payment rule", () => {
  it.each([0, 1, 99, MIN_PAYMENT_AMOUNT, 101, 999_999, MAX_PAYMENT_AMOUNT, MAX_PAYMENT_AMOUNT + 1, -100, 2 ** 53])("whole yen %d: the CHECK accepts exactly what the rule accepts", (amount) => {
    expect(checkAccepts(amount)).toBe(payableAmountError(amount, "JPY", "amount") === null);
  });

  it("never refuses an amount the rule accepts, and the rule refuses the fractions the CHECK lets by", () => {
    for (const amount of [MIN_PAYMENT_AMOUNT, 54_321, MAX_PAYMENT_AMOUNT]) expect(checkAccepts(amount)).toBe(true);
    expect(checkAccepts(100.5)).toBe(true);
    expect(payableAmountError(100.5, "JPY", "amount")).toMatchObject({ problem: "amountNotWhole" });
  });
});
