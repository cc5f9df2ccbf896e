/**
 * Delivers outbox rows as signed webhooks: at least once, with exponential backoff (capped, with
 * jitter), a record of every attempt, and dead letters after the last attempt — or at once when
 * the receiver refuses the event for good (PERMANENT_REFUSAL: it is malformed, and retrying would
 * only repeat the refusal), with the receiver's reason as `last_error`. It reads the outbox from
 * the database, so pending events are picked up again after a restart.
 *
 * It runs on the service's `ServiceDb`, SQLite or PostgreSQL:
 * - SQLite: one process owns the file; due rows are read and delivered. The kit's SQLite writer
 *   never waits for a lock inside SQLite (it yields to the event loop while an import holds the
 *   write lock), so the dispatcher never stalls the service's requests.
 * - PostgreSQL: several replicas may share the database. Due rows are claimed in a short
 *   transaction (`FOR UPDATE SKIP LOCKED`) that pushes their `next_attempt_at` out by a lease
 *   long enough for their delivery, so no other replica sees them as due meanwhile; the result
 *   of the attempt then sets the row's real state. A replica that dies mid-delivery loses its
 *   lease and another one delivers the rows (at least once; receivers deduplicate).
 */
import { sql } from "kysely";
import type { ServiceDb } from "../data/openDatabase.js";
import { readTimestamp } from "../data/dialectHelpers.js";
import type { Logger } from "../logger.js";
import { sqlDate } from "../sqliteBasics.js";
import { PERMANENT_REFUSAL } from "./receiver.js";
import { SIGNATURE_HEADER, signWebhook } from "./signature.js";

export interface DispatcherOptions {
  /** The service's database (its `outbox` and `outbox_attempts`). */
  database: ServiceDb<any>;
  /** Destination name → webhook URL. */
  destinations: Record<string, string>;
  webhookSecret: string;
  logger: Logger;
  pollMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Rows claimed per pass (default 100). */
  batchSize?: number;
}

/** The outbox tables as the dispatcher reads and writes them. */
interface OutboxDb {
  outbox: {
    id: number;
    event_id: string;
    destination: string;
    type: string;
    payload: string;
    status: string;
    attempts: number;
    next_attempt_at: string | Date;
    last_error: string | null;
    created_at: string | Date;
    delivered_at: string | Date | null;
  };
  outbox_attempts: { outbox_id: number; at: string; http_status: number | null; error: string | null; duration_ms: number };
}

interface OutboxRow {
  id: number;
  event_id: string;
  destination: string;
  type: string;
  attempts: number;
}

export interface OutboxEntryRow {
  id: number;
  event_id: string;
  type: string;
  destination: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date;
  delivered_at: Date | null;
}

export interface OutboxFigures {
  pending: number;
  retrying: number;
  dead: number;
  delivered: number;
}

/** Backoff before attempt `attempts + 1`: base·2^(attempts−1), capped, with ±50% jitter. */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

/**
 * The receiver's reason for a permanent refusal (its answer's `error`, which names the problems
 * found): what an operator reads in the dead letter without the receiver's log.
 */
function refusalReason(body: string): string {
  let reason = body;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") reason = parsed.error;
  } catch {
    // Not JSON (a proxy's page, say): the text itself.
  }
  return reason.slice(0, 2000);
}

/** Groups `rows` by destination, keeping their order. */
function byDestination(rows: OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const group = groups.get(row.destination);
    if (group) group.push(row);
    else groups.set(row.destination, [row]);
  }
  return [...groups.values()];
}

const ENTRY_COLUMNS = ["id", "event_id", "type", "destination", "status", "attempts", "last_error", "created_at", "next_attempt_at", "delivered_at"] as const;

function toEntryRow(row: Pick<OutboxDb["outbox"], (typeof ENTRY_COLUMNS)[number]>): OutboxEntryRow {
  return {
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    created_at: readTimestamp(row.created_at),
    next_attempt_at: readTimestamp(row.next_attempt_at),
    delivered_at: row.delivered_at === null ? null : readTimestamp(row.delivered_at),
  };
}

export class OutboxDispatcher {
  private readonly database: Promise<ServiceDb<OutboxDb>>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly o: Required<Pick<DispatcherOptions, "pollMs" | "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "timeoutMs" | "batchSize">>;

