/**
 * Nothing lost on a crash: a notification committed PENDING whose delivery never happened (the
 * process was killed between the commit and the transport) is delivered by this sweeper, which
 * every few seconds hands PENDING notifications older than a threshold to NotificationDelivery.
 * That one attempt per notification at a time, re-reading the status first, so a notification a
 * request or an event is delivering right now is never sent a second time.
 *
 * It reads on its own connection (no Prisma, not in the service's query log) and only touches
 * Prisma when there is something to deliver.
 */
import { SqliteReader, sqlDate, type Logger } from "@ops/service-kit";
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

/** Starts sweeping the notifications in `dbPath` through `delivery`. */
export function startPendingSweeper(dbPath: string, delivery: NotificationDelivery, logger: Logger, tuning: Partial<SweeperTuning> = {}): PendingSweeper {
  const t = { ...DEFAULT_SWEEPER, ...tuning };
  const reader = new SqliteReader(dbPath);
  let running: Promise<number> | undefined;
  let stopped = false;

  const look = async (): Promise<number> => {
    const cutoff = sqlDate(new Date(Date.now() - t.olderThanMs));
    // julianday: rows written by Prisma and by SQL defaults store different date texts.
    const rows = reader.all<{ id: number }>(
      `SELECT id FROM notifications WHERE status = 'pending' AND julianday(created_at) < julianday(?) ORDER BY id LIMIT ?`,
      cutoff,
      t.batchSize,
    );
    const ids = rows.map((r) => r.id).filter((id) => !delivery.isInFlight(id));
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
      reader.close();
    },
  };
}
