/**
 * Runs the order service's background jobs — imports and batch undos — one at a time (one writer
 * per database) in a worker thread, started when a job is queued and stopped after IDLE_MS without
 * one: its heap (up to ~90 MB while it works) is given back between jobs. Jobs a crash or a restart
 * interrupted resume when the service starts; a job whose starts keep crashing is given up (see
 * jobAttempts.ts) instead of crashing the worker or the service again. Cancelling a queued job
 * ends it at once; a running one sees the request between chunks.
 */
import type { Worker } from "node:worker_threads";
import { sqlDate, startTsWorker, type Logger, type SqliteReader } from "@ops/service-kit";
import type { UndoOptions } from "../batchUndo/runBatchUndo.js";
import type { OrderDb } from "../db.js";
import { gracefulStopSql, workerCrashSql } from "./jobAttempts.js";
import { ACTIVE_STATUSES, CANCELLED_BEFORE_START, JOB_TABLES, jobName, type JobKind, type JobRef, type JobStatus, type WorkerMessage } from "./jobTypes.js";

/** One kind of job in the shared queue. */
export interface JobQueue {
  /** Queues a job (already recorded as pending). */
  enqueue(id: number): void;
  /** Asks a pending or running job to stop; false when it had already finished. */
  cancel(id: number): Promise<boolean>;
  /** Resolves when the job has finished (tests, the command line). */
  whenDone(id: number): Promise<JobStatus>;
}

export interface JobRunner {
  imports: JobQueue;
  undos: JobQueue;
  stop(): Promise<void>;
}

/** A worker that dies before it is ready is started again after this, doubling up to the cap. */
const RESPAWN_MS = 250;
const RESPAWN_MAX_MS = 30_000;
/** How long an idle worker is kept for the next job before it is stopped. */
const IDLE_MS = 5_000;

const key = (job: JobRef) => `${job.kind}:${job.id}`;
const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 300);

export interface JobRunnerOptions {
  dbPath: string;
  db: OrderDb;
  reader: SqliteReader;
  logger: Logger;
  /** Called whenever a job committed a chunk: its events are ready to deliver. */
  onChunk: () => void;
  undo?: UndoOptions;
}

