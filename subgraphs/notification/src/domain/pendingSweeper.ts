/**
 * Nothing lost on a crash: a notification committed PENDING whose delivery never happened (the
 * process was killed between the commit and the transport) is delivered by this sweeper, which
 * every few seconds hands PENDING notifications older than a threshold to NotificationDelivery.
 * That claims each notification in the database before handing it over, so one a request, an
 * event or another replica is delivering right now is never sent a second time.
 */
import type { Logger } from "@ops/service-kit";
import { pendingIdsBefore } from "../db/bulkNotifications.js";
import type { NotificationDatabase } from "../db/database.js";
import type { NotificationDelivery } from "./notificationDelivery.js";

export interface SweeperTuning {
  /** How often to look (default 5 s). */
  intervalMs: number;
  /** Only PENDING notifications created longer ago than this (default 10 s). */
  olderThanMs: number;
  /** At most this many per look (default 5,000: with the file transport they go out in one append). */
  batchSize: number;
}

export const DEFAULT_SWEEPER: SweeperTuning = { intervalMs: 5000, olderThanMs: 10_000, batchSize: 5000 };

export interface PendingSweeper {
  /** One look now; resolves to how many notifications it handed over (0 when a look is running). */
  sweep(): Promise<number>;
  /** Stops looking and waits for the current look. */
  stop(): Promise<void>;
}

/** Starts sweeping the notifications of `database` through `delivery`. */
export function startPendingSweeper(database: NotificationDatabase, delivery: NotificationDelivery, logger: Logger, tuning: Partial<SweeperTuning> = {}): PendingSweeper {
  const t = { ...DEFAULT_SWEEPER, ...tuning };
  let running: Promise<number> | undefined;
  let stopped = false;

  const look = async (): Promise<number> => {
    const found = await pendingIdsBefore(database.db, new Date(Date.now() - t.olderThanMs), t.batchSize);
    const ids = found.filter((id) => !delivery.isInFlight(id));
    if (ids.length === 0) return 0;
    logger.warn("delivering notifications left pending", { count: ids.length, olderThanMs: t.olderThanMs });
    await delivery.deliverAll(ids);
    return ids.length;
  };

  const sweep = (): Promise<number> => {
    if (stopped || running) return Promise.resolve(0);
    running = look()
      .catch((err: unknown) => {
        logger.error("pending notification sweep failed", { error: err instanceof Error ? err.message : String(err) });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void sweep(), t.intervalMs);
  timer.unref();
  // Leftovers of a previous run are old enough already: deliver them right away.
  void sweep();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
