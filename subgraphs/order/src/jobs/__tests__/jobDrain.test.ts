/**
 * Draining a replica on PostgreSQL (`npm run test:pg`): a runner that stops while its import runs
 * lets the chunk in flight commit, gives the job back (claim cleared, start not counted), and the
 * other replica resumes it at once — within its poll, not after the 30 s lease — writing every
 * order exactly once.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "@ops/service-kit";
import { freshTarget, PG_ADMIN_URL_VARIABLE, tempDir } from "@ops/service-kit/testing";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { insertImport } from "../../db/imports.js";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { HEADER } from "../../import/__tests__/importWorld.js";
import { DEFAULT_OPTIONS } from "../../import/importTypes.js";
import { createJobRunner, JOB_LEASE_MS, JOB_POLL_MS, type JobRunner } from "../jobRunner.js";

const ORDERS = 30_000;
const world = tempDir("ops-job-drain-test-");
let target: DatabaseTarget;
let database: OrderServiceDb;
const runners: JobRunner[] = [];
const opened: OrderServiceDb[] = [];

/** What a runner logged (how its drain went). */
function recordingLogger(lines: string[]): Logger {
  const record = (msg: string) => void lines.push(msg);
  return { debug: record, info: record, warn: record, error: record };
}

/** A job runner of its own (a replica) on the shared database, with the production lease. */
async function replica(logged: string[] = []): Promise<JobRunner> {
  const own = await openOrderDb(target, { poolSize: 2 });
  opened.push(own);
  const runner = await createJobRunner({ target, database: own, logger: recordingLogger(logged), onChunk: () => {} });
  runners.push(runner);
  return runner;
}

const row = (id: number) =>
  database.db.selectFrom("import_history").select(["status", "attempts", "claimed_by", "crash_reason", "orders_created"]).where("id", "=", id).executeTakeFirstOrThrow();
const orderCount = async (batchId: string) =>
  Number((await database.db.selectFrom("orders").select((eb) => eb.fn.countAll<number>().as("n")).where("batch_id", "=", batchId).executeTakeFirstOrThrow()).n);
const distinctKeys = async (batchId: string) =>
  Number((await database.db.selectFrom("orders").select((eb) => eb.fn.count<number>("order_key").distinct().as("n")).where("batch_id", "=", batchId).executeTakeFirstOrThrow()).n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.env[PG_ADMIN_URL_VARIABLE])("draining a job runner (PostgreSQL)", () => {
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

  it("stops the import after its current chunk, releases it, and the other replica resumes it at once", async () => {
    const file = path.join(world.dir, "drain.csv");
    const lines = Array.from({ length: ORDERS }, (_, i) => `D-${i},d${i}@example.jp,顧客 ${i},茶,1,500,JPY,credit_card,`);
    fs.writeFileSync(file, `${[HEADER, ...lines].join("\r\n")}\r\n`);
    const job = await insertImport(database.db, {
      batchId: "drain-1",
      filename: "drain.csv",
      checksum: "drain-1",
      fileSize: fs.statSync(file).size,
      options: JSON.stringify(DEFAULT_OPTIONS),
      uploadPath: file,
      retryOf: null,
      actor: "tester",
    });
    const logged: string[] = [];
    const a = await replica(logged);
    // A runs it: wait for its first committed chunk, then B starts (A holds a fresh claim).
    for (let end = Date.now() + 60_000; (await row(job.id)).orders_created === 0; await sleep(10)) {
      if (Date.now() > end) throw new Error("replica A never committed a chunk");
    }
    const claimedByA = (await row(job.id)).claimed_by;
    expect(claimedByA).not.toBeNull();
    const b = await replica();

    const before = await orderCount("drain-1");
    await a.stop();
    const released = await row(job.id);
    const written = await orderCount("drain-1");
    // The chunk in flight committed whole (chunks of 2,000 orders, its progress with it); the job
    // is still running, unclaimed, and A's start is not counted (no crash).
    expect(written).toBeGreaterThanOrEqual(before);
    expect(written % 2_000).toBe(0);
    expect(written).toBeLessThan(ORDERS);
    expect(released).toMatchObject({ status: "running", attempts: 0, claimed_by: null, crash_reason: null, orders_created: written });
    // The worker stopped itself between chunks; it was not terminated mid-chunk.
    expect(logged).toContain("job paused after its last committed chunk");
    expect(logged).not.toContain("drain timeout: the job is cut short mid-chunk (its transaction rolls back)");
    expect(logged).toContain("job claim released");

    // B takes it within its poll (1 s), far from the lease (30 s).
    const stoppedAt = Date.now();
    let takenAfter = -1;
    for (let end = stoppedAt + 10_000; takenAfter < 0; await sleep(20)) {
      const now = await row(job.id);
      if (now.claimed_by !== null) takenAfter = Date.now() - stoppedAt;
      else if (Date.now() > end) throw new Error("replica B did not take the job over");
    }
    expect(takenAfter).toBeLessThan(JOB_POLL_MS + 1_000);
    expect(takenAfter).toBeLessThan(JOB_LEASE_MS);
    expect((await row(job.id)).claimed_by).not.toBe(claimedByA);

    expect(await b.imports.whenDone(job.id)).toBe("completed");
    expect(await row(job.id)).toMatchObject({ status: "completed", attempts: 1, orders_created: ORDERS });
    expect(await orderCount("drain-1")).toBe(ORDERS);
    expect(await distinctKeys("drain-1")).toBe(ORDERS);
  }, 120_000);
});
