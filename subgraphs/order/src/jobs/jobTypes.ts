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
  /**
   * Asked between chunks: true when the service is draining, and the job should stop there (by
   * throwing JobPaused) so another replica, or the next start, resumes it after that chunk.
   */
  shouldPause?: () => boolean;
}

/** Thrown by a job between chunks when `shouldPause` says so: nothing of the next chunk is written. */
export class JobPaused extends Error {
  constructor() {
    super("paused between chunks: the service is draining");
  }
}

/** What the service thread tells the worker: run a job, or stop after the current chunk. */
export type WorkerRequest = ({ type: "run" } & JobRef) | { type: "drain" };

/** What the worker tells the service thread. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "chunk"; job: JobRef }
  | { type: "done"; job: JobRef; status: JobStatus }
  /** Another replica holds the job (PostgreSQL): this one did not run it. */
  | { type: "elsewhere"; job: JobRef }
  /** Drained: the job stopped after a committed chunk and may resume anywhere. */
  | { type: "paused"; job: JobRef }
  | { type: "error"; job: JobRef; message: string };

export const CANCELLED_BEFORE_START = "Cancelled before it started.";

/** `kind #id`, for logs and messages. */
export const jobName = (job: JobRef) => `${job.kind} ${job.id}`;
