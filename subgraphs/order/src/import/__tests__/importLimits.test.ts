/** Files a hostile operator or a real spreadsheet sends, imported through HTTP. */
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world?.stop());

const csv = (...lines: string[]) => `${[HEADER, ...lines].join("\r\n")}\r\n`;
const count = async (sql: string, ...params: unknown[]) => (await world.sql<{ n: number }>(sql, ...params))[0]!.n;

interface CodedError {
  rowNumber: number;
  column: string | null;
  code: string | null;
  params: string | null;
}

/** Every error of an import, paged through the API. */
async function errorsOf(id: string): Promise<CodedError[]> {
  const all: CodedError[] = [];
  let after: string | null = null;
  for (;;) {
    const { import: job }: { import: any } = await mustQuery(
      world.service.url,
      `query($id: ID!, $after: String) { import(id: $id) { errors(first: 500, after: $after) { edges { node { rowNumber column code params } } pageInfo { hasNextPage endCursor } } } }`,
      { id, after },
    );
    all.push(...job.errors.edges.map((e: { node: CodedError }) => e.node));
    if (!job.errors.pageInfo.hasNextPage) return all;
    after = job.errors.pageInfo.endCursor;
  }
}

/** How an import ended, with its code and params, read through the API. */
async function ending(id: string) {
  const { import: job } = await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { status message messageCode messageParams totalRows successCount failureCount ordersCreated } }`, { id });
  return { ...job, messageParams: job.messageParams === null ? null : JSON.parse(job.messageParams) };
}

/** Uploads and starts an import, returning its id and batch without waiting for it. */
async function startImport(content: string | Buffer, filename: string): Promise<{ id: string; batchId: string }> {
  const uploadId = await world.upload(content, filename);
  const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId } });
  return startImport;
}

/** Nothing of a refused import reached the database: no order, no row error, no event. */
async function expectNothingWritten(importId: string, batchId: string) {
  expect(await count("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ?", batchId)).toBe(0);
  expect(await count("SELECT COUNT(*) AS n FROM import_errors WHERE import_id = ?", Number(importId))).toBe(0);
  expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE ?", `%${batchId}%`)).toBe(0);
}

describe("files beyond the CSV limits", () => {
  it("refuses a 20 MB row of 20 million commas at its row, with the order service's memory flat, and goes on importing", async () => {
    const hostile = Buffer.concat([Buffer.from(`${HEADER}\r\nA-1,a@example.jp,普通 注文,茶,1,500,JPY,,\r\n`), Buffer.alloc(20_000_000, ","), Buffer.from("\r\n")]);
    const { id, batchId } = await startImport(hostile, "commas.csv");
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 2);
    try {
      expect(await world.service.imports.whenDone(Number(id))).toBe("failed");
    } finally {
      clearInterval(sampler);
    }
    expect(await ending(id)).toMatchObject({
      status: "FAILED",
      messageCode: "CSV_ROW_TOO_MANY_FIELDS",
      messageParams: { row: 3, max: 64 },
      message: "row 3 has more than 64 cells (the import reads 9 columns: is it an order file?)",
    });
    // The service (and its import worker, a thread of the same process) grew by less than 100 MB.
    if (process.env.IMPORT_TRACE) process.stderr.write(`20 MB of commas: RSS ${(base / 1e6).toFixed(0)} MB, peak +${((peak - base) / 1e6).toFixed(1)} MB\n`);
    expect((peak - base) / 1e6).toBeLessThan(100);
    await expectNothingWritten(id, batchId);
    // The worker survived: the next file imports.
    expect(await world.importFile(csv("N-1,n@example.jp,次の 注文,茶,1,500,JPY,,"), {}, "next.csv")).toMatchObject({ status: "COMPLETED", ordersCreated: 1 });
  }, 60_000);

  it("refuses a quoted cell that never closes in a large file at the row it opens, as a cell too long", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `Q-${i},q${i}@example.jp,引用 注文,茶,1,500,JPY,,`);
    const { id, batchId } = await startImport(csv(...rows.slice(0, 999), `Q-X,x@example.jp,"閉じない 引用,茶,1,500,JPY,,`, ...rows.slice(1000)), "open-quote.csv");
    await world.service.imports.whenDone(Number(id));
    expect(await ending(id)).toMatchObject({ status: "FAILED", messageCode: "CSV_CELL_TOO_LONG", messageParams: { row: 1001, max: 4096 } });
    await expectNothingWritten(id, batchId);
  });

  it("refuses a record longer than 64 KB", async () => {
    const long = Array.from({ length: 20 }, () => "あ".repeat(4000)).join(",");
    const { id, batchId } = await startImport(csv("R-1,r@example.jp,普通 注文,茶,1,500,JPY,,", long), "long-row.csv");
    await world.service.imports.whenDone(Number(id));
    expect(await ending(id)).toMatchObject({ status: "FAILED", messageCode: "CSV_ROW_TOO_LONG", messageParams: { row: 3, max: 65_536 } });
    await expectNothingWritten(id, batchId);
  });
});

