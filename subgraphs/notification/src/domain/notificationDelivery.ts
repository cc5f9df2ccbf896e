/**
 * The one way a PENDING notification reaches a transport in this process: sending, resending, the
 * order-event flows and the sweeper all go through `NotificationDelivery`, which
 * - runs at most one attempt per notification at a time (a second caller shares the first's),
 * - re-reads the notification first and leaves it alone unless it is still PENDING,
 * - then uses `deliverNotification` (SENT, or FAILED with the reason; its PENDING guard on the
 *   update is the last line of defence),
 * so a notification committed PENDING is handed to the transport once, whoever finds it first.
 */
import type { Logger } from "@ops/service-kit";
import type { Notification, NotificationDb } from "../db.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import { deliverNotification } from "./sendNotification.js";

export interface DeliveryDeps {
  db: NotificationDb;
  transport: NotificationTransport;
}

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

  /** Delivers every notification of `ids` (at most `concurrency` at once); logs failures to record. */
  async deliverAll(ids: readonly number[]): Promise<void> {
    await Promise.all(
      ids.map((id) =>
        this.deliver(id).catch((err: unknown) => {
          this.options.logger?.error("notification delivery not recorded", { notificationId: id, error: err instanceof Error ? err.message : String(err) });
        }),
      ),
    );
  }

  /** Whether an attempt for `id` is running or queued in this process. */
  isInFlight(id: number): boolean {
    return this.inFlight.has(id);
  }

  /**
   * Starts no new attempt and waits for the running ones. Queued notifications stay PENDING in
   * the database; the sweeper delivers them after the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
