import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world?.stop());

const csv = (...lines: string[]) => `${[HEADER, ...lines].join("\r\n")}\r\n`;
/** The data of every `type` event the order service wrote (one row per event: the first destination's). */
const outboxOf = async (type: string) =>
  (await world
    .sql<{ payload: string }>("SELECT payload FROM outbox WHERE type = ? AND id IN (SELECT MIN(id) FROM outbox GROUP BY event_id) ORDER BY id", type))
    .map((r) => JSON.parse(r.payload).data);

describe("importing a file", () => {
  it("groups rows by order_ref anywhere in the file, writes orders, items and batched events", async () => {
    const result = await world.importFile(
      csv(
        "A-1,hanako@example.jp,鈴木 花子,緑茶,2,450,JPY,credit_card,completed",
        ",taro@example.jp,山田 太郎,急須,1,\"¥3,300\",,,",
        "",
        "B-7,ichiro@example.jp,田中 一郎,\"湯呑み, 大\",1,1200円,JPY,konbini,pending",
        "A-1,hanako@example.jp,鈴木 花子,抹茶,1,２，１６０,JPY,credit_card,completed",
      ),
      {},
      "first.csv",
    );
    expect(result).toMatchObject({ status: "COMPLETED", totalRows: 4, successCount: 4, failureCount: 0, ordersCreated: 3, progress: 1 });
    const orders = (await world.sql<any>("SELECT id, order_key, customer_name, total_amount, status, batch_id, csv_source, import_row_number FROM orders WHERE batch_id = ? ORDER BY id", result.batchId));
    // In file order of each order's first row.
    expect(orders.map((o) => [o.order_key, o.total_amount, o.import_row_number, o.status, o.csv_source])).toEqual([
      ["A-1", 2 * 450 + 2160, 2, "pending", "first.csv"],
      ["#3", 3300, 3, "pending", "first.csv"],
      ["B-7", 1200, 5, "pending", "first.csv"],
    ]);
    const items = (await world.sql<any>("SELECT product_name, quantity, unit_price FROM order_items WHERE order_id = ? ORDER BY id", orders[0].id));
    expect(items).toEqual([
      { product_name: "緑茶", quantity: 2, unit_price: 450 },
      { product_name: "抹茶", quantity: 1, unit_price: 2160 },
    ]);
    const [payments] = (await outboxOf("import.payments"));
    expect(payments.payments).toEqual([
      { orderId: orders[0].id, amount: 3060, currency: "JPY", paymentMethod: "credit_card", status: "COMPLETED" },
      { orderId: orders[2].id, amount: 1200, currency: "JPY", paymentMethod: "konbini", status: "PENDING" },
    ]);
    const [confirmations] = (await outboxOf("import.confirmations"));
    expect(confirmations).toMatchObject({ batchId: result.batchId, sendConfirmations: "EACH" });
    expect(confirmations.orders.map((o: any) => o.id)).toEqual(orders.map((o) => o.id));
  });

  it("rejects a whole order for one bad row and reports every row with its number, column and reason", async () => {
    const result = await world.importFile(
      csv(
        "C-1,kana@example.jp,佐藤 花,茶,1,500,JPY,,",
        "C-1,kana@example.jp,佐藤 花,茶碗,0,800,JPY,,",
        "D-1,not-an-email,伊藤 蓮,茶,1,500,JPY,,",
        "E-1,ok@example.jp,加藤 結衣,茶,2,400,JPY,,",
        "F-1,same@example.jp,林 葵,茶,1,100,JPY,,",
        "F-1,other@example.jp,林 葵,茶,1,100,JPY,,",
        "G-1,pay@example.jp,高い 注文,金,1,2000000,JPY,credit_card,",
      ),
    );
    expect(result.message).toBeNull();
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 7, successCount: 1, failureCount: 6, ordersCreated: 1 });
    const errors = result.errors.edges.map((e: any) => e.node);
    expect(errors).toContainEqual(expect.objectContaining({ rowNumber: 3, column: "quantity", value: "0" }));
    expect(errors).toContainEqual(expect.objectContaining({ rowNumber: 2, column: null, reason: expect.stringMatching(/C-1 is rejected because row 3/) }));
    expect(errors).toContainEqual(expect.objectContaining({ rowNumber: 4, column: "customer_email", value: "not-an-email" }));
    expect(errors).toContainEqual(expect.objectContaining({ rowNumber: 7, column: "customer_email", reason: expect.stringMatching(/differs from row 6/) }));
    expect(errors).toContainEqual(expect.objectContaining({ rowNumber: 8, reason: expect.stringMatching(/between 100 and 1,000,000 JPY/) }));
    expect(await world.sql("SELECT order_key FROM orders WHERE batch_id = ?", result.batchId)).toEqual([{ order_key: "E-1" }]);
  });

  it("dry run reports what would happen and writes nothing", async () => {
    const before = (await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders"))[0]!.n;
    const result = await world.importFile(csv("H-1,h@example.jp,ドライ ラン,茶,1,500,JPY,credit_card,", "H-2,bad,ドライ,茶,1,500,JPY,,"), { dryRun: true });
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", dryRun: true, validOrders: 1, ordersCreated: 0, successCount: 1, failureCount: 1 });
    expect((await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders"))[0]!.n).toBe(before);
    expect(await world.sql("SELECT 1 FROM outbox WHERE payload LIKE ?", `%${result.batchId}%`)).toEqual([]);
  });

  it("atomic: one bad row and nothing is written", async () => {
    const before = (await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders"))[0]!.n;
    const result = await world.importFile(csv("I-1,i@example.jp,原子 一,茶,1,500,JPY,,", "I-2,i2@example.jp,原子 二,茶,-1,500,JPY,,"), { atomic: true });
    expect(result.status).toBe("FAILED");
    expect(result.message).toMatch(/nothing was written/);
    expect((await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders"))[0]!.n).toBe(before);
    const ok = await world.importFile(csv("J-1,j@example.jp,原子 三,茶,1,500,JPY,,"), { atomic: true });
    expect(ok).toMatchObject({ status: "COMPLETED", ordersCreated: 1 });
  });

  it("refuses a file already imported, unless forced, and a dry run says so ahead", async () => {
    const content = csv("K-1,k@example.jp,重複 確認,茶,1,500,JPY,,");
    const sameFile = async (id: string) => (await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { sameFileImport { id } } }`, { id })).import.sameFileImport;
    // A dry run first is no import: the real one after it is not a duplicate.
    const dry = await world.importFile(content, { dryRun: true });
    expect(await sameFile(dry.id)).toBeNull();
    const first = await world.importFile(content);
    expect(first.status).toBe("COMPLETED");
    expect(await sameFile(first.id)).toBeNull();
    const dryAgain = await world.importFile(content, { dryRun: true });
    expect(await sameFile(dryAgain.id)).toEqual({ id: first.id });
    // A whole page of imports (one lookup for the page): now every other import of the file has
    // the real one as its same-file import; the real one itself has none.
    const { imports } = await mustQuery(world.service.url, `{ imports(first: 50) { edges { node { id sameFileImport { id } } } } }`);
    const listed = Object.fromEntries(imports.edges.map((e: any) => [e.node.id, e.node.sameFileImport]));
    expect([listed[dry.id], listed[first.id], listed[dryAgain.id]]).toEqual([{ id: first.id }, null, { id: first.id }]);
    const uploadId = await world.upload(content);
    const again = await graphqlRequest(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.uploadId" });
    expect((await world.importFile(content, { force: true })).status).toBe("COMPLETED");
  });

  it("reads Shift_JIS (CP932) files from Excel", async () => {
    const text = csv("表-1,sjis@example.jp,髙橋 ソウタ,①能登の塩 ㈱表示,1,980,JPY,,");
    const result = await world.importFile(iconv.encode(text, "cp932"), {}, "excel.csv");
    expect(result).toMatchObject({ status: "COMPLETED", encoding: "cp932", ordersCreated: 1 });
    const [order] = (await world.sql<any>("SELECT id, customer_name, order_key FROM orders WHERE batch_id = ?", result.batchId));
    expect(order).toMatchObject({ customer_name: "髙橋 ソウタ", order_key: "表-1" });
    expect(await world.sql("SELECT product_name FROM order_items WHERE order_id = ?", order.id)).toEqual([{ product_name: "①能登の塩 ㈱表示" }]);
  });

  it("fails at once, naming the missing required column", async () => {
    const result = await world.importFile("order_ref,customer_email,product_name,quantity\r\nX,x@example.jp,茶,1\r\n");
    expect(result.status).toBe("FAILED");
    expect(result.message).toMatch(/customer_name/);
    expect(result.message).toMatch(/unit_price/);
    const coded = (await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { messageCode messageParams } }`, { id: result.id })).import;
    expect(coded.messageCode).toBe("CSV_MISSING_COLUMNS");
    expect(JSON.parse(coded.messageParams)).toEqual({ columns: ["customer_name", "unit_price"] });
  });

  it("says why an atomic import wrote nothing, and that a dry run wrote nothing, as codes with their figures", async () => {
    const content = csv("A-1,a@example.jp,一括 確認,茶,1,500,JPY,,", "A-2,a2@example.jp,一括 確認,茶,ゼロ,500,JPY,,");
    const read = async (id: string) => (await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { status messageCode messageParams } }`, { id })).import;
    const atomic = await world.importFile(content, { atomic: true, force: true });
    expect(await read(atomic.id)).toEqual({ status: "FAILED", messageCode: "ATOMIC_REFUSED", messageParams: JSON.stringify({ failedOrders: 1 }) });
    const dry = await world.importFile(content, { dryRun: true });
    expect(await read(dry.id)).toEqual({ status: "COMPLETED_WITH_ERRORS", messageCode: "DRY_RUN", messageParams: "{}" });
    const real = await world.importFile(content, { force: true });
    expect(await read(real.id)).toEqual({ status: "COMPLETED_WITH_ERRORS", messageCode: null, messageParams: null });
  });

  it("reports unknown columns once and ignores them", async () => {
    const result = await world.importFile("customer_email,customer_name,product_name,quantity,unit_price,note,gift_wrap\r\nn@example.jp,備考 付き,茶,1,500,よろしく,yes\r\n");
    expect(result).toMatchObject({ status: "COMPLETED", unknownColumns: ["note", "gift_wrap"] });
  });
});

describe("reports and round trips", () => {
  let failedImport: any;

  beforeAll(async () => {
    failedImport = await world.importFile(
      csv("R-1,r@example.jp,返品 太郎,茶,1,500,JPY,,", "R-2,=HYPERLINK(\"http://evil\"),攻撃 者,茶,1,500,JPY,,", ",bad-email,行番号 のみ,茶,1,500,JPY,,"),
      {},
      "report.csv",
    );
  });

  it("downloads a formula-safe error report with a BOM", async () => {
    const report = await world.download(failedImport.errorReportUrl);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/text\/csv/);
    const text = report.body.toString("utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).not.toMatch(/,=HYPERLINK/);
    const sjis = await world.download(`${failedImport.errorReportUrl}?encoding=cp932`);
    expect(iconv.decode(sjis.body, "cp932")).toContain("customer_email");
  });

  it("retries the fixed failed rows into the same batch", async () => {
    const failed = await world.download(failedImport.failedRowsUrl);
    const text = failed.body.toString("utf8").replace(/^\uFEFF/, "");
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(3); // header + two failed rows
    expect(text).toContain("#4,bad-email"); // a row without order_ref keeps its key
    // The failed rows are formula-safe too: the e-mail comes back neutralised.
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const fixed = text.replace(`"'=HYPERLINK(""http://evil"")"`, "fixed@example.jp").replace("bad-email", "fixed2@example.jp");
    const uploadId = await world.upload(fixed, "report-fixed.csv");
    const { retryImport } = await mustQuery(world.service.url, `mutation($i: RetryImportInput!) { retryImport(input: $i) { id batchId } }`, { i: { importId: failedImport.id, uploadId } });
    expect(retryImport.batchId).toBe(failedImport.batchId);
    await world.service.imports.whenDone(Number(retryImport.id));
    expect(await world.read(retryImport.id)).toMatchObject({ status: "COMPLETED", ordersCreated: 2 });
    expect(await world.sql("SELECT order_key FROM orders WHERE batch_id = ? ORDER BY order_key", failedImport.batchId)).toEqual([{ order_key: "#4" }, { order_key: "R-1" }, { order_key: "R-2" }]);
  });

  it("exports a batch in the import format and imports it back", async () => {
    const exported = await world.download(`/exports/orders.csv?batchId=${failedImport.batchId}`);
    const text = exported.body.toString("utf8");
    expect(text.split("\r\n")[0]).toBe("\uFEFForder_ref,customer_email,customer_name,product_name,quantity,unit_price,currency");
    const again = await world.importFile(exported.body, { force: true }, "roundtrip.csv");
    expect(again).toMatchObject({ status: "COMPLETED", ordersCreated: 3 });
    const totals = async (batch: string) => (await world.sql<any>("SELECT customer_email, total_amount FROM orders WHERE batch_id = ? ORDER BY customer_email", batch));
    expect(await totals(again.batchId)).toEqual((await totals(failedImport.batchId)));
  });
});

describe("large files and crashes", () => {
  const bigFile = (orders: number) => {
    const lines: string[] = [];
    for (let i = 0; i < orders; i++) {
      for (let item = 0; item < 1 + (i % 3); item++) lines.push(`BIG-${i},c${i}@example.jp,顧客 ${i},商品 ${item},${1 + item},${300 + item},JPY,${i % 2 ? "credit_card" : ""},`);
    }
    return csv(...lines);
  };

  it("resumes after the service is stopped in the middle, without losing or duplicating orders", async () => {
    const content = bigFile(12_000); // 24,000 rows
    const uploadId = await world.upload(content, "big.csv");
    const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId } });
    // Wait for the first chunks to be written, then stop the service (the worker dies with it).
    for (let i = 0; i < 400; i++) {
      const [row] = (await world.sql<{ orders_created: number }>("SELECT orders_created FROM import_history WHERE id = ?", Number(startImport.id)));
      if (row!.orders_created >= 2000) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await world.service.stop();
    const partial = (await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ?", startImport.batchId))[0]!.n;
    expect(partial).toBeGreaterThan(0);
    await world.start(); // resumes the interrupted import
    await world.service.imports.whenDone(Number(startImport.id));
    const done = await world.read(startImport.id);
    expect(done).toMatchObject({ status: "COMPLETED", totalRows: 24_000, successCount: 24_000, failureCount: 0, ordersCreated: 12_000 });
    expect(await world.sql("SELECT COUNT(*) AS n, COUNT(DISTINCT order_key) AS k FROM orders WHERE batch_id = ?", startImport.batchId)).toEqual([{ n: 12_000, k: 12_000 }]);
    // Exactly one payment instruction per paid order, across all chunks and both runs.
    const paid = (await outboxOf("import.payments")).filter((d) => d.batchId === startImport.batchId).flatMap((d) => d.payments);
    expect(paid).toHaveLength(6_000);
    expect(new Set(paid.map((p: any) => p.orderId)).size).toBe(6_000);
    const confirmed = (await outboxOf("import.confirmations")).filter((d) => d.batchId === startImport.batchId).flatMap((d) => d.orders);
    expect(new Set(confirmed.map((o: any) => o.id)).size).toBe(confirmed.length);
    expect(confirmed).toHaveLength(12_000);
  }, 60_000);

  it("cancels a running import: it stops and says so, with exact counts", async () => {
    const uploadId = await world.upload(bigFile(40_000), "cancel.csv");
    const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId } });
    // Cancel while the file is still being read.
    for (let i = 0; i < 2000; i++) {
      const [row] = (await world.sql<{ phase: string | null; rows_done: number }>("SELECT phase, rows_done FROM import_history WHERE id = ?", Number(startImport.id)));
      if (row!.phase === "parsing" && row!.rows_done > 0) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const { cancelImport } = await mustQuery(world.service.url, `mutation($id: ID!) { cancelImport(id: $id) { status } }`, { id: startImport.id });
    expect(["CANCELLING", "CANCELLED"]).toContain(cancelImport.status);
    await world.service.imports.whenDone(Number(startImport.id));
    const cancelled = await world.read(startImport.id);
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.message).toMatch(/Cancelled/);
    const written = (await world.sql<{ n: number }>("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ?", startImport.batchId))[0]!.n;
    expect(cancelled.ordersCreated).toBe(written);
    expect(written).toBeLessThan(40_000);
    const again = await graphqlRequest(world.service.url, `mutation($id: ID!) { cancelImport(id: $id) { status } }`, { id: startImport.id });
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  }, 60_000);
});
