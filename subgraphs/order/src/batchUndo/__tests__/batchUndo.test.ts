/**
 * Undoing a batch as a background job, through the order service's HTTP API: progress per chunk,
 * every order cancelled once with one history row and one event, cancel mid-way, a graceful
 * restart mid-way, and the refusals. (Refunds and notifications across the three services:
 * gateway/src/__tests__/batchUndoFlows.test.ts; kill -9: batchUndoCrash.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "../../import/__tests__/importWorld.js";

let world: ImportWorld;
beforeAll(async () => {
  // 150 ms between chunks: a test sees an undo mid-way and stops it there, even on a busy machine.
  world = await startImportWorld({ undoChunkPauseMs: 150 });
});
afterAll(() => world?.stop());

const UNDO_FIELDS = "id batchId reason status total done progress cancelled untouched attempts message messageCode messageParams startedAt finishedAt";

/** `orders` orders of 1–3 items, every other one paid. */
function ordersFile(orders: number, tag: string): string {
  const lines = [HEADER];
  for (let i = 0; i < orders; i++) {
    for (let item = 0; item < 1 + (i % 3); item++) lines.push(`${tag}-${i},c${i}@example.jp,顧客 ${i},商品 ${item},${1 + item},${300 + item},JPY,${i % 2 ? "credit_card" : ""},`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function importBatch(orders: number, tag: string): Promise<string> {
  const done = await world.importFile(ordersFile(orders, tag), { force: true }, `${tag}.csv`);
  expect(done).toMatchObject({ status: "COMPLETED", ordersCreated: orders });
  return done.batchId;
}

const startUndo = (batchId: string, reason: string) => graphqlRequest<any>(world.service.url, `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { ${UNDO_FIELDS} } }`, { i: { batchId, reason } });
const readUndo = async (id: string) => (await mustQuery(world.service.url, `query($id: ID!) { batchUndo(id: $id) { ${UNDO_FIELDS} } }`, { id })).batchUndo;
const sqlCount = async (query: string, ...params: unknown[]) => (await world.sql<{ n: number }>(query, ...params))[0]!.n;
/** Orders of the batch with more than one move to cancelled in their history (must stay empty). */
const cancelledTwice = async (batchId: string) =>
  (await world.sql(
    "SELECT order_id, COUNT(*) AS n FROM order_status_changes WHERE to_status = 'cancelled' AND order_id IN (SELECT id FROM orders WHERE batch_id = ?) GROUP BY order_id HAVING COUNT(*) > 1",
    batchId,
  ));
/** The orders of every `order.cancelled` event with `reason`, one entry per event (first destination's row). */
const cancelEvents = async (reason: string) =>
  (await world
    .sql<{ payload: string }>("SELECT payload FROM outbox WHERE type = 'order.cancelled' AND id IN (SELECT MIN(id) FROM outbox GROUP BY event_id) ORDER BY id"))
    .map((r) => JSON.parse(r.payload).data.orders as { id: number; cancelReason: string; status: string }[])
    .filter((orders) => orders.every((o) => o.cancelReason === reason));

async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`still waiting after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("undoing a batch as a job", () => {
  it("answers at once, moves its progress per chunk, cancels every order once with one history row and one event", async () => {
    const batchId = await importBatch(5_000, "UNDO");
    const [shipped] = (await world.sql<{ id: number }>("SELECT id FROM orders WHERE batch_id = ? ORDER BY id LIMIT 1", batchId));
    await mustQuery(world.service.url, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: CONFIRMED, reason: "入金確認" }) { status } }`, { id: String(shipped!.id) });
    await mustQuery(world.service.url, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { status } }`, { id: String(shipped!.id) });

    const started = await startUndo(batchId, "  誤った取り込み  ");
    expect(started.errors).toBeUndefined();
    const job = started.data.undoImportBatch;
    expect(job).toMatchObject({ batchId, reason: "誤った取り込み", total: 5_000, done: 0, cancelled: 0, untouched: 0, finishedAt: null });
    expect(["PENDING", "RUNNING"]).toContain(job.status);

    // Progress as the API shows it while the job runs: chunk by chunk, never backwards.
    const seen: { status: string; done: number }[] = [];
    const final = await waitFor(
      () => readUndo(job.id),
      (u) => {
        seen.push({ status: u.status, done: u.done });
        return u.status === "COMPLETED";
      },
    );
    const dones = seen.map((s) => s.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones.every((d) => [0, 2_000, 4_000, 5_000].includes(d))).toBe(true);
    expect(seen.some((s) => s.status === "RUNNING" && s.done > 0 && s.done < 5_000)).toBe(true);
    expect(final).toMatchObject({ status: "COMPLETED", total: 5_000, done: 5_000, cancelled: 4_999, untouched: 1, progress: 1, attempts: 1, message: null, messageCode: null });
    expect(final.finishedAt).not.toBeNull();

    expect(await world.sql("SELECT status, COUNT(*) AS n FROM orders WHERE batch_id = ? GROUP BY status ORDER BY CAST(status AS TEXT)", batchId)).toEqual([
      { status: "cancelled", n: 4_999 },
      { status: "shipped", n: 1 },
    ]);
    expect(await sqlCount("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'cancelled' AND cancel_reason = '誤った取り込み'", batchId)).toBe(4_999);
    expect(await cancelledTwice(batchId)).toEqual([]);
    expect(await sqlCount("SELECT COUNT(*) AS n FROM order_status_changes WHERE to_status = 'cancelled' AND reason = '誤った取り込み'")).toBe(4_999);
    // Through the status gate: every history row names who started the undo; the shipped order was refused, with no row.
    expect(await world.sql("SELECT actor, COUNT(*) AS n FROM order_status_changes WHERE reason = '誤った取り込み' GROUP BY actor")).toEqual([{ actor: "test-admin", n: 4_999 }]);
    expect(await sqlCount("SELECT COUNT(*) AS n FROM order_status_changes WHERE order_id = ? AND to_status = 'cancelled'", shipped!.id)).toBe(0);
    expect(await world.sql("SELECT status FROM orders WHERE id = ?", shipped!.id)).toEqual([{ status: "shipped" }]);
    // One event per chunk, to both services, naming each cancelled order once with its items.
    const events = (await cancelEvents("誤った取り込み"));
    // The shipped order is the batch's first: the first chunk cancels 1,999.
    expect(events.map((e) => e.length)).toEqual([1_999, 2_000, 1_000]);
    const ids = events.flat().map((o) => o.id);
    expect(new Set(ids).size).toBe(4_999);
    expect(events.flat().every((o) => o.status === "CANCELLED")).toBe(true);
    expect(await sqlCount("SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.cancelled' AND destination = 'payment'")).toBe((await sqlCount("SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.cancelled' AND destination = 'notification'")));

    const { importBatch: batch } = await mustQuery(world.service.url, `query($b: ID!) { importBatch(batchId: $b) { undo { id status cancelled } } }`, { b: batchId });
    expect(batch.undo).toEqual({ id: job.id, status: "COMPLETED", cancelled: 4_999 });

    // Nothing left to cancel: refused, and nothing changes.
    const again = await startUndo(batchId, "もう一度");
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.batchId", params: { batchId, total: 5_000 } });
    expect(await sqlCount("SELECT COUNT(*) AS n FROM batch_undos WHERE batch_id = ?", batchId)).toBe(1);
    expect(await sqlCount("SELECT COUNT(*) AS n FROM order_status_changes WHERE reason = 'もう一度'")).toBe(0);
  }, 90_000);

  it("refuses an unknown batch, a missing or too long reason, and a second undo while one runs", async () => {
    const unknown = await startUndo("no-such-batch", "x");
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.batchId", params: { batchId: "no-such-batch" } });

    const batchId = await importBatch(6_000, "TWICE");
    const empty = await startUndo(batchId, "   ");
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    const long = await startUndo(batchId, "理".repeat(501));
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason", params: { max: 500, length: 501 } });
    expect(await sqlCount("SELECT COUNT(*) AS n FROM batch_undos WHERE batch_id = ?", batchId)).toBe(0);

    const first = (await startUndo(batchId, "一度だけ")).data.undoImportBatch;
    const second = await startUndo(batchId, "二度目");
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.batchId", params: { undoId: first.id } });
    await world.service.undos.whenDone(Number(first.id));
    expect(await readUndo(first.id)).toMatchObject({ status: "COMPLETED", cancelled: 6_000 });
    expect(await sqlCount("SELECT COUNT(*) AS n FROM order_status_changes WHERE reason = '二度目'")).toBe(0);
    const none = await graphqlRequest<any>(world.service.url, `{ batchUndo(id: "999999") { id } }`);
    expect(none.data.batchUndo).toBeNull();
  }, 90_000);

  it("cancels mid-way after the current chunk; a new undo cancels the rest, never an order twice", async () => {
    const batchId = await importBatch(10_000, "HALF");
    const job = (await startUndo(batchId, "途中で止める")).data.undoImportBatch;
    await waitFor(async () => (await world.sql<{ done: number }>("SELECT done FROM batch_undos WHERE id = ?", Number(job.id)))[0]!.done, (done) => done >= 2_000);
    const { cancelBatchUndo } = await mustQuery(world.service.url, `mutation($id: ID!) { cancelBatchUndo(id: $id) { status } }`, { id: job.id });
    // It stops after the chunk it is writing: still stopping, or already stopped, when the answer is read.
    expect(["CANCELLING", "CANCELLED"]).toContain(cancelBatchUndo.status);
    await world.service.undos.whenDone(Number(job.id));
    const stopped = await readUndo(job.id);
    expect(stopped).toMatchObject({ status: "CANCELLED", messageCode: "CANCELLED_BY_OPERATOR", total: 10_000 });
    expect(stopped.done).toBeLessThan(10_000);
    expect(stopped.done % 2_000).toBe(0);
    expect(JSON.parse(stopped.messageParams)).toEqual({ done: stopped.done, total: 10_000 });
    expect(await sqlCount("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'cancelled'", batchId)).toBe(stopped.cancelled);
    expect(stopped.cancelled).toBe(stopped.done);

    const again = await graphqlRequest(world.service.url, `mutation($id: ID!) { cancelBatchUndo(id: $id) { status } }`, { id: job.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "CANCELLED" } });

    const rest = (await startUndo(batchId, "残りを取り消す")).data.undoImportBatch;
    await world.service.undos.whenDone(Number(rest.id));
    expect(await readUndo(rest.id)).toMatchObject({ status: "COMPLETED", done: 10_000, cancelled: 10_000 - stopped.cancelled, untouched: stopped.cancelled });
    expect(await sqlCount("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'cancelled'", batchId)).toBe(10_000);
    expect(await cancelledTwice(batchId)).toEqual([]);
    expect(new Set((await cancelEvents("途中で止める")).flat().concat((await cancelEvents("残りを取り消す")).flat()).map((o) => o.id)).size).toBe(10_000);
  }, 90_000);

  it("cancels a queued undo before it starts", async () => {
    const batchId = await importBatch(2_000, "QUEUED");
    // A large import holds the worker: the undo waits behind it in the shared queue.
    const uploadId = await world.upload(ordersFile(12_000, "HOLD"), "hold.csv");
    const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId, force: true } });
    const job = (await startUndo(batchId, "待機中に取り消し")).data.undoImportBatch;
    expect(job.status).toBe("PENDING");
    const { cancelBatchUndo } = await mustQuery(world.service.url, `mutation($id: ID!) { cancelBatchUndo(id: $id) { status messageCode } }`, { id: job.id });
    expect(cancelBatchUndo).toEqual({ status: "CANCELLED", messageCode: "CANCELLED_BEFORE_START" });
    await world.service.imports.whenDone(Number(startImport.id));
    expect(await sqlCount("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ? AND status = 'pending'", batchId)).toBe(2_000);
  }, 90_000);

  it("resumes from its last chunk after the service is stopped mid-way; a graceful stop is not counted as a crash", async () => {
    const batchId = await importBatch(10_000, "RESUME");
    const job = (await startUndo(batchId, "再開テスト")).data.undoImportBatch;
    await waitFor(async () => (await world.sql<{ done: number }>("SELECT done FROM batch_undos WHERE id = ?", Number(job.id)))[0]!.done, (done) => done >= 2_000);
    await world.service.stop();
    const [partial] = (await world.sql<{ done: number; status: string; attempts: number }>("SELECT done, status, attempts FROM batch_undos WHERE id = ?", Number(job.id)));
    expect(partial).toMatchObject({ status: "running", attempts: 0 });
    expect(partial!.done).toBeLessThan(10_000);
    await world.start();
    await world.service.undos.whenDone(Number(job.id));
    expect(await readUndo(job.id)).toMatchObject({ status: "COMPLETED", done: 10_000, cancelled: 10_000, untouched: 0, attempts: 1 });
    expect(await cancelledTwice(batchId)).toEqual([]);
    expect((await cancelEvents("再開テスト")).flat()).toHaveLength(10_000);
  }, 90_000);
});
