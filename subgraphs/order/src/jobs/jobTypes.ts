/**
 * The background jobs of the order service, which share one queue and one worker thread (one
 * writer per database): imports, and undoing an import batch. Free of heavier imports: the worker
 * loads this.
 */
export type JobKind = "import" | "undo";

export interface JobRef {
  kind: JobKind;
  id: number;
}

/** Every status a job's row can hold (an undo never ends COMPLETED_WITH_ERRORS). */
export type JobStatus = "pending" | "running" | "cancelling" | "completed" | "completed_with_errors" | "failed" | "cancelled";

/** A job in these statuses is queued or running, and resumes when the service starts. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ["pending", "running", "cancelling"];

/** Each kind's table; they share the columns the queue needs (status, attempts, crash_reason, message...). */
export const JOB_TABLES: Readonly<Record<JobKind, "import_history" | "batch_undos">> = { import: "import_history", undo: "batch_undos" };

/** Starts of a job that may end in a crash; the next start marks it FAILED instead of running it. */
export const MAX_ATTEMPTS = 3;

/** What ended an attempt that did not finish: the worker died under it, or the whole service did. */
export interface JobCrash {
  cause: "WORKER_CRASHED" | "SERVICE_STOPPED";
  /** What is known of it, in English (the worker's exit code and error). */
  detail: string;
}

/** Called by the job after each committed chunk (the service thread delivers its events now). */
export interface JobHooks {
  onChunk?: () => void;
}

/** What the worker tells the service thread. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "chunk"; job: JobRef }
  | { type: "done"; job: JobRef; status: JobStatus }
  /** Another replica holds the job (PostgreSQL): this one did not run it. */
  | { type: "elsewhere"; job: JobRef }
  | { type: "error"; job: JobRef; message: string };

export const CANCELLED_BEFORE_START = "Cancelled before it started.";

/** `kind #id`, for logs and messages. */
export const jobName = (job: JobRef) => `${job.kind} ${job.id}`;
