/**
 * Worker thread entry: runs one import off the service's event loop, on its own connection, so
 * progress queries, /ready and webhooks keep answering while a large file is imported.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS } from "@ops/service-kit";
import { runImport } from "./runImport.js";
import type { WorkerMessage } from "./importTypes.js";

const { dbPath, importId } = workerData as { dbPath: string; importId: number };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
try {
  const status = await runImport(db, importId, { onChunk: () => post({ type: "chunk" }) });
  post({ type: "done", status });
} catch (err) {
  post({ type: "error", message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
} finally {
  db.close();
}
