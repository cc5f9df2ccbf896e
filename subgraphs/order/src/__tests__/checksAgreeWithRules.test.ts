/**
 * The order_items CHECKs are a backstop behind the order rules (`@ops/rules`): raw SQL on a fresh
 * migrated database must take every quantity and unit price the rules accept, and refuse what the
 * rules refuse at the bounds the CHECKs state (above 0). Above the rules' maxima the CHECKs stay
 * silent on purpose: the rules answer there, with the limit in the message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_QUANTITY, MAX_UNIT_PRICE, quantityError, unitPriceError } from "@ops/rules";
import { databaseError } from "@ops/service-kit/data";
import { countOf, freshTarget, rowsOf, runSql, tempDir } from "@ops/service-kit/testing";
import { openOrderDb, type OrderServiceDb } from "../db/index.js";

const world = tempDir("ops-order-checks-");
let database: OrderServiceDb;
let orderId: number;

beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir));
  const [row] = await rowsOf<{ id: unknown }>(database, `INSERT INTO orders (customer_email, customer_name, total_amount) VALUES ('a@example.jp', '青木 一', 100) RETURNING id`);
  orderId = Number(row!.id);
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

/**
 * Whether the database refused a line for a rule of its own: a CHECK, or on PostgreSQL the
 * BIGINT columns themselves, which take no fraction (SQLite stores 1.5 as it is).
 */
function refusedByDatabase(err: unknown, quantity: number, unitPrice: number): boolean {
  if (databaseError(err)?.kind === "check") return true;
  const fraction = !Number.isInteger(quantity) || !Number.isInteger(unitPrice);
  return database.dialect === "postgres" && fraction && (err as { code?: string }).code === "22P02";
}

/** Whether the database takes a line of `quantity` × `unitPrice` through raw SQL (nothing is kept). */
async function checkAccepts(quantity: number, unitPrice: number): Promise<boolean> {
  const before = await countOf(database, "SELECT count(*) AS n FROM order_items");
  try {
    await runSql(database, "INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, '茶', ?, ?)", orderId, quantity, unitPrice);
    await runSql(database, "DELETE FROM order_items WHERE order_id = ?", orderId);
    return true;
  } catch (err) {
    expect(refusedByDatabase(err, quantity, unitPrice), String(err)).toBe(true);
    expect(await countOf(database, "SELECT count(*) AS n FROM order_items")).toBe(before);
    return false;
  }
}

const EDGES = [-1, 0, 1, 2, 1.5, MAX_QUANTITY, MAX_QUANTITY + 1, MAX_UNIT_PRICE, MAX_UNIT_PRICE + 1, 2 ** 53];

describe("order_items CHECKs against the order rules", () => {
  it.each(EDGES)("quantity %d: the CHECK never refuses what the rule accepts, and agrees at the lower bound", async (quantity) => {
    const ruleAccepts = quantityError(quantity, "quantity") === null;
    const accepted = await checkAccepts(quantity, 1);
    if (ruleAccepts) expect(accepted).toBe(true);
    if (quantity <= 1) expect(accepted).toBe(ruleAccepts);
  });

  it.each(EDGES)("unit price %d: the CHECK never refuses what the rule accepts, and agrees at the lower bound", async (unitPrice) => {
    const ruleAccepts = unitPriceError(unitPrice, "unitPrice") === null;
    const accepted = await checkAccepts(1, unitPrice);
    if (ruleAccepts) expect(accepted).toBe(true);
    if (unitPrice <= 1) expect(accepted).toBe(ruleAccepts);
  });

  it("names exactly the rule's lower bounds: 0 refused, 1 taken, for both columns", async () => {
    expect([await checkAccepts(0, 1), await checkAccepts(1, 1), await checkAccepts(1, 0)]).toEqual([false, true, false]);
    expect([quantityError(0, "q"), quantityError(1, "q"), unitPriceError(0, "p")].map((e) => e === null)).toEqual([false, true, false]);
  });
});
