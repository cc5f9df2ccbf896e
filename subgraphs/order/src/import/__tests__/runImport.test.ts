/**
 * The import job itself on a real database, SQLite or PostgreSQL (`npm run test:pg`), on one
 * connection as the worker runs it: staging, grouping, orders and items in bulk, row errors, the
 * chunk's events, and a second start of a finished chunk's import writing nothing twice.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { findImport, insertImport } from "../../db/imports.js";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { DEFAULT_OPTIONS } from "../importTypes.js";
import { runImport } from "../runImport.js";
import { HEADER } from "./importWorld.js";

const world = tempDir("ops-run-import-test-");
let database: OrderServiceDb;
beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir), { poolSize: 1 });
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

let files = 0;
/** Records a pending import of `lines` (after the header) and returns its id and batch. */
async function pendingImport(lines: string[], options = {}): Promise<{ id: number; batchId: string }> {
  const file = path.join(world.dir, `import-${++files}.csv`);
  fs.writeFileSync(file, `${[HEADER, ...lines].join("\r\n")}\r\n`);
  const batchId = `batch-${files}`;
  const job = await insertImport(database.db, {
    batchId,
    filename: path.basename(file),
    checksum: `sum-${files}`,
    fileSize: fs.statSync(file).size,
    options: JSON.stringify({ ...DEFAULT_OPTIONS, ...options }),
    uploadPath: file,
    retryOf: null,
    actor: "tester",
  });
  return { id: job.id, batchId };
}

const ordersOf = (batchId: string) =>
  database.db.selectFrom("orders").select(["id", "order_key", "total_amount", "import_row_number", "status"]).where("batch_id", "=", batchId).orderBy("id").execute();
const eventsOf = async (type: string, batchId: string) =>
  (await database.db.selectFrom("outbox").select(["payload", "destination"]).where("type", "=", type).orderBy("id").execute())
    .map((r) => ({ destination: r.destination, data: JSON.parse(r.payload).data }))
    .filter((e) => e.data.batchId === batchId);

describe("runImport", () => {
  it("stages, groups by order_ref, writes orders, items, errors and one event per destination and chunk", async () => {
    const { id, batchId } = await pendingImport([
      "A-1,hanako@example.jp,鈴木 花子,緑茶,2,450,JPY,credit_card,completed",
      ",taro@example.jp,山田 太郎,急須,1,3300,JPY,,",
      "B-1,bad-email,田中 一郎,茶,1,500,JPY,,",
      "A-1,hanako@example.jp,鈴木 花子,抹茶,1,2160,JPY,credit_card,completed",
      "B-1,ichiro@example.jp,田中 一郎,茶碗,1,800,JPY,,",
    ]);
    expect(await runImport(database, id)).toBe("completed_with_errors");
    const orders = await ordersOf(batchId);
    expect(orders.map((o) => [o.order_key, Number(o.total_amount), Number(o.import_row_number), o.status])).toEqual([
      ["A-1", 2 * 450 + 2160, 2, "pending"],
      ["#3", 3300, 3, "pending"],
    ]);
    const items = await database.db.selectFrom("order_items").select(["product_name", "quantity", "unit_price"]).where("order_id", "=", orders[0]!.id).orderBy("id").execute();
    expect(items.map((i) => [i.product_name, Number(i.quantity), Number(i.unit_price)])).toEqual([
      ["緑茶", 2, 450],
      ["抹茶", 1, 2160],
    ]);
    const errors = await database.db.selectFrom("import_errors").select(["row_number", "column", "order_key"]).where("import_id", "=", id).orderBy("row_number").execute();
    expect(errors.map((e) => [Number(e.row_number), e.column, e.order_key])).toEqual([
      [4, "customer_email", "B-1"],
      [6, null, "B-1"],
    ]);
    expect(await findImport(database.db, id)).toMatchObject({ status: "completed_with_errors", totalRows: 5, successCount: 3, failureCount: 2, ordersCreated: 2, validOrders: 2, phase: null });
    const payments = await eventsOf("import.payments", batchId);
    expect(payments).toEqual([{ destination: "payment", data: expect.objectContaining({ payments: [expect.objectContaining({ orderId: Number(orders[0]!.id), amount: 3060 })] }) }]);
    const confirmations = await eventsOf("import.confirmations", batchId);
    expect(confirmations.map((e) => [e.destination, e.data.orders.map((o: { id: number }) => o.id)])).toEqual([["notification", orders.map((o) => Number(o.id))]]);
  });

  it("started again over orders it already wrote, writes none of them twice and sends no event again", async () => {
    const lines = Array.from({ length: 2_500 }, (_, i) => `R-${i},c${i}@example.jp,顧客 ${i},茶,1,500,JPY,credit_card,`);
    const { id, batchId } = await pendingImport(lines);
    expect(await runImport(database, id)).toBe("completed");
    expect(await ordersOf(batchId)).toHaveLength(2_500);
    // As after a crash: the job is active again, its orders written.
    await database.db.updateTable("import_history").set({ status: "running", orders_created: 0, success_count: 0 }).where("id", "=", id).execute();
    expect(await runImport(database, id)).toBe("completed");
    expect(await ordersOf(batchId)).toHaveLength(2_500);
    expect(await findImport(database.db, id)).toMatchObject({ status: "completed", ordersCreated: 0, successCount: 2_500 });
    const paid = (await eventsOf("import.payments", batchId)).flatMap((e) => e.data.payments);
    expect(paid).toHaveLength(2_500);
  });

  it("keeps a NUL of a refused cell as U+FFFD (PostgreSQL stores no NUL), on both databases alike", async () => {
    const { id, batchId } = await pendingImport(["N\u0000-1,n@example.jp,山田\u0000一,茶,1,500,JPY,,", "OK-1,o@example.jp,正常 二,茶,1,500,JPY,,"]);
    expect(await runImport(database, id)).toBe("completed_with_errors");
    const errors = await database.db.selectFrom("import_errors").select(["column", "value", "order_key"]).where("import_id", "=", id).orderBy("id").execute();
    expect(errors).toContainEqual({ column: "customer_name", value: "山田\uFFFD一", order_key: "N\uFFFD-1" });
    expect((await ordersOf(batchId)).map((o) => o.order_key)).toEqual(["OK-1"]);
  });

  it("validates without writing in a dry run and leaves no staging table behind", async () => {
    const { id, batchId } = await pendingImport(["D-1,d@example.jp,堀 大,茶,1,500,JPY,,"], { dryRun: true });
    expect(await runImport(database, id)).toBe("completed");
    expect(await ordersOf(batchId)).toEqual([]);
    expect(await findImport(database.db, id)).toMatchObject({ messageCode: "DRY_RUN", validOrders: 1 });
    // A new import on the same connection stages from scratch (the table was dropped).
    const next = await pendingImport(["D-2,d@example.jp,堀 大,茶,1,500,JPY,,"]);
    expect(await runImport(database, next.id)).toBe("completed");
    expect(await ordersOf(next.batchId)).toHaveLength(1);
  });
});
