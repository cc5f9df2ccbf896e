/**
 * The order_items CHECKs are a backstop behind the order rules (`@ops/rules`): raw SQL on a fresh
 * migrated database must take every quantity and unit price the rules accept, and refuse what the
 * rules refuse at the bounds the CHECKs state (above 0). Above the rules' maxima the CHECKs stay
 * silent on purpose: the rules answer there, with the limit in the message.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_QUANTITY, MAX_UNIT_PRICE, quantityError, unitPriceError } from "@ops/rules";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";

const world = tempDir("ops-order-checks-");
let db: Database.Database;
let orderId: number;

beforeAll(async () => {
  db = new Database(await freshDatabase("order", world.dir));
  orderId = Number(db.prepare(`INSERT INTO orders (customer_email, customer_name, total_amount) VALUES ('a@example.jp', '青木 一', 100)`).run().lastInsertRowid);
});
afterAll(() => {
  db?.close();
  world.cleanup();
});

/** Whether the database takes a line of `quantity` × `unitPrice` through raw SQL (nothing is kept). */
function checkAccepts(quantity: number, unitPrice: number): boolean {
  const before = db.prepare("SELECT count(*) AS n FROM order_items").get() as { n: number };
  try {
    db.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, '茶', ?, ?)").run(orderId, quantity, unitPrice);
    db.prepare("DELETE FROM order_items WHERE order_id = ?").run(orderId);
    return true;
  } catch (err) {
    expect(String(err)).toMatch(/CHECK constraint failed/);
    expect(db.prepare("SELECT count(*) AS n FROM order_items").get()).toEqual(before);
    return false;
  }
}

const EDGES = [-1, 0, 1, 2, 1.5, MAX_QUANTITY, MAX_QUANTITY + 1, MAX_UNIT_PRICE, MAX_UNIT_PRICE + 1, 2 ** 53];

describe("order_items CHECKs against the order rules", () => {
  it.each(EDGES)("quantity %d: the CHECK never refuses what the rule accepts, and agrees at the lower bound", (quantity) => {
    const ruleAccepts = quantityError(quantity, "quantity") === null;
    const accepted = checkAccepts(quantity, 1);
    if (ruleAccepts) expect(accepted).toBe(true);
    if (quantity <= 1) expect(accepted).toBe(ruleAccepts);
  });

  it.each(EDGES)("unit price %d: the CHECK never refuses what the rule accepts, and agrees at the lower bound", (unitPrice) => {
    const ruleAccepts = unitPriceError(unitPrice, "unitPrice") === null;
    const accepted = checkAccepts(1, unitPrice);
    if (ruleAccepts) expect(accepted).toBe(true);
    if (unitPrice <= 1) expect(accepted).toBe(ruleAccepts);
  });

  it("names exactly the rule's lower bounds: 0 refused, 1 taken, for both columns", () => {
    expect([checkAccepts(0, 1), checkAccepts(1, 1), checkAccepts(1, 0)]).toEqual([false, true, false]);
    expect([quantityError(0, "q"), quantityError(1, "q"), unitPriceError(0, "p")].map((e) => e === null)).toEqual([false, true, false]);
  });
});
