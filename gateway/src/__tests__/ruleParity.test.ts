/**
 * One rule, two ways in: the same invalid order through `createOrder` / `createPayment` (HTTP,
 * through the gateway) and as a CSV row (a dry-run import through the gateway) is refused with
 * corresponding codes and fields — the correspondence defined once in the order service's
 * ruleErrorColumns.ts — and neither way writes anything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_CODE_OF_IMPORT_CODE, columnOfField } from "@ops/order/ruleErrorColumns";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

const HEADER = "order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status";
const VALID = { order_ref: "", customer_email: "hanako@example.jp", customer_name: "山田 花子", product_name: "緑茶", quantity: "2", unit_price: "1200", currency: "JPY", payment_method: "", payment_status: "" };
const BASE = { customerEmail: "hanako@example.jp", customerName: "山田 花子", currency: "JPY", items: [{ productName: "緑茶", quantity: 2, unitPrice: 1200 }] };
type Row = typeof VALID;

interface Case {
  label: string;
  /** The order as the API gets it, or (payment cases) the order to create and the payment input. */
  api: { order: Record<string, unknown>; payment?: Record<string, unknown> };
  /** The rows of the file that say the same (each case its own order). */
  rows: Partial<Row>[];
  importCode: string;
}

const item = (changes: Record<string, unknown>) => ({ ...BASE, items: [{ ...BASE.items[0], ...changes }] });
const CASES: Case[] = [
  { label: "an e-mail without a top-level domain", api: { order: { ...BASE, customerEmail: "taro@example" } }, rows: [{ customer_email: "taro@example" }], importCode: "INVALID_EMAIL" },
  { label: "an empty e-mail", api: { order: { ...BASE, customerEmail: " " } }, rows: [{ customer_email: " " }], importCode: "REQUIRED" },
  { label: "an empty customer name", api: { order: { ...BASE, customerName: "\u3000" } }, rows: [{ customer_name: "\u3000" }], importCode: "REQUIRED" },
  { label: "a customer name of 201 characters", api: { order: { ...BASE, customerName: "あ".repeat(201) } }, rows: [{ customer_name: "あ".repeat(201) }], importCode: "TOO_LONG" },
  { label: "a name with an RTL override", api: { order: { ...BASE, customerName: "山田\u202E花子" } }, rows: [{ customer_name: "山田\u202E花子" }], importCode: "INVALID_TEXT" },
  { label: "an empty product name", api: { order: item({ productName: "" }) }, rows: [{ product_name: "" }], importCode: "REQUIRED" },
  { label: "quantity 0", api: { order: item({ quantity: 0 }) }, rows: [{ quantity: "0" }], importCode: "QUANTITY_NOT_POSITIVE_INTEGER" },
  { label: "quantity 10,001", api: { order: item({ quantity: 10_001 }) }, rows: [{ quantity: "10001" }], importCode: "QUANTITY_TOO_LARGE" },
  { label: "unit price 0", api: { order: item({ unitPrice: 0 }) }, rows: [{ unit_price: "0" }], importCode: "UNIT_PRICE_NOT_POSITIVE_YEN" },
  { label: "unit price 10,000,001", api: { order: item({ unitPrice: 10_000_001 }) }, rows: [{ unit_price: "10000001" }], importCode: "UNIT_PRICE_TOO_LARGE" },
  {
    label: "an order total of 120,000,000",
    api: { order: { ...BASE, items: [{ productName: "金", quantity: 10, unitPrice: 6_000_000 }, { productName: "銀", quantity: 10, unitPrice: 6_000_000 }] } },
    rows: [{ order_ref: "T-1", product_name: "金", quantity: "10", unit_price: "6000000" }, { order_ref: "T-1", product_name: "銀", quantity: "10", unit_price: "6000000" }],
    importCode: "ORDER_TOTAL_TOO_LARGE",
  },
  { label: "currency USD", api: { order: { ...BASE, currency: "USD" } }, rows: [{ currency: "USD" }], importCode: "CURRENCY_NOT_JPY" },
  { label: "payment method with a space", api: { order: BASE, payment: { paymentMethod: "credit card" } }, rows: [{ payment_method: "credit card" }], importCode: "INVALID_PAYMENT_METHOD" },
  { label: "a payment of 50 yen", api: { order: item({ quantity: 1, unitPrice: 50 }), payment: { paymentMethod: "konbini" } }, rows: [{ quantity: "1", unit_price: "50", payment_method: "konbini" }], importCode: "PAYMENT_AMOUNT_OUT_OF_RANGE" },
  { label: "a payment of 1,000,001 yen", api: { order: item({ quantity: 1, unitPrice: 1_000_001 }), payment: { paymentMethod: "konbini" } }, rows: [{ quantity: "1", unit_price: "1000001", payment_method: "konbini" }], importCode: "PAYMENT_AMOUNT_OUT_OF_RANGE" },
];

