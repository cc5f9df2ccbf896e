/**
 * Worker thread: runs imports off the service's event loop, on its own connection, so progress
 * queries, /ready and webhooks keep answering while a large file is imported. It starts with the
 * service (loading the pipeline once) and takes one import at a time from the service thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS } from "@ops/service-kit/lite";
import { runImport } from "./runImport.js";
import type { WorkerMessage } from "./importTypes.js";

const { dbPath } = workerData as { dbPath: string };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
// The staging table is temporary: keep it in a file, not in memory (a 1M-row file is ~100 MB).
db.pragma("temp_store = FILE");

parentPort!.on("message", async ({ importId }: { importId: number }) => {
  try {
    const status = await runImport(db, importId, { onChunk: () => post({ type: "chunk", importId }) });
    post({ type: "done", importId, status });
  } catch (err) {
    post({ type: "error", importId, message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
});
post({ type: "ready" });
