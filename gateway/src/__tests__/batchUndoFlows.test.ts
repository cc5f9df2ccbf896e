/**
 * Undoing an imported batch through the gateway, with the three services behind it: the job
 * answers at once and moves chunk by chunk; every PENDING and CONFIRMED order is cancelled once,
 * each paid payment refunded exactly once, each pending payment failed, each customer told once
 * (ORDER_CANCELLED), shipped orders left alone — and the figures agree across the services.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery, rowsOf } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { send } from "./testGateway.js";

let stack: InProcessStack;
let admin: Record<string, string>;

beforeAll(async () => {
  stack = await startInProcessStack();
  admin = await stack.as("admin");
}, 60_000);
afterAll(() => stack?.stop());

const ORDERS = 3_000;
const REASON = "単価の誤りによる取り込みの取り消し";

/** A third of the orders paid, a third with a pending payment, a third without one; 1–2 items each. */
function batchFile(): string {
  const lines = ["order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status"];
  for (let i = 0; i < ORDERS; i++) {
    const payment = i % 3 === 0 ? "credit_card,completed" : i % 3 === 1 ? "konbini,pending" : ",";
    for (let item = 0; item <= i % 2; item++) lines.push(`U-${i},c${i}@example.jp,顧客 ${i},煎茶 ${item},${1 + item},${400 + i},JPY,${payment}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Rows of `query` (`?` placeholders) on a service's database, read through the data kit. */
async function sql<T = any>(service: "order" | "payment" | "notification", query: string, ...params: unknown[]): Promise<T[]> {
  return rowsOf<T>(await stack.rows(service), query, ...params);
}

const gql = (query: string, variables: Record<string, unknown> = {}) => mustQuery(stack.gateway.url, query, variables, admin);

async function importThroughGateway(): Promise<string> {
  const { createImportUpload } = await gql(`mutation { createImportUpload(filename: "undo-flows.csv") { id uploadUrl } }`);
  const put = await send(`${new URL(stack.gateway.url).origin}${createImportUpload.uploadUrl}`, { method: "PUT", headers: { ...admin, "content-type": "text/csv" }, body: batchFile() });
  expect(put.status).toBe(201);
  const { startImport } = await gql(`mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId: createImportUpload.id } });
  for (;;) {
    const { import: job } = await gql(`query($id: ID!) { import(id: $id) { status ordersCreated } }`, { id: startImport.id });
    if (job.status === "COMPLETED") {
      expect(job.ordersCreated).toBe(ORDERS);
      return startImport.batchId;
    }
    expect(["PENDING", "RUNNING"]).toContain(job.status);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("undoing a batch across the three services", () => {
  it("cancels, refunds and notifies each order exactly once, chunk by chunk, through the normal flows", async () => {
    const batchId = await importThroughGateway();
    await stack.settled(60_000);
    // Paid orders were confirmed by their payments; ship a few of them, which the undo must leave alone.
    const confirmed = await sql<{ id: number }>("order", "SELECT id FROM orders WHERE batch_id = ? AND status = 'confirmed' ORDER BY id", batchId);
    expect(confirmed).toHaveLength(ORDERS / 3);
    const shipped = confirmed.slice(0, 5).map((o) => o.id);
    for (const id of shipped) await gql(`mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { status } }`, { id: String(id) });

    const { undoImportBatch: job } = await gql(`mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id status total done } }`, { i: { batchId, reason: REASON } });
    expect(job).toMatchObject({ total: ORDERS, done: 0 });
    expect(["PENDING", "RUNNING"]).toContain(job.status);
    const seen: number[] = [];
    let undo: any;
    for (;;) {
      undo = (await gql(`query($b: ID!) { importBatch(batchId: $b) { undo { id status total done progress cancelled untouched attempts } } }`, { b: batchId })).importBatch.undo;
      seen.push(undo.done);
      if (!["PENDING", "RUNNING"].includes(undo.status)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(undo).toEqual({ id: job.id, status: "COMPLETED", total: ORDERS, done: ORDERS, progress: 1, cancelled: ORDERS - 5, untouched: 5, attempts: 1 });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.every((d) => [0, 2_000, ORDERS].includes(d))).toBe(true);
    await stack.settled(60_000);

    // Orders: each cancelled once, with one history row; the shipped ones untouched.
    // Sorted here: PostgreSQL orders an enum by its declaration, not by name.
    const statuses = await sql<{ status: string; n: number }>("order", "SELECT status, COUNT(*) AS n FROM orders WHERE batch_id = ? GROUP BY status", batchId);
    expect(statuses.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { status: "cancelled", n: ORDERS - 5 },
      { status: "shipped", n: 5 },
    ]);
    expect(await sql("order", "SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS orders FROM order_status_changes WHERE to_status = 'cancelled' AND reason = ?", REASON)).toEqual([
      { n: ORDERS - 5, orders: ORDERS - 5 },
    ]);

    // Payments: every paid one of a cancelled order refunded exactly once, in full, with the reason;
    // every pending one failed; the shipped orders' payments still completed, without a refund.
    const payments = await sql<{ order_id: number; status: string; amount: number; refunds: number; refunded: number | null; reason: string | null }>(
      "payment",
      `SELECT p.order_id, p.status, p.amount, COUNT(r.id) AS refunds, SUM(r.amount) AS refunded, MAX(r.reason) AS reason
       FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id WHERE p.batch_id = ? GROUP BY p.id`,
      batchId,
    );
    expect(payments).toHaveLength((2 * ORDERS) / 3);
    const paid = payments.filter((p) => p.status === "refunded");
    expect(paid).toHaveLength(ORDERS / 3 - 5);
    expect(paid.every((p) => p.refunds === 1 && p.refunded === p.amount && p.reason === REASON)).toBe(true);
    expect(payments.filter((p) => p.status === "failed")).toHaveLength(ORDERS / 3);
    expect(payments.filter((p) => p.status === "completed").map((p) => p.order_id).sort((a, b) => a - b)).toEqual(shipped);
    expect(payments.filter((p) => p.status === "completed").every((p) => p.refunds === 0)).toBe(true);

    // Notifications: one ORDER_CANCELLED per cancelled order, sent; none for the shipped ones. The
    // events are applied (settled) before the transport has handed the last messages over: wait for it.
    const sentCount = async () => (await sql<{ n: number }>("notification", "SELECT COUNT(*) AS n FROM notifications WHERE template_name = 'ORDER_CANCELLED' AND status = 'sent'"))[0]!.n;
    for (const end = Date.now() + 30_000; (await sentCount()) < ORDERS - 5 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    const notices = await sql<{ order_id: number; n: number; sent: number }>(
      "notification",
      "SELECT order_id, COUNT(*) AS n, SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent FROM notifications WHERE template_name = 'ORDER_CANCELLED' GROUP BY order_id",
    );
    expect(notices).toHaveLength(ORDERS - 5);
    expect(notices.every((n) => n.n === 1 && n.sent === 1)).toBe(true);
    expect(notices.some((n) => shipped.includes(n.order_id))).toBe(false);

    // The batch page's figures from the three services agree.
    const { importBatch } = await gql(`query($b: ID!) { importBatch(batchId: $b) { paymentBatch { completedCount pendingCount refundedCount failedCount } } }`, { b: batchId });
    expect(importBatch.paymentBatch).toEqual({ completedCount: 5, pendingCount: 0, refundedCount: ORDERS / 3 - 5, failedCount: ORDERS / 3 });
  }, 180_000);
});