  constructor(private readonly options: DispatcherOptions) {
    this.database = Promise.resolve(options.database as ServiceDb<OutboxDb>);
    this.o = {
      pollMs: options.pollMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 15,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      batchSize: options.batchSize ?? 100,
    };
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.o.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Delivers due events now (called after a commit that wrote some). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.options.logger.error("outbox dispatch failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    const database = await this.database;
    for (;;) {
      if (this.stopped) return;
      const due = await this.claim(database);
      if (due.length === 0) return;
      // Destinations in parallel, each in order; rows after a failure wait for the next pass.
      const claimedAt = Date.now();
      await Promise.all(
        byDestination(due).map(async (rows) => {
          let leasedUntil = claimedAt + this.leaseMs;
          for (let i = 0; i < rows.length; i++) {
            // The next attempt could outlast the claim: renew it for the rows still waiting here.
            if (database.dialect === "postgres" && Date.now() + this.o.timeoutMs + 5_000 > leasedUntil) {
              leasedUntil = await this.lease(database.db, rows.slice(i));
            }
            // Stopping (a drain): the rows not tried yet go back at once, so another replica
            // delivers them now instead of after their lease.
            if (this.stopped) {
              await this.release(database, rows.slice(i));
              return;
            }
            if (!(await this.deliver(database, rows[i]!))) {
              await this.release(database, rows.slice(i + 1));
              return;
            }
          }
        }),
      );
      if (due.length < this.o.batchSize) return;
    }
  }

  /**
   * The due rows, oldest first. On PostgreSQL they are claimed for one lease (`leaseMs`: two
   * attempts' worth plus a margin); a destination's rows go one by one, and the lease of the rows
   * still waiting is renewed before it could run out (`renewIfDue`). A replica that dies holding
   * them leaves them to another replica within one lease, not after a whole batch's worst case.
   */
  private async claim(database: ServiceDb<OutboxDb>): Promise<OutboxRow[]> {
    const now = sqlDate(new Date());
    const select = (db: typeof database.db) =>
      db
        .selectFrom("outbox")
        .select(["id", "event_id", "destination", "type", "attempts"])
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .orderBy("id")
        .limit(this.o.batchSize);
    const normalise = (rows: OutboxRow[]) => rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) }));
    if (database.dialect === "sqlite") return normalise(await select(database.db).execute());
    return database.transaction(async (trx) => {
      const rows = normalise(await select(trx).forUpdate().skipLocked().execute());
      if (rows.length === 0) return rows;
      await this.lease(trx, rows);
      return rows;
    });
  }

  /** How long a claim holds: two attempts (the one running and the next) and a margin for the writes. */
  private get leaseMs(): number {
    return 2 * this.o.timeoutMs + 10_000;
  }

  /** Leases `rows` from now (PostgreSQL); returns when the lease ends. */
  private async lease(conn: ServiceDb<OutboxDb>["db"], rows: readonly OutboxRow[]): Promise<number> {
    const until = Date.now() + this.leaseMs;
    if (rows.length === 0) return until;
    await conn
      .updateTable("outbox")
      .set({ next_attempt_at: sqlDate(new Date(until)) })
      .where("id", "in", rows.map((r) => r.id))
      .where("status", "=", "pending")
      .execute();
    return until;
  }

  /** Gives claimed rows that were not tried back to the queue, due at once (PostgreSQL leases). */
  private async release(database: ServiceDb<OutboxDb>, rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0 || database.dialect === "sqlite") return;
    await database.db
      .updateTable("outbox")
      .set({ next_attempt_at: sqlDate(new Date()) })
      .where(database.helpers.inIds("id", rows.map((r) => r.id)))
      .where("status", "=", "pending")
      .execute();
  }

  /** One attempt; true when the destination's next event may go (delivered, or refused for good). */
  private async deliver(database: ServiceDb<OutboxDb>, row: OutboxRow): Promise<boolean> {
    const url = this.options.destinations[row.destination];
    const started = Date.now();
    let error: string | null = null;
    let status: number | null = null;
    if (!url) error = `no webhook URL configured for ${row.destination}`;
    else {
      // Loaded one at a time: a batch's events carry thousands of orders each.
      const { payload } = await database.db.selectFrom("outbox").select("payload").where("id", "=", row.id).executeTakeFirstOrThrow();
      // Encoded once, then signed and sent as these bytes.
      const body = Buffer.from(payload, "utf8");
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signWebhook(this.options.webhookSecret, body) },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        status = res.status;
        if (!res.ok) error = `HTTP ${res.status}: ${res.status === PERMANENT_REFUSAL ? refusalReason(await res.text()) : (await res.text()).slice(0, 300)}`;
        else await res.arrayBuffer();
      } catch (err) {
        error = err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}` : String(err);
      }
    }
    const attempts = row.attempts + 1;
    const dead = !!error && (attempts >= this.o.maxAttempts || status === PERMANENT_REFUSAL);
    const now = new Date();
    const next = new Date(now.getTime() + retryDelay(attempts, this.o.baseDelayMs, this.o.maxDelayMs));
    await database.transaction(async (trx) => {
      await trx.insertInto("outbox_attempts").values({ outbox_id: row.id, at: sqlDate(now), http_status: status, error, duration_ms: Date.now() - started }).execute();
      const update = trx.updateTable("outbox").where("id", "=", row.id);
      if (!error) await update.set({ status: "delivered", attempts, delivered_at: sqlDate(now), last_error: null }).execute();
      else if (dead) await update.set({ status: "dead", attempts, last_error: error }).execute();
      else await update.set({ attempts, last_error: error, next_attempt_at: sqlDate(next) }).execute();
    });
    if (!error) return true;
    if (dead) {
      const why = status === PERMANENT_REFUSAL ? "refused by its receiver" : "last attempt failed";
      this.options.logger.error("event dead-lettered", { eventId: row.event_id, type: row.type, destination: row.destination, attempts, why, error });
    } else {
      this.options.logger.warn("event delivery failed; will retry", { eventId: row.event_id, destination: row.destination, attempts, error });
    }
    // A refused event is never retried, so it holds nothing up; any other failure keeps the order.
    return status === PERMANENT_REFUSAL;
  }

  /** Puts a dead (or pending) row back in the queue for immediate delivery. */
  async replay(id: number): Promise<boolean> {
    const database = await this.database;
    const result = await database.db
      .updateTable("outbox")
      .set({ status: "pending", attempts: 0, next_attempt_at: sqlDate(new Date()) })
      .where("id", "=", id)
      .where("status", "in", ["dead", "pending"])
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) === 1;
    if (changed) this.wake();
    return changed;
  }

  /** Outbox rows in `status`, newest first (dead letters for an operator to inspect). */
  async list(status: "pending" | "delivered" | "dead", first: number): Promise<OutboxEntryRow[]> {
    const database = await this.database;
    const rows = await database.db.selectFrom("outbox").select(ENTRY_COLUMNS).where("status", "=", status).orderBy("id", "desc").limit(first).execute();
    return rows.map(toEntryRow);
  }

  /** One outbox row by id. */
  async get(id: number): Promise<OutboxEntryRow | undefined> {
    const database = await this.database;
    const row = await database.db.selectFrom("outbox").select(ENTRY_COLUMNS).where("id", "=", id).executeTakeFirst();
    return row && toEntryRow(row);
  }

  /** How many rows wait (first attempt or retry), are dead, or were delivered: one statement. */
  async figures(): Promise<OutboxFigures> {
    const database = await this.database;
    const row = await database.db
      .selectFrom("outbox")
      .select([
        sql<number>`count(CASE WHEN status = 'pending' AND attempts = 0 THEN 1 END)`.as("pending"),
        sql<number>`count(CASE WHEN status = 'pending' AND attempts > 0 THEN 1 END)`.as("retrying"),
        sql<number>`count(CASE WHEN status = 'dead' THEN 1 END)`.as("dead"),
        sql<number>`count(CASE WHEN status = 'delivered' THEN 1 END)`.as("delivered"),
      ])
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending), retrying: Number(row.retrying), dead: Number(row.dead), delivered: Number(row.delivered) };
  }

  /**
   * Claims nothing more, lets the delivery in flight finish (bounded by its timeout) and gives the
   * claimed rows not yet tried back to the queue, due at once (PostgreSQL).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
