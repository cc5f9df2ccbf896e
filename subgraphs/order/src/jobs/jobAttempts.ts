/**
 * Counting the starts of a job, so a job that crashes its worker or the whole service cannot do
 * so forever. Each start is counted in the database before the job runs, with the crash it would
 * be if nothing else is heard of it (the service stopping under it); the service thread replaces
 * that with the worker's own error when only the worker died, and takes the start back on a
 * graceful stop. A start beyond MAX_ATTEMPTS does not run: the job ends FAILED with
 * IMPORT_CRASHED / UNDO_CRASHED `{ attempts, cause, detail }`.
 */
import { claimJob, countJobStart, failJob, jobAttempt, recordJobCrash, takeBackJobStart } from "../db/jobs.js";
import type { OrderServiceDb } from "../db/index.js";
import { ACTIVE_STATUSES, MAX_ATTEMPTS, type JobCrash, type JobRef, type JobStatus } from "./jobTypes.js";

const SERVICE_STOPPED: JobCrash = { cause: "SERVICE_STOPPED", detail: "the order service stopped while it ran (killed, out of memory, or crashed)" };

/** The message code of a job given up after crashing, per kind. */
export const CRASHED_CODE = { import: "IMPORT_CRASHED", undo: "UNDO_CRASHED" } as const;

/** The English message of a job given up after `attempts` crashed starts. */
export function crashedMessage(job: JobRef, attempts: number, crash: JobCrash): string {
  const what = job.kind === "import" ? "Import" : "Undo";
  const kept =
    job.kind === "import"
      ? "The orders written before remain (undo the batch to cancel them, or import the file again once it is fixed)."
      : "The orders cancelled before stay cancelled; start the undo again to cancel the rest.";
  return `${what} stopped after ${attempts} attempts that each crashed (last: ${crash.detail}); it is not resumed again. ${kept}`;
}

function readCrash(text: string | null): JobCrash {
  try {
    const c = text ? (JSON.parse(text) as Partial<JobCrash>) : null;
    if (c && (c.cause === "WORKER_CRASHED" || c.cause === "SERVICE_STOPPED") && typeof c.detail === "string") return { cause: c.cause, detail: c.detail };
  } catch {
    // An unreadable reason is reported as the default one.
  }
  return SERVICE_STOPPED;
}

/** Who runs a job: a runner's id and how long its claim holds without a heartbeat (PostgreSQL). */
export interface JobClaim {
  runner: string;
  leaseMs: number;
}

/** `beginAttempt`'s answer when another runner (a replica) holds the job. */
export const CLAIMED_ELSEWHERE = "claimed elsewhere";

/**
 * Claims `job` for `claim.runner` and counts a start of it on the worker's database, before
 * anything of it runs. Returns null when the job should run now; CLAIMED_ELSEWHERE when another
 * replica holds it (PostgreSQL: see `claimJob`), nothing counted; or the status it has ended in:
 * already finished, or FAILED here because its previous MAX_ATTEMPTS starts all crashed. A job
 * being cancelled always runs, to end CANCELLED as asked.
 */
export function beginAttempt(database: OrderServiceDb, job: JobRef, claim: JobClaim): Promise<JobStatus | null | typeof CLAIMED_ELSEWHERE> {
  return database.transaction(async (trx): Promise<JobStatus | null | typeof CLAIMED_ELSEWHERE> => {
    if (!(await claimJob(trx, job, claim.runner, claim.leaseMs))) return CLAIMED_ELSEWHERE;
    const row = await jobAttempt(trx, job);
    if (!row) throw new Error(`${job.kind} ${job.id} does not exist`);
    if (!ACTIVE_STATUSES.includes(row.status)) return row.status;
    if (row.status !== "cancelling" && row.attempts >= MAX_ATTEMPTS) {
      const crash = readCrash(row.crashReason);
      await failJob(trx, job, { message: crashedMessage(job, row.attempts, crash), code: CRASHED_CODE[job.kind], params: { attempts: row.attempts, ...crash } });
      return "failed";
    }
    await countJobStart(trx, job, JSON.stringify(SERVICE_STOPPED));
    return null;
  });
}

/** Records that the worker died under `job` (run by the service thread). */
export function recordWorkerCrash(database: OrderServiceDb, job: JobRef, detail: string): Promise<void> {
  const crash: JobCrash = { cause: "WORKER_CRASHED", detail };
  return recordJobCrash(database.db, job, JSON.stringify(crash));
}

/**
 * Takes back the start of `job` and `runner`'s claim on it: the service was stopped on purpose,
 * which is no crash, and another runner may resume it at once.
 */
export function takeBackAttempt(database: OrderServiceDb, job: JobRef, runner: string): Promise<void> {
  return takeBackJobStart(database.db, job, runner);
}
