/**
 * Events the order service receives. `payment.completed` (one payment, or a whole imported batch)
 * confirms each PENDING order it names and so produces `order.confirmed`; other types are recorded
 * and ignored. Applied exactly once per event id.
 */
import { isEvent, PAYMENT_COMPLETED } from "@ops/contracts";
import type { EventEnvelope } from "@ops/service-kit/lite";
import { markProcessed } from "../db/events.js";
import type { OrderServiceDb } from "../db/index.js";
import { confirmPaidOrders } from "./bulkConfirm.js";

/** Applies one event the webhook receiver has accepted (its data checked against its contract). */
export async function handleOrderEvent(database: OrderServiceDb, event: EventEnvelope): Promise<"applied" | "duplicate" | "ignored"> {
  if (isEvent(event, PAYMENT_COMPLETED)) return confirmPaidOrders(database, event);
  return database.transaction(async (trx) => ((await markProcessed(trx, event)) ? "ignored" : "duplicate"));
}