interface ImportError {
  rowNumber: number;
  column: string | null;
  code: string;
  params: Record<string, unknown>;
}

let stack: InProcessStack;
let operator: Record<string, string>;
const csvErrors = new Map<number, ImportError[]>();
let firstRowOf: number[] = [];

/** How many orders the shop has. */
async function orderCount(): Promise<number> {
  return (await mustQuery(stack.gateway.url, "{ orders(first: 1) { totalCount } }", {}, operator)).orders.totalCount;
}

/** A dry-run import of `rows` through the gateway; its errors by row number. */
async function dryRunImport(rows: Row[]): Promise<Map<number, ImportError[]>> {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const csv = [HEADER, ...rows.map((r) => Object.values(r).map(quote).join(","))].join("\r\n") + "\r\n";
  const { createImportUpload: upload } = await mustQuery(stack.gateway.url, "mutation { createImportUpload(filename: \"parity.csv\") { id uploadUrl } }", {}, operator);
  const put = await fetch(new URL(upload.uploadUrl, stack.gateway.url), { method: "PUT", headers: { ...operator, "content-type": "text/csv" }, body: csv });
  expect(put.status).toBe(201);
  const { startImport } = await mustQuery(stack.gateway.url, "mutation($i: StartImportInput!) { startImport(input: $i) { id } }", { i: { uploadId: upload.id, dryRun: true } }, operator);
  const end = Date.now() + 30_000;
  for (;;) {
    const job = (await mustQuery(stack.gateway.url, "query($id: ID!) { import(id: $id) { status dryRun ordersCreated errors(first: 200) { edges { node { rowNumber column code params } } } } }", { id: startImport.id }, operator)).import;
    if (["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"].includes(job.status)) {
      expect(job).toMatchObject({ dryRun: true, ordersCreated: 0 });
      const byRow = new Map<number, ImportError[]>();
      for (const { node } of job.errors.edges) byRow.set(node.rowNumber, [...(byRow.get(node.rowNumber) ?? []), { ...node, params: JSON.parse(node.params ?? "{}") }]);
      return byRow;
    }
    if (Date.now() > end) throw new Error(`import ${startImport.id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startInProcessStack();
  operator = await stack.as("operator");
  const rows: Row[] = [];
  firstRowOf = CASES.map((c) => {
    const first = rows.length + 2; // the header is row 1
    for (const changes of c.rows) rows.push({ ...VALID, ...changes });
    return first;
  });
  for (const [row, errors] of await dryRunImport(rows)) csvErrors.set(row, errors);
}, 60_000);

afterAll(() => stack?.stop());

describe("the same invalid input through the API and through a CSV row", () => {
  it.each(CASES.map((c, i) => [c.label, i] as const))("%s: the same code and field both ways, nothing written", async (_label, i) => {
    const c = CASES[i]!;
    const ordersBefore = await orderCount();
    let answer;
    if (c.api.payment) {
      // The order itself is valid; the payment of it is what the rule refuses.
      const { createOrder } = await mustQuery(stack.gateway.url, "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }", { i: c.api.order }, operator);
      answer = await graphqlRequest(stack.gateway.url, "mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }", { i: { orderId: createOrder.id, ...c.api.payment } }, operator);
      const payment = await mustQuery(stack.gateway.url, "query($id: ID!) { order(id: $id) { payment { id } } }", { id: createOrder.id }, operator);
      expect(payment.order.payment).toBeNull();
    } else {
      answer = await graphqlRequest(stack.gateway.url, "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }", { i: c.api.order }, operator);
      expect(await orderCount()).toBe(ordersBefore);
    }
    expect(answer.data?.createOrder ?? answer.data?.createPayment ?? null).toBeNull();
    const api = answer.errors?.[0]?.extensions as { code: string; field: string; params?: Record<string, unknown> };
    expect(api).toBeDefined();

    const row = firstRowOf[i]!;
    const refused = (csvErrors.get(row) ?? []).find((e) => e.code === c.importCode);
    expect(refused, `row ${row}: ${JSON.stringify(csvErrors.get(row))}`).toBeDefined();
    expect(API_CODE_OF_IMPORT_CODE[refused!.code as keyof typeof API_CODE_OF_IMPORT_CODE]).toBe(api.code);
    expect(refused!.column).toBe(columnOfField(api.field));
    // A line's field names its first line, as the row does; an order's total names the order.
    if (refused!.column !== null && c.api.payment === undefined && api.field.includes(".items.")) expect(api.field).toMatch(/^input\.items\.0\./);
    for (const key of ["min", "max"] as const) {
      if (api.params?.[key] !== undefined && refused!.params[key] !== undefined) expect(refused!.params[key]).toBe(api.params[key]);
    }
  });

  it("the dry run wrote no order", async () => {
    expect(await orderCount()).toBe(CASES.filter((c) => c.api.payment).length);
  });
});
