/**
 * Job claims on PostgreSQL (`npm run test:pg`), where replicas share the job tables: two job
 * runners on one database never both run a job, and a job whose runner died (its heartbeat older
 * than the lease) is taken over. (SQLite has one service per file: no claims, see jobCrashes.)
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@ops/service-kit";
import { freshTarget, PG_ADMIN_URL_VARIABLE, tempDir } from "@ops/service-kit/testing";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { insertImport } from "../../db/imports.js";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { HEADER } from "../../import/__tests__/importWorld.js";
import { DEFAULT_OPTIONS } from "../../import/importTypes.js";
import { createJobRunner, type JobRunner } from "../jobRunner.js";

const LEASE_MS = 1_000;
const world = tempDir("ops-job-claims-test-");
let target: DatabaseTarget;
let database: OrderServiceDb;
const runners: JobRunner[] = [];
const opened: OrderServiceDb[] = [];

/** A job runner of its own (a replica) on the shared database. */
async function replica(): Promise<JobRunner> {
  const own = await openOrderDb(target, { poolSize: 2 });
  opened.push(own);
  const runner = await createJobRunner({ target, database: own, logger: createLogger("order", "silent"), onChunk: () => {}, leaseMs: LEASE_MS });
  runners.push(runner);
  return runner;
}

let files = 0;
async function pendingImport(orders: number): Promise<{ id: number; batchId: string }> {
  const file = path.join(world.dir, `claims-${++files}.csv`);
  const lines = Array.from({ length: orders }, (_, i) => `C${files}-${i},c${i}@example.jp,顧客 ${i},茶,1,500,JPY,credit_card,`);
  fs.writeFileSync(file, `${[HEADER, ...lines].join("\r\n")}\r\n`);
  const batchId = `claims-${files}`;
  const job = await insertImport(database.db, {
    batchId,
    filename: path.basename(file),
    checksum: batchId,
    fileSize: fs.statSync(file).size,
    options: JSON.stringify(DEFAULT_OPTIONS),
    uploadPath: file,
    retryOf: null,
    actor: "tester",
  });
  return { id: job.id, batchId };
}

const row = (id: number) =>
  database.db.selectFrom("import_history").select(["status", "attempts", "claimed_by", "orders_created"]).where("id", "=", id).executeTakeFirstOrThrow();
const orderCount = async (batchId: string) =>
  Number((await database.db.selectFrom("orders").select((eb) => eb.fn.countAll<number>().as("n")).where("batch_id", "=", batchId).executeTakeFirstOrThrow()).n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.env[PG_ADMIN_URL_VARIABLE])("job claims between replicas (PostgreSQL)", () => {
  beforeAll(async () => {
    target = await freshTarget("order", world.dir);
    database = await openOrderDb(target);
  });
  afterAll(async () => {
    for (const r of runners) await r.stop();
    for (const d of opened) await d.close();
    await database?.close();
    world.cleanup();
  });

  it("runs each queued job on exactly one of two runners that both found it", async () => {
    const jobs = [await pendingImport(3_000), await pendingImport(3_000), await pendingImport(3_000)];
    // Both replicas start with the same three active jobs in their queues.
    const [a, b] = await Promise.all([replica(), replica()]);
    for (const job of jobs) {
      expect(await Promise.all([a.imports.whenDone(job.id), b.imports.whenDone(job.id)])).toEqual(["completed", "completed"]);
      // One start counted (the other runner's claim was refused before counting), every order once.
      expect(await row(job.id)).toMatchObject({ status: "completed", attempts: 1, orders_created: 3_000 });
      expect(await orderCount(job.batchId)).toBe(3_000);
    }
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it("leaves a job to the replica whose lease is fresh, and takes it over once that replica stops renewing it", async () => {
    const job = await pendingImport(500);
    // Another replica claimed it and is alive (fresh heartbeat).
    await database.db.updateTable("import_history").set({ claimed_by: "replica-elsewhere", heartbeat_at: new Date().toISOString() }).where("id", "=", job.id).execute();
    const runner = await replica();
    await sleep(LEASE_MS / 2);
    expect(await row(job.id)).toMatchObject({ status: "pending", attempts: 0, claimed_by: "replica-elsewhere" });
    expect(await orderCount(job.batchId)).toBe(0);
    // That replica dies: no heartbeat past the lease. This runner's poll takes the job over.
    expect(await runner.imports.whenDone(job.id)).toBe("completed");
    const after = await row(job.id);
    expect(after).toMatchObject({ status: "completed", attempts: 1, orders_created: 500 });
    expect(after.claimed_by).not.toBe("replica-elsewhere");
    expect(await orderCount(job.batchId)).toBe(500);
    await runner.stop();
  }, 60_000);
});
