/**
 * Runs imports one at a time (one writer per database), each in a worker thread, resumes the ones
 * a crash interrupted when the service starts, and cancels on request.
 */
import type { Worker } from "node:worker_threads";
import { startTsWorker, type Logger, type SqliteReader } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import type { ImportStatus, WorkerMessage } from "./importTypes.js";

export interface ImportManager {
  /** Queues an import (already recorded as pending). */
  enqueue(importId: number): void;
  /** Asks a pending or running import to stop; false when it had already finished. */
  cancel(importId: number): Promise<boolean>;
  /** Resolves when the import has finished (tests, the command line). */
  whenDone(importId: number): Promise<ImportStatus>;
  stop(): Promise<void>;
}

export function createImportManager(dbPath: string, db: OrderDb, reader: SqliteReader, logger: Logger, onChunk: () => void): ImportManager {
  const queue: number[] = [];
  const waiters = new Map<number, ((s: ImportStatus) => void)[]>();
  let current: { id: number; worker: Worker } | null = null;
  let stopped = false;

  const settle = (id: number, status: ImportStatus) => {
    for (const resolve of waiters.get(id) ?? []) resolve(status);
    waiters.delete(id);
  };
  const next = () => {
    if (current || stopped) return;
    const id = queue.shift();
    if (id === undefined) return;
    const worker = startTsWorker(new URL("./importWorker.ts", import.meta.url), { dbPath, importId: id });
    current = { id, worker };
    let reported = false;
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "chunk") onChunk();
      else if (m.type === "done") {
        reported = true;
        onChunk();
        logger.info("import finished", { importId: id, status: m.status });
        settle(id, m.status);
      } else {
        reported = true;
        logger.error("import failed", { importId: id, error: m.message });
        void db.importHistory
          .update({ where: { id }, data: { status: "failed", message: `Internal error: ${m.message.split("\n")[0]}`, finishedAt: new Date() } })
          .finally(() => settle(id, "failed"));
      }
    });
    worker.on("exit", () => {
      if (!reported && !stopped) settle(id, "failed");
      current = null;
      next();
    });
  };

  // Imports a crash interrupted (or queued before a restart) run again: the pipeline resumes safely.
  for (const { id } of reader.all<{ id: number }>("SELECT id FROM import_history WHERE status IN ('pending', 'running', 'cancelling') ORDER BY id")) {
    queue.push(id);
    logger.info("resuming import", { importId: id });
  }
  next();

  return {
    enqueue(id) {
      queue.push(id);
      next();
    },
    async cancel(id) {
      const queued = queue.indexOf(id);
      if (queued >= 0) {
        queue.splice(queued, 1);
        await db.importHistory.update({ where: { id }, data: { status: "cancelled", finishedAt: new Date(), message: "Cancelled before it started." } });
        settle(id, "cancelled");
        return true;
      }
      // The worker sees the flag between chunks and stops there.
      const { count } = await db.importHistory.updateMany({ where: { id, status: { in: ["pending", "running"] } }, data: { status: "cancelling" } });
      return count === 1;
    },
    whenDone(id) {
      const row = reader.get<{ status: ImportStatus }>("SELECT status FROM import_history WHERE id = ?", id);
      if (row && ["completed", "completed_with_errors", "failed", "cancelled"].includes(row.status)) return Promise.resolve(row.status);
      return new Promise((resolve) => waiters.set(id, [...(waiters.get(id) ?? []), resolve]));
    },
    async stop() {
      stopped = true;
      await current?.worker.terminate();
    },
  };
}
