/**
 * Worker thread: runs the service's jobs (imports, batch undos) off its event loop, on its own
 * connection, so progress queries, /ready and webhooks keep answering while a large file is
 * imported or a large batch undone. It starts with the service (loading the job code once) and
 * takes one job at a time from the service thread, counting each start first (jobAttempts.ts).
 *
 * Test-only hook: with OPS_TEST_CRASH_JOB=<name> in the service's environment, this thread exits
 * (code 70) right after counting the start of an import of a file named <name>, or of an undo
 * whose reason is <name> — as a file or batch that crashes the worker would. Never set it
 * outside tests.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { runBatchUndo, type UndoOptions } from "../batchUndo/runBatchUndo.js";
import { findUndo } from "../db/batchUndos.js";
import { findImport } from "../db/imports.js";
import { openOrderDb } from "../db/index.js";
import { runImport } from "../import/runImport.js";
import { beginAttempt, CLAIMED_ELSEWHERE, type JobClaim } from "./jobAttempts.js";
import { JobPaused, type JobRef, type WorkerMessage, type WorkerRequest } from "./jobTypes.js";

const { target, undo, claim } = workerData as { target: DatabaseTarget; undo: UndoOptions; claim: JobClaim };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
// Its own pool of ONE connection: the job's statements run one after another anyway, and the
// import's staging tables are temporary tables of that session. (SQLite keeps temporary tables
// in a file by default, not in memory: a 1M-row file stages ~100 MB.)
const database = await openOrderDb(target, { poolSize: 1, applicationName: "order-jobs" });

const crashName = process.env.OPS_TEST_CRASH_JOB;
async function crashForTests(job: JobRef): Promise<void> {
  if (!crashName) return;
  const name = job.kind === "import" ? (await findImport(database.db, job.id))?.filename : (await findUndo(database.db, job.id))?.reason;
  if (name === crashName) process.exit(70);
}

// Set by a drain: the job running stops after its current chunk.
let draining = false;

parentPort!.on("message", (request: WorkerRequest) => {
  if (request.type === "drain") draining = true;
  else void run({ kind: request.kind, id: request.id });
});

async function run(job: JobRef): Promise<void> {
  try {
    const ended = await beginAttempt(database, job, claim);
    if (ended === CLAIMED_ELSEWHERE) return post({ type: "elsewhere", job });
    if (ended) return post({ type: "done", job, status: ended });
    await crashForTests(job);
    const hooks = { onChunk: () => post({ type: "chunk", job }), shouldPause: () => draining };
    const status = job.kind === "import" ? await runImport(database, job.id, hooks) : await runBatchUndo(database, job.id, hooks, undo);
    post({ type: "done", job, status });
  } catch (err) {
    if (err instanceof JobPaused) return post({ type: "paused", job });
    post({ type: "error", job, message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
}
post({ type: "ready" });
