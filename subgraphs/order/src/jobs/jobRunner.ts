/**
 * Runs the order service's background jobs — imports and batch undos — one at a time (one writer
 * per database) in a worker thread, started when a job is queued and stopped after IDLE_MS without
 * one: its heap (up to ~90 MB while it works) is given back between jobs. Jobs a crash or a restart
 * interrupted resume when the service starts; a job whose starts keep crashing is given up (see
 * jobAttempts.ts) instead of crashing the worker or the service again. Cancelling a queued job
 * ends it at once; a running one sees the request between chunks.
 *
 * On PostgreSQL several replicas share the job tables: a job runs only on the runner that claimed
 * it (FOR UPDATE SKIP LOCKED, db/jobs.ts `claimJob`), which renews its lease while it runs; every
 * runner looks for jobs nobody holds (new, or their runner dead past the lease) and takes them.
 *
 * Stopping drains: no new job starts, the running one stops after its current chunk (cut short
 * only when the drain's deadline passes) and its claim is given back, its start not counted, so
 * another replica resumes it within JOB_POLL_MS from the last committed chunk.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Worker } from "node:worker_threads";
import { DEFAULT_DRAIN_TIMEOUT_MS, drainDeadline, settledBefore, startTsWorker, type DrainDeadline, type Logger } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import type { UndoOptions } from "../batchUndo/runBatchUndo.js";
import type { OrderServiceDb } from "../db/index.js";
import { activeJobs, cancelUnstartedJob, failJob, jobState, renewJobLease, requestJobCancel, takeableJobs } from "../db/jobs.js";
import { recordWorkerCrash, takeBackAttempt, type JobClaim } from "./jobAttempts.js";
import { ACTIVE_STATUSES, CANCELLED_BEFORE_START, jobName, type JobKind, type JobRef, type JobStatus, type WorkerMessage, type WorkerRequest } from "./jobTypes.js";

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
  /**
   * Drains: starts no job, lets the running one finish its current chunk (terminating it only
   * once `deadline` passes; default DRAIN_TIMEOUT_MS's) and gives back its claim uncounted.
   */
  stop(deadline?: DrainDeadline): Promise<void>;
}

/** A worker that dies before it is ready is started again after this, doubling up to the cap. */
const RESPAWN_MS = 250;
const RESPAWN_MAX_MS = 30_000;
/** How long an idle worker is kept for the next job before it is stopped. */
const IDLE_MS = 5_000;
/** PostgreSQL: how long a claim holds without a heartbeat before another replica takes the job over. */
export const JOB_LEASE_MS = 30_000;
/**
 * PostgreSQL: how often a runner looks for jobs nobody holds. Shorter than the lease: a job a
 * draining replica gave back (its claim cleared) is taken over within this, not after a lease.
 */
export const JOB_POLL_MS = 1_000;

const key = (job: JobRef) => `${job.kind}:${job.id}`;
const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 300);

export interface JobRunnerOptions {
  /** The database the worker opens for itself (the same the service runs on). */
  target: DatabaseTarget;
  database: OrderServiceDb;
  logger: Logger;
  /** Called whenever a job committed a chunk: its events are ready to deliver. */
  onChunk: () => void;
  undo?: UndoOptions;
  /** PostgreSQL: the claims' lease (default JOB_LEASE_MS); heartbeats come three times per lease. */
  leaseMs?: number;
}

