/**
 * A service's part in the cross-service flows: its outbox dispatcher (when it produces events)
 * and its webhook receiver (when it consumes them), created from its server options.
 */
import { eventProblems } from "@ops/contracts";
import type { Express } from "express";
import type { OutboxTuning } from "../config.js";
import type { ServiceDb } from "../data/openDatabase.js";
import type { Logger } from "../logger.js";
import { NotFoundError, ConflictError } from "../errors.js";
import { pageSize, parseId } from "../pagination.js";
import { OutboxDispatcher, type OutboxEntryRow, type OutboxFigures } from "./dispatcher.js";
import { mountWebhookReceiver, type EventHandler } from "./receiver.js";

export interface EventWiring {
  webhookSecret: string;
  /** Destination service → webhook URL; read at delivery time (in-process tests learn ports late). */
  destinations: () => Record<string, string>;
  tuning?: Partial<OutboxTuning>;
}

export interface ServiceEvents {
  /** Delivers pending events now; call after committing a transaction that wrote some. */
  wake(): void;
  /** The outbox's counts, for the consistency report. */
  figures(): Promise<OutboxFigures>;
  /** GraphQL resolvers `<service>Outbox`, `<service>OutboxFigures` and `replay<Service>Event`. */
  resolvers(service: string): { Query: Record<string, unknown>; Mutation: Record<string, unknown> };
  stop(): Promise<void>;
}

function toEntry(service: string, r: OutboxEntryRow) {
  return {
    id: String(r.id),
    service,
    eventId: r.event_id,
    type: r.type,
    destination: r.destination,
    status: r.status.toUpperCase(),
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
  };
}

/** Starts the outbox dispatcher on `database` (the service's `ServiceDb`). */
export function startServiceEvents(database: ServiceDb<any>, wiring: EventWiring, logger: Logger): ServiceEvents {
  const dispatcher = new OutboxDispatcher({
    database,
    destinations: new Proxy({}, { get: (_t, name: string) => wiring.destinations()[name] }) as Record<string, string>,
    webhookSecret: wiring.webhookSecret,
    logger,
    ...wiring.tuning,
  });
  dispatcher.start();
  return {
    wake: () => dispatcher.wake(),
    figures: () => dispatcher.figures(),
    resolvers: (service) => {
      const Service = service.charAt(0).toUpperCase() + service.slice(1);
      return {
        Query: {
          [`${service}Outbox`]: async (_: unknown, args: { status?: string | null; first?: number | null }) =>
            (await dispatcher.list((args.status ?? "DEAD").toLowerCase() as "dead", pageSize(args.first, 500, 50))).map((r) => toEntry(service, r)),
          [`${service}OutboxFigures`]: async () => ({ service, ...(await dispatcher.figures()) }),
        },
        Mutation: {
          [`replay${Service}Event`]: async (_: unknown, args: { id: string }) => {
            const id = parseId(args.id);
            const row = await dispatcher.get(id);
            if (!row) throw new NotFoundError(`Outbox entry ${id} does not exist`, { field: "id", params: { id } });
            if (row.status === "delivered") throw new ConflictError(`Event ${row.event_id} was already delivered to ${row.destination}`, { field: "id", params: { status: "DELIVERED" } });
            await dispatcher.replay(id);
            return toEntry(service, (await dispatcher.get(id))!);
          },
        },
      };
    },
    stop: () => dispatcher.stop(),
  };
}

/** Mounts POST /webhooks/events for `handle`; every event is checked against its contract first. */
export function receiveEvents(app: Express, webhookSecret: string, handle: EventHandler, logger: Logger): void {
  mountWebhookReceiver(app, { secret: webhookSecret, handle, contracts: eventProblems, logger });
}
