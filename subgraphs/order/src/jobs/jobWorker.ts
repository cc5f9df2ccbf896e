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
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS } from "@ops/service-kit/lite";
import { runBatchUndo, type UndoOptions } from "../batchUndo/runBatchUndo.js";
import { runImport } from "../import/runImport.js";
import { beginAttempt } from "./jobAttempts.js";
import type { JobRef, WorkerMessage } from "./jobTypes.js";

const { dbPath, undo } = workerData as { dbPath: string; undo: UndoOptions };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
// The staging table is temporary: keep it in a file, not in memory (a 1M-row file is ~100 MB).
db.pragma("temp_store = FILE");

const crashName = process.env.OPS_TEST_CRASH_JOB;
function crashForTests(job: JobRef): void {
  if (!crashName) return;
  const sql = job.kind === "import" ? "SELECT filename AS name FROM import_history WHERE id = ?" : "SELECT reason AS name FROM batch_undos WHERE id = ?";
  const row = db.prepare(sql).get(job.id) as { name: string } | undefined;
  if (row?.name === crashName) process.exit(70);
}

parentPort!.on("message", async (job: JobRef) => {
  try {
    const ended = beginAttempt(db, job);
    if (ended) return post({ type: "done", job, status: ended });
    crashForTests(job);
    const hooks = { onChunk: () => post({ type: "chunk", job }) };
    const status = job.kind === "import" ? await runImport(db, job.id, hooks) : await runBatchUndo(db, job.id, hooks, undo);
    post({ type: "done", job, status });
  } catch (err) {
    post({ type: "error", job, message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
});
post({ type: "ready" });
