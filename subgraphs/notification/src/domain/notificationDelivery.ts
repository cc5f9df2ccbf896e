/**
 * The one way a PENDING notification reaches a transport in this process: sending, resending, the
 * order-event flows and the sweeper all go through `NotificationDelivery`, which
 * - runs at most one attempt per notification at a time (a second caller shares the first's),
 * - re-reads the notification first and leaves it alone unless it is still PENDING,
 * - then uses `deliverNotification` (SENT, or FAILED with the reason; its PENDING guard on the
 *   update is the last line of defence),
 * so a notification committed PENDING is handed to the transport once, whoever finds it first.
 *
 * Many at once (`deliverMessages`, `deliverAll`): when the transport has `sendMany` (the file
 * transport) and the bulk connection is given, a whole event's notifications are handed over in
 * ONE `sendMany` and recorded SENT (or FAILED with the reason) in ONE statement; otherwise (SMTP)
 * one message at a time through `deliver`, at most `concurrency` at once. A bulk hand-over takes
 * one slot and claims its ids like a single attempt does, so nothing overtakes or repeats it.
 */
import type { BulkDb, Logger } from "@ops/service-kit";
import type { Notification, NotificationDb } from "../db.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import { pendingMessages, recordBulkDelivery, type BulkOutcome, type PendingMessage } from "./bulkNotifications.js";
import { deliverNotification } from "./sendNotification.js";

export interface DeliveryDeps {
  db: NotificationDb;
  transport: NotificationTransport;
  /** The bulk connection: with it (and a transport that has `sendMany`) many go out at once. */
  bulk?: BulkDb;
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

/** Delivers PENDING notifications, never two attempts for one notification at once. */
export class NotificationDelivery {
  private readonly inFlight = new Map<number, Promise<Notification | null>>();
  /** Ids claimed by a running bulk hand-over, all sharing its promise. */
  private readonly bulkInFlight = new Map<number, Promise<void>>();
  private readonly run: Slots;
  private stopped = false;

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
    // Part of a bulk hand-over: join it, then answer with the notification as it is afterwards.
    const bulk = this.bulkInFlight.get(id);
    if (bulk) return bulk.then(() => this.deps.db.notification.findUnique({ where: { id } }));
    // Registered before any await: whoever asks for `id` from now on joins this attempt, and one
    // that asks after it settled re-reads a status that is no longer PENDING.
    const attempt = this.run(async () => {
      if (this.stopped) return null;
      const current = await this.deps.db.notification.findUnique({ where: { id } });
      if (current?.status !== "PENDING") return current;
      return deliverNotification(this.deps, current);
    }).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, attempt);
    return attempt;
  }

  /**
   * Delivers every notification of `ids` still PENDING: in one bulk hand-over when possible (one
   * SELECT reads them), otherwise one at a time (at most `concurrency` at once); logs failures to record.
   */
  async deliverAll(ids: readonly number[]): Promise<void> {
    const { bulk } = this.deps;
    if (bulk && this.deps.transport.sendMany) {
      // Read and claimed without an await in between: no other attempt can start in the gap.
      await this.deliverMessages(pendingMessages(bulk, ids.filter((id) => !this.isInFlight(id))));
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
   * Hands notifications just committed PENDING to the transport, with the rendered messages the
   * caller already holds (no re-read): ONE `sendMany` then ONE statement recording SENT, or
   * FAILED with the reason for all of them when the hand-over fails. Without `sendMany` or the
   * bulk connection, one at a time through `deliver`. Call it right after the commit, without an
   * await in between, so the ids are claimed before anyone else can see them. Never rejects.
   */
  deliverMessages(messages: readonly PendingMessage[]): Promise<void> {
    const { bulk, transport } = this.deps;
    if (!bulk || !transport.sendMany) return this.deliverAll(messages.map((m) => m.id));
    const claimed = messages.filter((m) => !this.isInFlight(m.id));
    if (claimed.length === 0) return Promise.resolve();
    const ids = claimed.map((m) => m.id);
    const attempt: Promise<void> = this.run(async () => {
      if (this.stopped) return;
      let outcome: BulkOutcome;
      try {
        await transport.sendMany!(claimed.map((m) => ({ channel: m.channel, recipient: m.recipient, subject: m.subject, body: m.body, notificationId: m.id })));
        outcome = { ok: true, at: new Date() };
      } catch (err) {
        const reason = (err instanceof Error ? err.message : String(err)) || "the transport gave no reason";
        outcome = { ok: false, reason: reason.slice(0, MAX_REASON) };
      }
      await recordBulkDelivery(bulk, ids, outcome);
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
   * Starts no new attempt and waits for the running ones. Queued notifications stay PENDING in
   * the database; the sweeper delivers them after the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight.values(), ...new Set(this.bulkInFlight.values())]);
  }
}
