/**
 * The queue's view of the job tables (`import_history`, `batch_undos`): which jobs are active,
 * cancelling one, counting and taking back starts, failing one, and on PostgreSQL claiming one
 * with a lease so two replicas never run one job. Both tables share these columns.
 */
import { sql } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import { ACTIVE_STATUSES, JOB_TABLES, type JobKind, type JobRef, type JobStatus } from "../jobs/jobTypes.js";
import { dialectOf, stamp, type OrderConn } from "./index.js";

// Both job tables carry the queue's columns (status, attempts, crash_reason, message…): typed as
// one of them, so one query serves either kind.
const table = (kind: JobKind) => JOB_TABLES[kind] as "batch_undos";

/** Jobs queued or running (to resume at start), oldest first. */
export async function activeJobs(conn: OrderConn): Promise<JobRef[]> {
  const found: { job: JobRef; at: number }[] = [];
  for (const kind of Object.keys(JOB_TABLES) as JobKind[]) {
    const rows = await conn.selectFrom(table(kind)).select(["id", "created_at"]).where("status", "in", ACTIVE_STATUSES).orderBy("id").execute();
    for (const r of rows) found.push({ job: { kind, id: Number(r.id) }, at: readTimestamp(r.created_at).getTime() });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.job);
}

/** A job's status and whether it ever started; null when it does not exist. */
export async function jobState(conn: OrderConn, job: JobRef): Promise<{ status: JobStatus; started: boolean } | null> {
  const row = await conn.selectFrom(table(job.kind)).select(["status", "started_at"]).where("id", "=", job.id).executeTakeFirst();
  return row ? { status: row.status as JobStatus, started: row.started_at !== null } : null;
}

/** Ends a job that never started as CANCELLED (CANCELLED_BEFORE_START). */
export async function cancelUnstartedJob(conn: OrderConn, job: JobRef, message: string): Promise<void> {
  const now = stamp(new Date());
  await conn
    .updateTable(table(job.kind))
    .set({ status: "cancelled", finished_at: now, updated_at: now, message, message_code: "CANCELLED_BEFORE_START", message_params: "{}" })
    .where("id", "=", job.id)
    .execute();
}

/** Asks a pending or running job to stop between chunks; false when it is in neither status. */
export async function requestJobCancel(conn: OrderConn, job: JobRef): Promise<boolean> {
  const result = await conn
    .updateTable(table(job.kind))
    .set({ status: "cancelling", updated_at: stamp(new Date()) })
    .where("id", "=", job.id)
    .where("status", "in", ["pending", "running"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a job FAILED with `code` and its params (imports also leave their phase). */
export async function failJob(conn: OrderConn, job: JobRef, failure: { message: string; code: string; params: Record<string, unknown> }): Promise<void> {
  const now = stamp(new Date());
  const set = { status: "failed", message: failure.message, message_code: failure.code, message_params: JSON.stringify(failure.params), finished_at: now, updated_at: now };
  if (job.kind === "import") await conn.updateTable("import_history").set({ ...set, phase: null }).where("id", "=", job.id).execute();
  else await conn.updateTable("batch_undos").set(set).where("id", "=", job.id).execute();
}

/** A job's counted starts and the crash recorded for its last one. */
export async function jobAttempt(conn: OrderConn, job: JobRef): Promise<{ status: JobStatus; attempts: number; crashReason: string | null } | null> {
  const row = await conn.selectFrom(table(job.kind)).select(["status", "attempts", "crash_reason"]).where("id", "=", job.id).executeTakeFirst();
  return row ? { status: row.status as JobStatus, attempts: Number(row.attempts), crashReason: row.crash_reason } : null;
}

/** Counts a start of `job`, recording `crash` as what it ends in if nothing else is heard of it. */
export async function countJobStart(conn: OrderConn, job: JobRef, crash: string): Promise<void> {
  await conn
    .updateTable(table(job.kind))
    .set((eb) => ({ attempts: eb("attempts", "+", 1), crash_reason: crash, updated_at: stamp(new Date()) }))
    .where("id", "=", job.id)
    .execute();
}

/** Records why the last start of an active job ended (the worker died under it). */
export async function recordJobCrash(conn: OrderConn, job: JobRef, crash: string): Promise<void> {
  await conn.updateTable(table(job.kind)).set({ crash_reason: crash }).where("id", "=", job.id).where("status", "in", ACTIVE_STATUSES).execute();
}

/**
 * Takes back the last start of an active job `runner` holds (or nobody: SQLite records no claims):
 * the service was stopped on purpose, which is no crash.
 */
export async function takeBackJobStart(conn: OrderConn, job: JobRef, runner: string): Promise<void> {
  await conn
    .updateTable(table(job.kind))
    // The claim goes too: another replica (or this service's next start) resumes it at once.
    .set({ attempts: sql<number>`CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END`, crash_reason: null, claimed_by: null, heartbeat_at: null })
    .where("id", "=", job.id)
    .where("status", "in", ACTIVE_STATUSES)
    // A replica that took the job over after this one lost its lease keeps it, and its count.
    .where((eb) => eb.or([eb("claimed_by", "is", null), eb("claimed_by", "=", runner)]))
    .execute();
}

/**
 * Claims `job` for `runner` inside the caller's transaction; false when another runner holds it.
 * PostgreSQL (replicas share the tables): the row is locked FOR UPDATE SKIP LOCKED, so of two
 * replicas claiming at once one skips it, and it is taken only when unclaimed, already this
 * runner's, or its heartbeat is older than `leaseMs` (the runner that claimed it died).
 * SQLite: one service per file, always true (nothing is recorded).
 */
export async function claimJob(trx: OrderConn, job: JobRef, runner: string, leaseMs: number): Promise<boolean> {
  if (dialectOf(trx) !== "postgres") return true;
  const row = await trx
    .selectFrom(table(job.kind))
    .select(["claimed_by", sql<boolean>`heartbeat_at IS NULL OR heartbeat_at < localtimestamp - make_interval(secs => ${leaseMs / 1000})`.as("stale")])
    .where("id", "=", job.id)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!row) return false;
  if (row.claimed_by !== null && row.claimed_by !== runner && !row.stale) return false;
  await trx
    .updateTable(table(job.kind))
    .set({ claimed_by: runner, heartbeat_at: sql`localtimestamp(3)` })
    .where("id", "=", job.id)
    .execute();
  return true;
}

/** Renews `runner`'s lease on `job` (PostgreSQL); false when the job is no longer its own. */
export async function renewJobLease(conn: OrderConn, job: JobRef, runner: string): Promise<boolean> {
  const result = await conn
    .updateTable(table(job.kind))
    .set({ heartbeat_at: sql`localtimestamp(3)` })
    .where("id", "=", job.id)
    .where("claimed_by", "=", runner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Active jobs no runner holds (never claimed, or their heartbeat older than `leaseMs`), oldest first (PostgreSQL). */
export async function takeableJobs(conn: OrderConn, leaseMs: number): Promise<JobRef[]> {
  const found: { job: JobRef; at: number }[] = [];
  for (const kind of Object.keys(JOB_TABLES) as JobKind[]) {
    const rows = await conn
      .selectFrom(table(kind))
      .select(["id", "created_at"])
      .where("status", "in", ACTIVE_STATUSES)
      .where(sql<boolean>`claimed_by IS NULL OR heartbeat_at IS NULL OR heartbeat_at < localtimestamp - make_interval(secs => ${leaseMs / 1000})`)
      .orderBy("id")
      .execute();
    for (const r of rows) found.push({ job: { kind, id: Number(r.id) }, at: readTimestamp(r.created_at).getTime() });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.job);
}
