/**
 * A job whose worker crashes every time it starts (an import of a file that crashes the worker, an
 * undo likewise — injected with the worker's OPS_TEST_CRASH_JOB hook) ends FAILED after three
 * starts, with why, and the service keeps serving and running other jobs. (A job whose whole
 * service dies under it: gateway/src/__tests__/batchUndoCrash.test.ts, with kill -9.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { HEADER, startImportWorld, type ImportWorld } from "../../import/__tests__/importWorld.js";
import { MAX_ATTEMPTS } from "../jobTypes.js";

const CRASH = "crash.csv";
let world: ImportWorld;
beforeAll(async () => {
  // Read by every job worker the service starts (each crash starts a new one).
  process.env.OPS_TEST_CRASH_JOB = CRASH;
  world = await startImportWorld();
});
afterAll(async () => {
  delete process.env.OPS_TEST_CRASH_JOB;
  await world?.stop();
});

const file = (tag: string, orders: number) =>
  `${[HEADER, ...Array.from({ length: orders }, (_, i) => `${tag}-${i},c${i}@example.jp,顧客 ${i},緑茶,1,500,JPY,credit_card,`)].join("\r\n")}\r\n`;

describe("jobs that crash their worker", () => {
  it("gives up an import after three crashed starts: FAILED with IMPORT_CRASHED, the service and the queue go on", async () => {
    const uploadId = await world.upload(file("X", 50), CRASH);
    const { startImport } = await mustQuery(world.service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId } });
    expect(await world.service.imports.whenDone(Number(startImport.id))).toBe("failed");

    const { import: failed } = await mustQuery(world.service.url, `query($id: ID!) { import(id: $id) { status attempts message messageCode messageParams finishedAt } }`, { id: startImport.id });
    expect(failed).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS, messageCode: "IMPORT_CRASHED" });
    expect(failed.finishedAt).not.toBeNull();
    const params = JSON.parse(failed.messageParams);
    expect(params).toMatchObject({ attempts: 3, cause: "WORKER_CRASHED" });
    expect(params.detail).toMatch(/exited with code 70/);
    expect(failed.message).toMatch(/^Import stopped after 3 attempts that each crashed \(last: the job worker exited with code 70\)/);
    expect(await world.sql("SELECT COUNT(*) AS n FROM orders WHERE batch_id = ?", startImport.batchId)).toEqual([{ n: 0 }]);

    // The next job runs on a fresh worker, and the failed one is not resumed by a restart.
    const fine = await world.importFile(file("OK", 30), {}, "fine.csv");
    expect(fine).toMatchObject({ status: "COMPLETED", ordersCreated: 30 });
    await world.service.stop();
    await world.start();
    expect(await world.sql("SELECT status, attempts FROM import_history WHERE id = ?", Number(startImport.id))).toEqual([{ status: "failed", attempts: 3 }]);
  }, 60_000);

  it("gives up an undo likewise: FAILED with UNDO_CRASHED, no order cancelled", async () => {
    const done = await world.importFile(file("U", 40), {}, "to-undo.csv");
    const { undoImportBatch } = await mustQuery(world.service.url, `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id } }`, { i: { batchId: done.batchId, reason: CRASH } });
    expect(await world.service.undos.whenDone(Number(undoImportBatch.id))).toBe("failed");
    const { batchUndo } = await mustQuery(world.service.url, `query($id: ID!) { batchUndo(id: $id) { status attempts done cancelled messageCode messageParams } }`, { id: undoImportBatch.id });
    expect(batchUndo).toMatchObject({ status: "FAILED", attempts: 3, done: 0, cancelled: 0, messageCode: "UNDO_CRASHED" });
    expect(JSON.parse(batchUndo.messageParams)).toMatchObject({ attempts: 3, cause: "WORKER_CRASHED" });
    expect(await world.sql("SELECT status, COUNT(*) AS n FROM orders WHERE batch_id = ? GROUP BY status", done.batchId)).toEqual([{ status: "pending", n: 40 }]);

    // Another undo of the batch is allowed after a failed one, and works.
    const { undoImportBatch: again } = await mustQuery(world.service.url, `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id } }`, { i: { batchId: done.batchId, reason: "やり直し" } });
    expect(await world.service.undos.whenDone(Number(again.id))).toBe("completed");
    expect(await world.sql("SELECT status, COUNT(*) AS n FROM orders WHERE batch_id = ? GROUP BY status", done.batchId)).toEqual([{ status: "cancelled", n: 40 }]);
  }, 60_000);
});
