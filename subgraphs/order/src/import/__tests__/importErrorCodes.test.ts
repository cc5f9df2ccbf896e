/** Every import error carries a stable code and its params through the GraphQL API (the UI translates them). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { IMPORT_ERROR_CODES } from "../importErrorCodes.js";
import { HEADER, startImportWorld, type ImportWorld } from "./importWorld.js";

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world?.stop());

const csv = (...lines: string[]) => `${[HEADER, ...lines].join("\r\n")}\r\n`;

interface CodedError {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  code: string | null;
  params: string | null;
}

async function errorsOf(id: string): Promise<CodedError[]> {
  const { import: job } = await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { errors(first: 500) { edges { node { rowNumber column value reason code params } } } } }`, { id });
  return job.errors.edges.map((e: { node: CodedError }) => e.node);
}

const byRow = (a: { rowNumber: number; column: string | null; code: string | null }, b: typeof a) =>
  a.rowNumber - b.rowNumber || (a.column ?? "").localeCompare(b.column ?? "") || (a.code ?? "").localeCompare(b.code ?? "");

describe("import error codes", () => {
  // One file breaking every rule once (row numbers as a spreadsheet shows them: the header is 1).
  const FILE = csv(
    "A-1,a@example.jp,青木 一,茶,1,500,JPY,,", // 2  valid, but its order has bad rows 3 and 4
    "A-1,a@example.jp,青木 一,茶碗,0,500,JPY,,", // 3  quantity 0
    "A-1,a@example.jp,青木 一,急須,1,,JPY,,", // 4  unit_price missing
    ",bad-email,伊藤 二,茶,1,500,JPY,,", // 5
    ",,伊藤 三,茶,1,500,JPY,,", // 6  customer_email missing
    "B-1,b@example.jp,,,1,500,JPY,,", // 7  customer_name and product_name missing
    `${"r".repeat(201)},b@example.jp,${"あ".repeat(201)},${"x".repeat(201)},1,500,JPY,,`, // 8  three texts too long
    ",c@example.jp,上田 四,茶,,12.5,JPY,,", // 9  quantity missing, unit_price with sen
    ",c@example.jp,上田 五,茶,1,-100,USD,credit card,paid", // 10 price, currency, method, status
    ",c@example.jp,上田 六,茶,10000000,10000000000,JPY,,", // 11 quantity and unit_price over their limits
    "F-1,f@example.jp,林 葵,茶,1,100,JPY,,", // 12 rejected because of row 13
    "F-1,other@example.jp,林 葵,茶,1,100,JPY,,", // 13 another customer
    "G-1,g@example.jp,後藤 七,金,10,6000000,JPY,,", // 14 order total 120,000,000 over the limit
    "G-1,g@example.jp,後藤 七,金,10,6000000,JPY,,", // 15 rejected because of row 14
    ",p@example.jp,少額 八,飴,1,50,JPY,credit_card,", // 16 payment under 100 JPY, no order_ref
    "K-1,k@example.jp,高額 九,壺,1,600000,JPY,konbini,", // 17 payment over 1,000,000 JPY
    "K-1,k@example.jp,高額 九,壺,1,600000,JPY,konbini,", // 18
    "OK-1,ok@example.jp,正常 十,茶,2,400,JPY,credit_card,", // 19 imported
    ",c@example.jp,上田 十一,茶,10000,10001,JPY,,", // 20 one line over the order limit
    ...Array.from({ length: 101 }, (_, i) => `M-1,m@example.jp,多品目 注文,茶 ${i + 1},1,100,JPY,,`), // 21–121: one item too many
    ",t\u001b@example.jp,山田\u0000十一,茶\u202Egpj.exe,1,500,JPY,,", // 122 ESC, NUL and an RTL override
  );
  let result: any;
  let errors: CodedError[];

  beforeAll(async () => {
    result = await world.importFile(FILE, {}, "every-rule.csv");
    errors = await errorsOf(result.id);
  });

  it("gives every error a known code and a JSON object of params", () => {
    expect(result).toMatchObject({ status: "COMPLETED_WITH_ERRORS", ordersCreated: 1, successCount: 1, failureCount: 17 + 1 + 101 + 1 });
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.code, JSON.stringify(e)).not.toBeNull();
      expect(IMPORT_ERROR_CODES).toContain(e.code);
      expect(JSON.parse(e.params!)).toBeTypeOf("object");
    }
    // The file exercises every rule: every code is used.
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(IMPORT_ERROR_CODES));
  });

  it("says the same as the English reason, which stays as it was", () => {
    const coded = errors.map((e) => ({ rowNumber: e.rowNumber, column: e.column, code: e.code, params: JSON.parse(e.params!) })).sort(byRow);
    const order = (ref: string | null, firstRow: number) => ({ order: ref, firstRow });
    expect(coded).toEqual(
      [
        { rowNumber: 2, column: null, code: "ORDER_REJECTED_BY_ROWS", params: { ...order("A-1", 2), rows: [3, 4] } },
        { rowNumber: 3, column: "quantity", code: "QUANTITY_NOT_POSITIVE_INTEGER", params: {} },
        { rowNumber: 4, column: "unit_price", code: "REQUIRED", params: { column: "unit_price" } },
        { rowNumber: 5, column: "customer_email", code: "INVALID_EMAIL", params: {} },
        { rowNumber: 6, column: "customer_email", code: "REQUIRED", params: { column: "customer_email" } },
        { rowNumber: 7, column: "customer_name", code: "REQUIRED", params: { column: "customer_name" } },
        { rowNumber: 7, column: "product_name", code: "REQUIRED", params: { column: "product_name" } },
        { rowNumber: 8, column: "customer_name", code: "TOO_LONG", params: { column: "customer_name", max: 200 } },
        { rowNumber: 8, column: "order_ref", code: "TOO_LONG", params: { column: "order_ref", max: 200 } },
        { rowNumber: 8, column: "product_name", code: "TOO_LONG", params: { column: "product_name", max: 200 } },
        { rowNumber: 9, column: "quantity", code: "REQUIRED", params: { column: "quantity" } },
        { rowNumber: 9, column: "unit_price", code: "UNIT_PRICE_NOT_POSITIVE_YEN", params: { fraction: true } },
        { rowNumber: 10, column: "currency", code: "CURRENCY_NOT_JPY", params: {} },
        { rowNumber: 10, column: "payment_method", code: "INVALID_PAYMENT_METHOD", params: { maxLength: 50 } },
        { rowNumber: 10, column: "payment_status", code: "INVALID_PAYMENT_STATUS", params: {} },
        { rowNumber: 10, column: "unit_price", code: "UNIT_PRICE_NOT_POSITIVE_YEN", params: { fraction: false } },
        { rowNumber: 11, column: "quantity", code: "QUANTITY_TOO_LARGE", params: { max: 10_000 } },
        { rowNumber: 11, column: "unit_price", code: "UNIT_PRICE_TOO_LARGE", params: { max: 10_000_000 } },
        { rowNumber: 12, column: null, code: "ORDER_REJECTED_BY_OTHER_ROWS", params: order("F-1", 12) },
        { rowNumber: 13, column: "customer_email", code: "ORDER_FIELD_MISMATCH", params: { ...order("F-1", 12), column: "customer_email" } },
        { rowNumber: 14, column: null, code: "ORDER_TOTAL_TOO_LARGE", params: { ...order("G-1", 14), total: 120_000_000, max: 100_000_000 } },
        { rowNumber: 15, column: null, code: "ORDER_REJECTED_BY_OTHER_ROWS", params: order("G-1", 14) },
        { rowNumber: 16, column: "unit_price", code: "PAYMENT_AMOUNT_OUT_OF_RANGE", params: { ...order(null, 16), total: 50, min: 100, max: 1_000_000 } },
        { rowNumber: 17, column: "unit_price", code: "PAYMENT_AMOUNT_OUT_OF_RANGE", params: { ...order("K-1", 17), total: 1_200_000, min: 100, max: 1_000_000 } },
        { rowNumber: 18, column: "unit_price", code: "PAYMENT_AMOUNT_OUT_OF_RANGE", params: { ...order("K-1", 17), total: 1_200_000, min: 100, max: 1_000_000 } },
        { rowNumber: 20, column: null, code: "LINE_TOTAL_TOO_LARGE", params: { max: 100_000_000 } },
        ...Array.from({ length: 101 }, (_, i) => ({ rowNumber: 21 + i, column: null, code: "ORDER_TOO_MANY_ITEMS", params: { ...order("M-1", 21), items: 101, max: 100 } })),
        { rowNumber: 122, column: "customer_email", code: "INVALID_TEXT", params: { column: "customer_email", reason: "controlCharacter", position: 1, character: "U+001B" } },
        { rowNumber: 122, column: "customer_name", code: "INVALID_TEXT", params: { column: "customer_name", reason: "controlCharacter", position: 2, character: "U+0000" } },
        { rowNumber: 122, column: "product_name", code: "INVALID_TEXT", params: { column: "product_name", reason: "bidiControl", position: 1, character: "U+202E" } },
      ].sort(byRow),
    );
    const reason = (row: number, code: string) => errors.find((e) => e.rowNumber === row && e.code === code)?.reason;
    expect(reason(2, "ORDER_REJECTED_BY_ROWS")).toBe("not imported: order_ref A-1 is rejected because rows 3, 4 have errors");
    expect(reason(13, "ORDER_FIELD_MISMATCH")).toBe("customer_email differs from row 12 of the same order_ref F-1; all rows of an order must agree");
    expect(reason(16, "PAYMENT_AMOUNT_OUT_OF_RANGE")).toBe("the total of row 16 is 50 JPY; a payment must be between 100 and 1,000,000 JPY");
    expect(reason(14, "ORDER_TOTAL_TOO_LARGE")).toBe("the total of order_ref G-1 is 120,000,000 JPY, over the limit of 100,000,000 JPY per order");
    expect(errors.find((e) => e.rowNumber === 122 && e.column === "product_name")?.reason).toBe("product_name contains a bidirectional control character (U+202E) at position 1; remove it");
    expect(reason(15, "ORDER_REJECTED_BY_OTHER_ROWS")).toBe("not imported: order_ref G-1 is rejected because of errors in its other rows");
    expect(reason(121, "ORDER_TOO_MANY_ITEMS")).toBe("order_ref M-1 has 101 items; an order holds at most 100 (split it into several orders)");
  });

  it("codes a dry run's errors and an atomic run's the same way", async () => {
    const dry = await world.importFile(FILE, { dryRun: true }, "every-rule-dry.csv");
    const atomic = await world.importFile(FILE, { atomic: true, force: true }, "every-rule-atomic.csv");
    expect(atomic.status).toBe("FAILED");
    const shape = (list: CodedError[]) => list.map(({ rowNumber, column, code, params }) => ({ rowNumber, column, code, params })).sort(byRow);
    expect(shape(await errorsOf(dry.id))).toEqual(shape(errors));
    expect(shape(await errorsOf(atomic.id))).toEqual(shape(errors));
  });

  it("keeps the error report as it was: row, column, value and the English reason", async () => {
    const text = (await world.download(result.errorReportUrl)).body.toString("utf8");
    expect(text.split("\r\n")[0]).toBe("\uFEFFrow_number,column,value,reason");
    expect(text).toContain("3,quantity,0,quantity must be a whole number greater than 0");
    expect(text).not.toContain("QUANTITY_NOT_POSITIVE_INTEGER");
  });

  it("answers null code and params for an error recorded before codes existed", async () => {
    const done = await world.importFile(csv("L-1,l@example.jp,古い 記録,茶,1,500,JPY,,"), {}, "legacy.csv");
    await world.run(`INSERT INTO import_errors (import_id, row_number, "column", value, reason, order_key) VALUES (?, 2, 'quantity', '0', 'quantity must be a whole number greater than 0', 'L-1')`, Number(done.id));
    expect(await errorsOf(done.id)).toEqual([{ rowNumber: 2, column: "quantity", value: "0", reason: "quantity must be a whole number greater than 0", code: null, params: null }]);
  });

  it("lists exactly the codes in the SDL's description of ImportError.code", () => {
    const sdl = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../schema.graphql"), "utf8");
    const type = sdl.slice(sdl.indexOf("type ImportError {"));
    const description = type.slice(0, type.indexOf("  code: String"));
    expect([...description.matchAll(/^ {2}- ([A-Z_]+) \{/gm)].map((m) => m[1])).toEqual([...IMPORT_ERROR_CODES]);
  });
});
