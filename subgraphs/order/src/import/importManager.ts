/**
 * Runs imports one at a time (one writer per database) in a worker thread that lives as long as
 * the service, resumes the imports a crash interrupted when the service starts, and cancels on
 * request (the worker sees the flag between chunks).
 */
import type { Worker } from "node:worker_threads";
import { startTsWorker, type Logger, type SqliteReader } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import { CANCELLED_BEFORE_START, FINISHED, type ImportStatus, type WorkerMessage } from "./importTypes.js";

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
  let worker: Worker | null = null;
  let ready = false;
  let running: number | null = null;
  let stopped = false;

  const settle = (id: number, status: ImportStatus) => {
    for (const resolve of waiters.get(id) ?? []) resolve(status);
    waiters.delete(id);
  };
  const next = () => {
    if (!ready || running !== null || stopped) return;
    const id = queue.shift();
    if (id === undefined) return;
    running = id;
    worker!.postMessage({ importId: id });
  };
  const finished = (id: number, status: ImportStatus) => {
    running = null;
    onChunk();
    settle(id, status);
    next();
  };
  const spawn = () => {
    ready = false;
    // A bounded heap: the import streams, so a 1M-row file needs little; V8 collects earlier
    // instead of growing towards its default limits (the service's memory stays flat).
    const w = startTsWorker(new URL("./importWorker.ts", import.meta.url), { dbPath }, { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 });
    worker = w;
    w.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") {
        ready = true;
        next();
      } else if (m.type === "chunk") onChunk();
      else if (m.type === "done") {
        logger.info("import finished", { importId: m.importId, status: m.status });
        finished(m.importId, m.status);
      } else {
        logger.error("import failed", { importId: m.importId, error: m.message });
        void db.importHistory
          .update({ where: { id: m.importId }, data: { status: "failed", message: `Internal error: ${m.message.split("\n")[0]}`, messageCode: "INTERNAL_ERROR", messageParams: "{}", finishedAt: new Date() } })
          .finally(() => finished(m.importId, "failed"));
      }
    });
    w.on("error", (err) => logger.error("import worker crashed", { error: err.message }));
    w.on("exit", () => {
      if (stopped) return;
      // The import it was running is resumable: put it back first, then start a fresh worker.
      if (running !== null) queue.unshift(running);
      running = null;
      spawn();
    });
  };

  // Imports a crash interrupted (or queued before a restart) run again: the pipeline resumes safely.
  for (const { id } of reader.all<{ id: number }>("SELECT id FROM import_history WHERE status IN ('pending', 'running', 'cancelling') ORDER BY id")) {
    queue.push(id);
    logger.info("resuming import", { importId: id });
  }
  spawn();

  return {
    enqueue(id) {
      queue.push(id);
      next();
    },
    async cancel(id) {
      const queued = queue.indexOf(id);
      if (queued >= 0) {
        queue.splice(queued, 1);
        await db.importHistory.update({ where: { id }, data: { status: "cancelled", finishedAt: new Date(), message: CANCELLED_BEFORE_START, messageCode: "CANCELLED_BEFORE_START", messageParams: "{}" } });
        settle(id, "cancelled");
        return true;
      }
      const { count } = await db.importHistory.updateMany({ where: { id, status: { in: ["pending", "running"] } }, data: { status: "cancelling" } });
      return count === 1;
    },
    whenDone(id) {
      const row = reader.get<{ status: ImportStatus }>("SELECT status FROM import_history WHERE id = ?", id);
      if (row && FINISHED.includes(row.status)) return Promise.resolve(row.status);
      return new Promise((resolve) => waiters.set(id, [...(waiters.get(id) ?? []), resolve]));
    },
    async stop() {
      stopped = true;
      await worker?.terminate();
    },
  };
}
