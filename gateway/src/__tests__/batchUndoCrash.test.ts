/**
 * A batch undo survives `kill -9` of the order service, with the stack as real processes: killed
 * mid-way, it resumes from its last committed chunk when the service starts again and finishes,
 * with no order cancelled, refunded or notified twice. An undo whose service dies under it at
 * every start is given up after three (FAILED, UNDO_CRASHED), and the service stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, signUserToken } from "@ops/service-kit";
import { databaseTarget, openDatabase, type ServiceDb } from "@ops/service-kit/data";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { mustQuery, rowsOf, setDefaultHeaders, tempDir } from "@ops/service-kit/testing";
import { send } from "./testGateway.js";

const world = tempDir("ops-undo-crash-");
let stack: Stack;
let auth: Record<string, string>;
/** The test's own connections to the services' databases (SQLite files, or PostgreSQL under test:pg). */
const dbs: Record<"order" | "payment" | "notification", ServiceDb<any>> = {} as never;

beforeAll(async () => {
  const env = isolatedStackEnv(world.dir, { NODE_ENV: "development", OUTBOX_POLL_MS: "100", OUTBOX_BASE_DELAY_MS: "50", OUTBOX_MAX_DELAY_MS: "500",
    // On PostgreSQL the restarted service takes the killed one's job over once its lease runs out.
    JOB_LEASE_MS: "1500",
  });
  stack = await launchStack({ env, silent: true });
  const { token } = await signUserToken(loadSecrets(world.dir, env).jwtPrivateKey, { name: "undo-crash-test", role: "admin", kind: "user" }, 900);
  auth = { authorization: `Bearer ${token}` };
  setDefaultHeaders(stack.gatewayUrl, auth);
  for (const name of ["order", "payment", "notification"] as const) dbs[name] = await openDatabase<any>(databaseTarget(name, stack.env), { poolSize: 2 });
}, 90_000);

afterAll(async () => {
  for (const db of Object.values(dbs)) await db?.close();
  await stack?.stop();
  world.cleanup();
});