/** Starts the worker and queues the jobs left unfinished in the database. */
export async function createJobRunner({ target, database, logger, onChunk, undo = {}, leaseMs = JOB_LEASE_MS }: JobRunnerOptions): Promise<JobRunner> {
  const { db } = database;
  const replicas = database.dialect === "postgres";
  // Says which replica holds a job (`import_history.claimed_by`): its host and process id, and a
  // random part that tells a restarted process with a reused pid from its predecessor.
  const claim: JobClaim = { runner: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`, leaseMs };
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
  let heartbeat: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  /** A drain waiting for the running job to stop (done, paused between chunks, or gone). */
  let whenIdle: (() => void) | undefined;
  const idle = () => {
    if (running === null) whenIdle?.();
  };

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
    worker.postMessage({ type: "run", ...job } satisfies WorkerRequest);
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
    idle();
  };
  const failInternally = (job: JobRef, message: string) => failJob(db, job, { message: `Internal error: ${firstLine(message)}`, code: "INTERNAL_ERROR", params: {} });
  const spawn = () => {
    ready = false;
    workerError = null;
    // A bounded heap: jobs stream and work in chunks, so a 1M-row file or a 333k-order undo needs
    // little; V8 collects earlier instead of growing towards its default limits. A 4 MB young
    // generation kept the order service under 300 MB through a 300,000-order undo (8 MB: 298–311).
    const w = startTsWorker(new URL("./jobWorker.ts", import.meta.url), { target, undo, claim }, { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 });
    worker = w;
    w.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") {
        ready = true;
        respawnDelay = RESPAWN_MS;
        next();
      } else if (m.type === "chunk") onChunk();
      else if (m.type === "elsewhere") {
        // Another replica runs it: its end is seen by polling (whenDone keeps waiting).
        logger.info("job claimed by another replica", { job: jobName(m.job) });
        running = null;
        next();
        if (running === null) retireWhenIdle();
        idle();
      } else if (m.type === "paused") {
        // Only a drain asks for this: the job waits, unclaimed, for the next runner.
        logger.info("job paused after its last committed chunk", { job: jobName(m.job) });
        running = null;
        idle();
      } else if (m.type === "done") {
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
      if (stopped) {
        running = null;
        idle();
        return;
      }
      if (retiring) {
        // Stopped on purpose: idle, or its job's lease was lost (the replica that took it over runs it).
        retiring = false;
        ready = false;
        running = null;
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
      void recordWorkerCrash(database, job, detail)
        .catch((err: unknown) => logger.error("could not record a job crash", { job: jobName(job), error: String(err) }))
        .finally(() => {
          queue.unshift(job);
          next();
        });
    });
  };

  // Jobs a crash interrupted (or queued before a restart) run again, oldest first: each resumes safely.
  for (const job of await activeJobs(db)) {
    queue.push(job);
    logger.info("resuming job", { job: jobName(job) });
  }
  next();

  const known = (job: JobRef) => (running !== null && key(running) === key(job)) || queue.some((j) => key(j) === key(job));
  if (replicas) {
    // The running job's lease: lost only when no heartbeat landed for a whole lease; then another
    // replica may already run it, so this one stops it (a chunk in flight is idempotent).
    heartbeat = setInterval(() => {
      const job = running;
      if (!job || !worker) return;
      void renewJobLease(db, job, claim.runner)
        .then((mine) => {
          if (mine || running === null || key(running) !== key(job) || !worker) return;
          logger.warn("job lease lost: another replica runs it", { job: jobName(job) });
          retiring = true;
          void worker.terminate();
        })
        .catch((err: unknown) => logger.error("could not renew a job lease", { job: jobName(job), error: String(err) }));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    // Jobs nobody holds (another replica's new ones, or a dead replica's), and the end of jobs
    // this service waits for that ran elsewhere.
    poll = setInterval(() => {
      void (async () => {
        for (const job of await takeableJobs(db, leaseMs)) {
          if (known(job)) continue;
          logger.info("taking over job", { job: jobName(job) });
          queue.push(job);
        }
        next();
        for (const k of [...waiters.keys()]) {
          const [kind, id] = k.split(":") as [JobKind, string];
          const job = { kind, id: Number(id) };
          if (known(job)) continue;
          const row = await jobState(db, job);
          if (row && !ACTIVE_STATUSES.includes(row.status)) settle(job, row.status);
        }
      })().catch((err: unknown) => logger.error("could not look for jobs", { error: String(err) }));
    }, Math.max(20, Math.min(JOB_POLL_MS, Math.floor(leaseMs / 2))));
    poll.unref();
  }

  const queueOf = (kind: JobKind): JobQueue => ({
    enqueue(id) {
      queue.push({ kind, id });
      next();
    },
    async cancel(id) {
      const job = { kind, id };
      const queued = queue.findIndex((j) => j.kind === kind && j.id === id);
      const row = await jobState(db, job);
      // Never started: it ends here. A resumed one runs on to end CANCELLED with what it had done.
      // (The index is looked up again: the queue may have moved while the row was read.)
      if (queued >= 0 && row?.status === "pending" && !row.started) {
        const at = queue.findIndex((j) => j.kind === kind && j.id === id);
        if (at >= 0) {
          queue.splice(at, 1);
          await cancelUnstartedJob(db, job, CANCELLED_BEFORE_START);
          settle(job, "cancelled");
          return true;
        }
      }
      return requestJobCancel(db, job);
    },
    async whenDone(id) {
      const job = { kind, id };
      // Registered before the read: a job that ends while its row is read still settles this.
      const done = new Promise<JobStatus>((resolve) => waiters.set(key(job), [...(waiters.get(key(job)) ?? []), resolve]));
      const row = await jobState(db, job);
      if (row && !ACTIVE_STATUSES.includes(row.status)) settle(job, row.status);
      return done;
    },
  });

  return {
    imports: queueOf("import"),
    undos: queueOf("undo"),
    async stop(deadline = drainDeadline(DEFAULT_DRAIN_TIMEOUT_MS)) {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      clearTimeout(respawnTimer);
      clearTimeout(idleTimer);
      const job = running;
      if (job && worker) {
        logger.info("draining: the running job stops after its current chunk", { job: jobName(job) });
        const paused = new Promise<void>((resolve) => (whenIdle = resolve));
        worker.postMessage({ type: "drain" } satisfies WorkerRequest);
        // The heartbeat goes on meanwhile: the claim must hold until it is given back.
        if (!(await settledBefore(paused, deadline))) logger.warn("drain timeout: the job is cut short mid-chunk (its transaction rolls back)", { job: jobName(job) });
      }
      clearInterval(heartbeat);
      await worker?.terminate();
      // Stopped on purpose: that start was no crash. Its claim goes with it, so another replica
      // (or the next start) resumes it now, from the last committed chunk.
      if (job) {
        await takeBackAttempt(database, job, claim.runner)
          .then(() => logger.info("job claim released", { job: jobName(job) }))
          .catch((err: unknown) => logger.error("could not release a job claim", { job: jobName(job), error: String(err) }));
      }
    },
  };
}
