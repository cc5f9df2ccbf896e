/**
 * Delivers outbox rows as signed webhooks: at least once, with exponential backoff (capped, with
 * jitter), a record of every attempt, and dead letters after the last attempt — or at once when
 * the receiver refuses the event for good (PERMANENT_REFUSAL: it is malformed, and retrying would
 * only repeat the refusal), with the receiver's reason as `last_error`. It reads the
 * outbox on its own connection, so pending events are picked up again after a restart.
 *
 * That connection never waits for a lock inside SQLite: while an import or an undo holds the
 * write lock for a chunk, a busy timeout would stop the whole event loop — every request of the
 * service — for as long (seconds per import, measured). Its writes retry asynchronously instead
 * (BulkDb.write); reads in WAL mode take no lock.
 */
import { openBulkDb, type BulkDb } from "../bulkDb.js";
import type { Logger } from "../logger.js";
import { sqlDate } from "../sqliteReader.js";
import { PERMANENT_REFUSAL } from "./receiver.js";
import { SIGNATURE_HEADER, signWebhook } from "./signature.js";

export interface DispatcherOptions {
  dbPath: string;
  /** Destination name → webhook URL. */
  destinations: Record<string, string>;
  webhookSecret: string;
  logger: Logger;
  pollMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
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
  created_at: string;
  next_attempt_at: string;
  delivered_at: string | null;
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

export class OutboxDispatcher {
  private readonly db: BulkDb;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly o: Required<Omit<DispatcherOptions, "dbPath" | "destinations" | "webhookSecret" | "logger">>;

  constructor(private readonly options: DispatcherOptions) {
    this.db = openBulkDb(options.dbPath);
    this.o = {
      pollMs: options.pollMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 15,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
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
    for (;;) {
      const due = this.db
        .statement(`SELECT id, event_id, destination, type, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100`)
        .all(sqlDate(new Date())) as OutboxRow[];
      if (due.length === 0 || this.stopped) return;
      // Destinations in parallel, each in order.
      const byDestination = new Map<string, OutboxRow[]>();
      for (const row of due) byDestination.set(row.destination, [...(byDestination.get(row.destination) ?? []), row]);
      await Promise.all([...byDestination.values()].map(async (rows) => {
        for (const row of rows) if (!(await this.deliver(row))) break;
      }));
      if (due.length < 100) return;
    }
  }

  /** One attempt; true when the destination's next event may go (delivered, or refused for good). */
  private async deliver(row: OutboxRow): Promise<boolean> {
    const url = this.options.destinations[row.destination];
    const started = Date.now();
    let error: string | null = null;
    let status: number | null = null;
    if (!url) error = `no webhook URL configured for ${row.destination}`;
    else {
      // Loaded one at a time: a batch's events carry thousands of orders each.
      const { payload } = this.db.statement("SELECT payload FROM outbox WHERE id = ?").get(row.id) as { payload: string };
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signWebhook(this.options.webhookSecret, payload) },
          body: payload,
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
    await this.db.write(() => {
      this.db.statement(`INSERT INTO outbox_attempts (outbox_id, at, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?)`).run(row.id, sqlDate(now), status, error, Date.now() - started);
      if (!error) {
        this.db.statement(`UPDATE outbox SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?`).run(attempts, sqlDate(now), row.id);
      } else if (dead) {
        this.db.statement(`UPDATE outbox SET status = 'dead', attempts = ?, last_error = ? WHERE id = ?`).run(attempts, error, row.id);
      } else {
        this.db.statement(`UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`).run(attempts, error, sqlDate(next), row.id);
      }
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
    const changed = await this.db.write(
      () =>
        this.db.statement(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status IN ('dead', 'pending')`).run(sqlDate(new Date()), id).changes,
    );
    if (changed) this.wake();
    return changed === 1;
  }

  /** Outbox rows in `status`, newest first (dead letters for an operator to inspect). */
  list(status: "pending" | "delivered" | "dead", first: number): OutboxEntryRow[] {
    return this.db
      .statement(
        `SELECT id, event_id, type, destination, status, attempts, last_error, created_at, next_attempt_at, delivered_at
         FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(status, first) as OutboxEntryRow[];
  }

  /** One outbox row by id. */
  get(id: number): OutboxEntryRow | undefined {
    return this.db
      .statement(`SELECT id, event_id, type, destination, status, attempts, last_error, created_at, next_attempt_at, delivered_at FROM outbox WHERE id = ?`)
      .get(id) as OutboxEntryRow | undefined;
  }

  figures(): OutboxFigures {
    const row = this.db
      .statement(
        `SELECT SUM(status = 'pending' AND attempts = 0) AS pending, SUM(status = 'pending' AND attempts > 0) AS retrying,
                SUM(status = 'dead') AS dead, SUM(status = 'delivered') AS delivered FROM outbox`,
      )
      .get() as Record<keyof OutboxFigures, number | null>;
    return { pending: row.pending ?? 0, retrying: row.retrying ?? 0, dead: row.dead ?? 0, delivered: row.delivered ?? 0 };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.db.close();
  }
}