describe("encodings", () => {
  it("refuses a UTF-8 file with Shift_JIS rows pasted into it, naming the first Shift_JIS row", async () => {
    const content = Buffer.concat([
      Buffer.from(csv("U-1,u1@example.jp,佐藤 太郎,\"煎茶\r\n（贈答用）\",1,500,JPY,,", "U-2,u2@example.jp,鈴木 花子,抹茶,1,800,JPY,,")),
      iconv.encode("S-1,s1@example.jp,髙橋 ソウタ,表示用 湯呑み,1,900,JPY,,\r\nS-2,s2@example.jp,田中 一郎,急須,1,900,JPY,,\r\n", "cp932"),
    ]);
    const { id, batchId } = await startImport(content, "mixed.csv");
    await world.service.imports.whenDone(Number(id));
    const ended = await ending(id);
    expect(ended).toMatchObject({ status: "FAILED", messageCode: "CSV_ENCODING_INVALID", messageParams: { row: 4, encoding: "utf-8" } });
    expect(ended.message).toMatch(/^row 4 is not valid UTF-8/);
    await expectNothingWritten(id, batchId);
  });

  it("refuses a Shift_JIS file with bytes CP932 does not map, never importing U+FFFD", async () => {
    const content = Buffer.concat([iconv.encode(csv("C-1,c1@example.jp,表 ソ太郎,茶,1,500,JPY,,"), "cp932"), Buffer.from("C-2,c2@example.jp,"), Buffer.from([0x95, 0x5c, 0xfd]), Buffer.from(",茶,1,500,JPY,,\r\n")]);
    const { id, batchId } = await startImport(content, "unmapped.csv");
    await world.service.imports.whenDone(Number(id));
    expect(await ending(id)).toMatchObject({ status: "FAILED", messageCode: "CSV_ENCODING_INVALID", messageParams: { row: 3, encoding: "cp932" } });
    await expectNothingWritten(id, batchId);
    expect(await count("SELECT COUNT(*) AS n FROM orders WHERE customer_name LIKE ?", "%\uFFFD%")).toBe(0);
  });

  it("imports ¥ written by Excel into a Shift_JIS file (0x5C, read as \\) as JPY, in currency and amounts", async () => {
    const content = iconv.encode(csv('Y-1,yen@example.jp,円 太郎,抹茶,1,"\\1,650",\\,credit_card,', "Y-1,yen@example.jp,円 太郎,表示 湯呑み,2,\\980,\\,credit_card,"), "cp932");
    expect(content.filter((b) => b === 0x5c).length).toBeGreaterThanOrEqual(4);
    const result = await world.importFile(content, {}, "yen.csv");
    expect(result).toMatchObject({ status: "COMPLETED", encoding: "cp932", ordersCreated: 1 });
    const [order] = (await world.sql<any>("SELECT id, currency, total_amount FROM orders WHERE batch_id = ?", result.batchId));
    expect(order).toMatchObject({ currency: "JPY", total_amount: 1650 + 2 * 980 });
    expect(await world.sql("SELECT product_name, unit_price FROM order_items WHERE order_id = ? ORDER BY id", order.id)).toEqual([
      { product_name: "抹茶", unit_price: 1650 },
      { product_name: "表示 湯呑み", unit_price: 980 },
    ]);
  });
});