/** Starts the worker and queues the jobs left unfinished in the database. */
export function createJobRunner({ dbPath, db, reader, logger, onChunk, undo = {} }: JobRunnerOptions): JobRunner {
  const queue: JobRef[] = [];
  const waiters = new Map<string, ((s: JobStatus) => void)[]>();
  let worker: Worker | null = null;
  let ready = false;
  let running: JobRef | null = null;
  let stopped = false;
  let workerError: Error | null = null;
  let respawnDelay = RESPAWN_MS;
  let respawnTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  /** The idle worker is being stopped on purpose: its exit is no crash. */
  let retiring = false;

  const settle = (job: JobRef, status: JobStatus) => {
    for (const resolve of waiters.get(key(job)) ?? []) resolve(status);
    waiters.delete(key(job));
  };
  const next = () => {
    if (stopped || running !== null || queue.length === 0) return;
    clearTimeout(idleTimer);
    if (!worker) return spawn();
    if (!ready) return;
    const job = queue.shift()!;
    running = job;
    worker.postMessage(job);
  };
  /** Stops the worker once it has been idle for IDLE_MS (the next job starts a new one). */
  const retireWhenIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (stopped || running !== null || queue.length > 0 || !worker) return;
      retiring = true;
      void worker.terminate();
    }, IDLE_MS);
    idleTimer.unref();
  };
  const finished = (job: JobRef, status: JobStatus) => {
    running = null;
    onChunk();
    settle(job, status);
    next();
    if (running === null) retireWhenIdle();
  };
  const failInternally = (job: JobRef, message: string) => {
    const now = sqlDate(new Date());
    return db.$executeRawUnsafe(
      `UPDATE ${JOB_TABLES[job.kind]} SET status = 'failed', message = ?, message_code = 'INTERNAL_ERROR', message_params = '{}', finished_at = ?, updated_at = ?${job.kind === "import" ? ", phase = NULL" : ""} WHERE id = ?`,
      `Internal error: ${firstLine(message)}`,
      now,
      now,
      job.id,
    );
  };
  const spawn = () => {
    ready = false;
    workerError = null;
    // A bounded heap: jobs stream and work in chunks, so a 1M-row file or a 333k-order undo needs
    // little; V8 collects earlier instead of growing towards its default limits.
    const w = startTsWorker(new URL("./jobWorker.ts", import.meta.url), { dbPath, undo }, { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 });
    worker = w;
    w.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") {
        ready = true;
        respawnDelay = RESPAWN_MS;
        next();
      } else if (m.type === "chunk") onChunk();
      else if (m.type === "done") {
        logger.info("job finished", { job: jobName(m.job), status: m.status });
        finished(m.job, m.status);
      } else {
        logger.error("job failed", { job: jobName(m.job), error: m.message });
        void failInternally(m.job, m.message).finally(() => finished(m.job, "failed"));
      }
    });
    w.on("error", (err) => {
      workerError = err;
      logger.error("job worker crashed", { error: err.message });
    });
    w.on("exit", (code) => {
      worker = null;
      if (stopped) return;
      if (retiring) {
        retiring = false;
        ready = false;
        next();
        return;
      }
      const job = running;
      running = null;
      if (!job) {
        // Not a job's doing (it died idle or while starting): start it again if jobs wait, later each time.
        if (queue.length > 0) respawnTimer = setTimeout(spawn, ready ? RESPAWN_MS : respawnDelay);
        if (!ready) respawnDelay = Math.min(respawnDelay * 2, RESPAWN_MAX_MS);
        ready = false;
        return;
      }
      const detail = `the job worker exited with code ${code}${workerError ? `: ${firstLine(workerError.message)}` : ""}`;
      logger.error("job interrupted by a worker crash", { job: jobName(job), detail });
      // Resumable: record why, put it back first, then start a fresh worker. Its start is counted,
      // so a job that crashes every worker ends FAILED after MAX_ATTEMPTS instead of looping.
      void db
        .$executeRawUnsafe(...workerCrashSql(job, detail))
        .catch((err: unknown) => logger.error("could not record a job crash", { job: jobName(job), error: String(err) }))
        .finally(() => {
          queue.unshift(job);
          next();
        });
    });
  };

  // Jobs a crash interrupted (or queued before a restart) run again, oldest first: each resumes safely.
  const active = JSON.stringify(ACTIVE_STATUSES);
  const resumable = (Object.keys(JOB_TABLES) as JobKind[])
    .flatMap((kind) =>
      reader
        .all<{ id: number; created_at: string }>(`SELECT id, created_at FROM ${JOB_TABLES[kind]} WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id`, active)
        .map((r) => ({ job: { kind, id: r.id }, at: r.created_at })),
    )
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const { job } of resumable) {
    queue.push(job);
    logger.info("resuming job", { job: jobName(job) });
  }
  next();

  const queueOf = (kind: JobKind): JobQueue => ({
    enqueue(id) {
      queue.push({ kind, id });
      next();
    },
    async cancel(id) {
      const table = JOB_TABLES[kind];
      const queued = queue.findIndex((j) => j.kind === kind && j.id === id);
      const row = reader.get<{ status: JobStatus; started_at: string | null }>(`SELECT status, started_at FROM ${table} WHERE id = ?`, id);
      // Never started: it ends here. A resumed one runs on to end CANCELLED with what it had done.
      if (queued >= 0 && row?.status === "pending" && row.started_at === null) {
        queue.splice(queued, 1);
        const now = sqlDate(new Date());
        await db.$executeRawUnsafe(
          `UPDATE ${table} SET status = 'cancelled', finished_at = ?, updated_at = ?, message = ?, message_code = 'CANCELLED_BEFORE_START', message_params = '{}' WHERE id = ?`,
          now,
          now,
          CANCELLED_BEFORE_START,
          id,
        );
        settle({ kind, id }, "cancelled");
        return true;
      }
      const count = await db.$executeRawUnsafe(`UPDATE ${table} SET status = 'cancelling', updated_at = ? WHERE id = ? AND status IN ('pending', 'running')`, sqlDate(new Date()), id);
      return count === 1;
    },
    whenDone(id) {
      const row = reader.get<{ status: JobStatus }>(`SELECT status FROM ${JOB_TABLES[kind]} WHERE id = ?`, id);
      if (row && !ACTIVE_STATUSES.includes(row.status)) return Promise.resolve(row.status);
      const job = { kind, id };
      return new Promise((resolve) => waiters.set(key(job), [...(waiters.get(key(job)) ?? []), resolve]));
    },
  });

  return {
    imports: queueOf("import"),
    undos: queueOf("undo"),
    async stop() {
      stopped = true;
      clearTimeout(respawnTimer);
      clearTimeout(idleTimer);
      const job = running;
      await worker?.terminate();
      // Stopped on purpose: that start was no crash (the job resumes at the next start, uncounted).
      if (job) await db.$executeRawUnsafe(...gracefulStopSql(job)).catch(() => undefined);
    },
  };
}