const one = async <T = any>(service: keyof typeof dbs, query: string, ...params: unknown[]): Promise<T> => (await rowsOf<T>(dbs[service], query, ...params))[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Imports `orders` orders (every other one paid) through the gateway; returns the batch id. */
async function importBatch(tag: string, orders: number): Promise<string> {
  const lines = ["order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status"];
  for (let i = 0; i < orders; i++) lines.push(`${tag}-${i},c${i}@example.jp,顧客 ${i},ほうじ茶,1,${500 + (i % 7)},JPY,${i % 2 ? "credit_card,completed" : ","}`);
  const { createImportUpload } = await mustQuery(stack.gatewayUrl, `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`, { f: `${tag}.csv` });
  const put = await send(`${new URL(stack.gatewayUrl).origin}${createImportUpload.uploadUrl}`, { method: "PUT", headers: { ...auth, "content-type": "text/csv" }, body: `${lines.join("\r\n")}\r\n` });
  expect(put.status).toBe(201);
  const { startImport } = await mustQuery(stack.gatewayUrl, `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId: createImportUpload.id } });
  for (;;) {
    const { import: job } = await mustQuery(stack.gatewayUrl, `query($id: ID!) { import(id: $id) { status } }`, { id: startImport.id });
    if (job.status === "COMPLETED") return startImport.batchId;
    expect(["PENDING", "RUNNING"]).toContain(job.status);
    await sleep(100);
  }
}

/** Waits until no service has an event waiting for delivery. */
async function settled(timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let waiting = 0;
    for (const name of ["order", "payment", "notification"] as const) waiting += (await one<{ n: number }>(name, "SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")).n;
    if (waiting === 0) return;
    if (Date.now() > end) throw new Error(`${waiting} events still waiting`);
    await sleep(100);
  }
}

/** Polls the order database (not the service, which may be down) until `done` holds. */
async function waitForUndo(id: number, done: (row: { status: string; done: number; total: number; attempts: number }) => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const row = await one("order", "SELECT status, done, total, attempts FROM batch_undos WHERE id = ?", id);
    if (done(row)) return row;
    if (Date.now() > end) throw new Error(`undo ${id}: still ${JSON.stringify(row)}`);
    await sleep(1);
  }
}

async function killOrder(): Promise<void> {
  await stack.processes.order.kill(); // SIGKILL: no graceful stop, whatever was in memory is gone
}

describe("a batch undo and kill -9 of the order service", () => {
  it("resumes from its last committed chunk after a restart and finishes, cancelling, refunding and notifying each order once", async () => {
    const ORDERS = 16_000;
    const batchId = await importBatch("KILL", ORDERS);
    await settled();
    const { undoImportBatch } = await mustQuery(stack.gatewayUrl, `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id } }`, { i: { batchId, reason: "障害試験" } });
    const id = Number(undoImportBatch.id);

    await waitForUndo(id, (u) => u.done >= 2_000);
    await killOrder();
    const atKill = await one("order", "SELECT status, done, cancelled, attempts FROM batch_undos WHERE id = ?", id);
    expect(atKill).toMatchObject({ status: "running", attempts: 1 });
    expect(atKill.done).toBeLessThan(ORDERS);
    // Each chunk commits its cancellations with its progress: nothing more, nothing less.
    expect((await one("order", "SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'cancelled'", batchId)).n).toBe(atKill.cancelled);

    await stack.restart("order");
    const finished = await waitForUndo(id, (u) => u.status !== "running" && u.status !== "pending");
    expect(finished).toMatchObject({ status: "completed", done: ORDERS, total: ORDERS, attempts: 2 });
    const { batchUndo } = await mustQuery(stack.gatewayUrl, `query($id: ID!) { batchUndo(id: $id) { status cancelled untouched progress } }`, { id: String(id) });
    expect(batchUndo).toEqual({ status: "COMPLETED", cancelled: ORDERS, untouched: 0, progress: 1 });
    await settled();

    expect((await one("order", "SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'cancelled'", batchId)).n).toBe(ORDERS);
    expect(await one("order", "SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS orders FROM order_status_changes WHERE reason = '障害試験'")).toEqual({ n: ORDERS, orders: ORDERS });
    expect((await one("payment", "SELECT COUNT(*) AS n FROM payments WHERE batch_id = ? AND status = 'refunded'", batchId)).n).toBe(ORDERS / 2);
    expect(await one("payment", "SELECT COUNT(*) AS n, COUNT(DISTINCT r.payment_id) AS payments FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.batch_id = ?", batchId)).toEqual({
      n: ORDERS / 2,
      payments: ORDERS / 2,
    });
    expect(await one("notification", "SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS orders FROM notifications WHERE template_name = 'ORDER_CANCELLED'")).toEqual({ n: ORDERS, orders: ORDERS });
  }, 240_000);

  it("gives up an undo whose service dies under it at every start: FAILED after three, and the service stays up", async () => {
    const batchId = await importBatch("LOOP", 6_000);
    await settled();
    const { undoImportBatch } = await mustQuery(stack.gatewayUrl, `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id } }`, { i: { batchId, reason: "繰り返し障害" } });
    const id = Number(undoImportBatch.id);
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Killed as soon as this start is counted: a batch that takes the service down every time.
      await waitForUndo(id, (u) => u.attempts === attempt);
      await killOrder();
      await stack.restart("order");
    }
    const failed = await waitForUndo(id, (u) => u.status === "failed");
    expect(failed.attempts).toBe(3);
    const { batchUndo } = await mustQuery(stack.gatewayUrl, `query($id: ID!) { batchUndo(id: $id) { status messageCode messageParams message } }`, { id: String(id) });
    expect(batchUndo).toMatchObject({ status: "FAILED", messageCode: "UNDO_CRASHED" });
    expect(JSON.parse(batchUndo.messageParams)).toMatchObject({ attempts: 3, cause: "SERVICE_STOPPED" });
    // Up and serving: another read through the gateway, and the undo is not resumed again.
    const { orders } = await mustQuery(stack.gatewayUrl, `query($b: ID!) { orders(first: 1, filter: { batchId: $b }) { totalCount } }`, { b: batchId });
    expect(orders.totalCount).toBe(6_000);
    await sleep(500);
    expect(await one("order", "SELECT status, attempts FROM batch_undos WHERE id = ?", id)).toEqual({ status: "failed", attempts: 3 });
  }, 240_000);
});