describe("spreadsheet rows", () => {
  it("reports the invalid row after a cell with two line breaks as row 3, and numbers imported orders the same way", async () => {
    const result = await world.importFile(csv('M-1,m@example.jp,複数行 セル,"煎茶\r\n100g\r\n（贈答用）",1,500,JPY,,', "M-2,not-an-email,行番号 確認,茶,1,500,JPY,,", "", "M-3,m3@example.jp,空行 の後,茶,1,500,JPY,,"), {}, "multiline.csv");
    // The line breaks stay in their cell (row 2), which the text rule then refuses: a product name is one line.
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 3, ordersCreated: 1, failureCount: 2 });
    expect(result.errors.edges.map((e: any) => [e.node.rowNumber, e.node.column])).toEqual([
      [2, "product_name"],
      [3, "customer_email"],
    ]);
    expect(await world.sql("SELECT order_key, import_row_number FROM orders WHERE batch_id = ? ORDER BY id", result.batchId)).toEqual([{ order_key: "M-3", import_row_number: 5 }]);
  });

  it("imports a failed-rows file whose cells formula escaping prefixed with an apostrophe as their values", async () => {
    const result = await world.importFile(csv(`'-7,f@example.jp,'@山田 太郎,"'=SUM(A1)",'+2,500,JPY,,`), {}, "failed-rows.csv");
    expect(result).toMatchObject({ status: "COMPLETED", ordersCreated: 1 });
    const [order] = (await world.sql<any>("SELECT id, order_key, customer_name FROM orders WHERE batch_id = ?", result.batchId));
    expect(order).toMatchObject({ order_key: "-7", customer_name: "@山田 太郎" });
    expect(await world.sql("SELECT product_name, quantity FROM order_items WHERE order_id = ?", order.id)).toEqual([{ product_name: "=SUM(A1)", quantity: 2 }]);
  });
});

describe("items per order", () => {
  const items = (ref: string, n: number, from = 1) => Array.from({ length: n }, (_, i) => `${ref},${ref.toLowerCase()}@example.jp,品目 多い,茶 ${from + i},1,100,JPY,,`);

  it("rejects an order of 101 items, every row reported, and imports the others", async () => {
    const result = await world.importFile(csv("A-1,a1@example.jp,普通 注文,茶,1,500,JPY,credit_card,", ...items("BIG", 101), ...items("MAX", 100), "Z-1,z@example.jp,最後 注文,茶,2,300,JPY,,"), {}, "items.csv");
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 203, ordersCreated: 3, successCount: 102, failureCount: 101 });
    const errors = await errorsOf(result.id);
    expect(errors.map((e) => e.rowNumber)).toEqual(Array.from({ length: 101 }, (_, i) => 3 + i));
    expect(new Set(errors.map((e) => `${e.code} ${e.params}`))).toEqual(new Set([`ORDER_TOO_MANY_ITEMS ${JSON.stringify({ order: "BIG", firstRow: 3, items: 101, max: 100 })}`]));
    expect(await world.sql("SELECT order_key FROM orders WHERE batch_id = ? ORDER BY id", result.batchId)).toEqual([{ order_key: "A-1" }, { order_key: "MAX" }, { order_key: "Z-1" }]);
    expect(await count("SELECT COUNT(*) AS n FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE batch_id = ?)", result.batchId)).toBe(1 + 100 + 1);
  });

  it("counts an order of 30,000 rows spread over the file without collecting it, and reports each row once", async () => {
    // Its rows come in two runs with another order between them, past one page of the walk.
    const result = await world.importFile(csv(...items("HUGE", 20_000), "B-1,b@example.jp,普通 注文,茶,1,500,JPY,,", ...items("HUGE", 10_000, 20_001)), {}, "huge.csv");
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", totalRows: 30_001, ordersCreated: 1, successCount: 1, failureCount: 30_000 });
    const rows = (await world.sql<{ n: number; distinct_rows: number; first: number; last: number }>(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT row_number) AS distinct_rows, MIN(row_number) AS first, MAX(row_number) AS last FROM import_errors WHERE import_id = ? AND code = 'ORDER_TOO_MANY_ITEMS' AND params = ?",
      Number(result.id),
      JSON.stringify({ order: "HUGE", firstRow: 2, items: 30_000, max: 100 }),
    ));
    expect(rows).toEqual([{ n: 30_000, distinct_rows: 30_000, first: 2, last: 30_002 }]);
    expect(await count("SELECT COUNT(*) AS n FROM import_errors WHERE import_id = ?", Number(result.id))).toBe(30_000);
    expect(await world.sql("SELECT order_key FROM orders WHERE batch_id = ?", result.batchId)).toEqual([{ order_key: "B-1" }]);
  }, 60_000);
});
