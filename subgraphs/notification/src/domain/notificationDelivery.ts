/**
 * The one way a PENDING notification reaches a transport: sending, resending, the order-event
 * flows and the sweeper all go through `NotificationDelivery`, which
 * - runs at most one attempt per notification at a time in this process (a second caller shares
 *   the first's),
 * - claims the notifications in the database first (`db/deliveryClaims.ts`: on PostgreSQL
 *   `FOR UPDATE SKIP LOCKED`, so another replica never sends them too) and leaves alone those no
 *   longer PENDING,
 * - records SENT, or FAILED with the reason, only on rows still PENDING,
 * so a notification committed PENDING is handed to the transport once, whoever finds it first.
 *
 * Many at once (`deliverMessages`, `deliverAll`): when the transport has `sendMany` (the file
 * transport), a whole event's notifications are claimed with one SELECT, handed over in ONE
 * `sendMany` and recorded in ONE statement; otherwise (SMTP) one message at a time through
 * `deliver`, at most `concurrency` at once. A bulk hand-over takes one slot and registers its ids
 * like a single attempt does, so nothing overtakes or repeats it.
 */
import { settledBefore, type DrainDeadline, type Logger } from "@ops/service-kit";
import type { NotificationDatabase } from "../db/database.js";
import { deliverClaimed } from "../db/deliveryClaims.js";
import { notificationById } from "../db/notifications.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import type { DeliveryOutcome, Notification, PendingMessage } from "./notification.js";

export interface DeliveryDeps {
  database: NotificationDatabase;
  transport: NotificationTransport;
}

const MAX_REASON = 1000;

export interface DeliveryOptions {
  /** Messages handed to the transport at the same time (default 8). */
  concurrency?: number;
  logger?: Logger;
}

type Slots = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs at most `max` pieces of work at once, the others in arrival order. */
function slots(max: number): Slots {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, so a newcomer cannot overtake it.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** What a transport's failure records: its message, or a reason that says it gave none. */
function failure(err: unknown): DeliveryOutcome {
  const reason = (err instanceof Error ? err.message : String(err)) || "the transport gave no reason";
  return { ok: false, reason: reason.slice(0, MAX_REASON) };
}

const outgoing = (m: PendingMessage) => ({ channel: m.channel, recipient: m.recipient, subject: m.subject, body: m.body, notificationId: m.id });

/** Delivers PENDING notifications, never two attempts for one notification at once. */
export class NotificationDelivery {
  private readonly inFlight = new Map<number, Promise<Notification | null>>();
  /** Ids registered by a running bulk hand-over, all sharing its promise. */
  private readonly bulkInFlight = new Map<number, Promise<void>>();
  private readonly run: Slots;
  private stopped = false;
  /** Aborted when a drain's deadline passes with hand-overs still running. */
  private readonly abandon = new AbortController();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly options: DeliveryOptions = {},
  ) {
    this.run = slots(Math.max(1, options.concurrency ?? 8));
  }

  /**
   * Hands notification `id` to the transport if it is still PENDING and records SENT or FAILED.
   * Resolves to the notification as it is afterwards (untouched when it was no longer PENDING;
   * null when it does not exist or the service is stopping). Rejects when recording fails.
   */
  deliver(id: number): Promise<Notification | null> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const { database, transport } = this.deps;
    // Part of a bulk hand-over: join it, then answer with the notification as it is afterwards.
    const bulk = this.bulkInFlight.get(id);
    if (bulk) return bulk.then(() => notificationById(database.db, id));
    // Registered before any await: whoever asks for `id` from now on joins this attempt, and one
    // that asks after it settled finds a status that is no longer PENDING.
    const attempt = this.run(async () => {
      if (this.stopped) return null;
      await deliverClaimed(database, [id], async ([message]) => {
        try {
          await this.untilAbandoned(transport.send(outgoing(message!)));
          return { ok: true, at: new Date() };
        } catch (err) {
          if (this.abandon.signal.aborted) throw err;
          return failure(err);
        }
      });
      return notificationById(database.db, id);
    }).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, attempt);
    return attempt;
  }

  /**
   * Delivers every notification of `ids` still PENDING: in one bulk hand-over when the transport
   * can, otherwise one at a time (at most `concurrency` at once); logs failures to record.
   */
  async deliverAll(ids: readonly number[]): Promise<void> {
    if (this.deps.transport.sendMany) {
      await this.deliverMany(ids);
      return;
    }
    await Promise.all(
      ids.map((id) =>
        this.deliver(id).catch((err: unknown) => {
          this.options.logger?.error("notification delivery not recorded", { notificationId: id, error: err instanceof Error ? err.message : String(err) });
        }),
      ),
    );
  }

  /**
   * Hands notifications just committed PENDING to the transport: ONE claim, ONE `sendMany`, then
   * ONE statement recording SENT, or FAILED with the reason for all of them when the hand-over
   * fails. Without `sendMany`, one at a time through `deliver`. Call it right after the commit,
   * without an await in between, so the ids are registered before this process's sweeper can
   * look at them. Never rejects.
   */
  deliverMessages(messages: readonly PendingMessage[]): Promise<void> {
    return this.deliverAll(messages.map((m) => m.id));
  }

  private deliverMany(all: readonly number[]): Promise<void> {
    const ids = all.filter((id) => !this.isInFlight(id));
    if (ids.length === 0) return Promise.resolve();
    const { database, transport } = this.deps;
    const attempt: Promise<void> = this.run(async () => {
      if (this.stopped) return;
      await deliverClaimed(database, ids, async (messages) => {
        try {
          await this.untilAbandoned(transport.sendMany!(messages.map(outgoing)));
          return { ok: true, at: new Date() };
        } catch (err) {
          if (this.abandon.signal.aborted) throw err;
          return failure(err);
        }
      });
    })
      .catch((err: unknown) => {
        this.options.logger?.error("bulk notification delivery not recorded", { count: ids.length, firstId: ids[0], error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        for (const id of ids) this.bulkInFlight.delete(id);
      });
    for (const id of ids) this.bulkInFlight.set(id, attempt);
    return attempt;
  }

  /** Whether an attempt for `id` is running or queued in this process. */
  isInFlight(id: number): boolean {
    return this.inFlight.has(id) || this.bulkInFlight.has(id);
  }

  /**
   * A hand-over that rejects once the service gives up on it: the claim's transaction then rolls
   * back (PostgreSQL: the lock goes) and nothing is recorded, so the notification stays PENDING.
   */
  private untilAbandoned<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.abandon;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error("hand-over abandoned: the service stopped before the transport answered"));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /**
   * Starts no new attempt and waits for the running ones; those still running when `deadline`
   * passes are abandoned (their claims released, their notifications left PENDING for another
   * replica's sweeper: at least once). Queued notifications stay PENDING in the database.
   */
  async stop(deadline?: DrainDeadline): Promise<void> {
    this.stopped = true;
    const running = Promise.allSettled([...this.inFlight.values(), ...new Set(this.bulkInFlight.values())]);
    if (deadline && !(await settledBefore(running, deadline))) {
      this.options.logger?.warn("drain timeout: notification hand-overs still running are abandoned; they stay PENDING", { running: this.inFlight.size + this.bulkInFlight.size });
      this.abandon.abort();
    }
    await running;
    this.options.logger?.info("notification deliveries stopped; claims released");
  }
}
