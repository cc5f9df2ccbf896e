/**
 * `import.confirmations` (issue 5, DESIGN section 6): the order service's bulk import writes its
 * orders in chunks of about 2,000 and, in the same transaction, one event per chunk carrying the
 * chunk's order snapshots and the import's `sendConfirmations` choice:
 *   EACH → an ORDER_CONFIRMATION per order, stored PENDING and handed to the transport after the
 *          commit (in one `sendMany` when the transport can);
 *   NONE → the same notification rendered but stored NOT_SENT and never handed to a transport, so
 *          the history shows the decision.
 * Every notification carries the import's `batch_id`. This is a bulk path at the database's
 * speed: in ONE transaction the event is marked processed, the template compiled once, every
 * order rendered and every row inserted with a few multi-row statements (ids in order).
 *
 * Exactly one confirmation per order: an order that already has an ORDER_CONFIRMATION (its
 * `order.confirmed` overtook this event, e.g. after an outage) is skipped here, as
 * `order.confirmed` skips the orders this event covered (orderEvents.ts).
 *
 * The event's data is `ImportConfirmationsData` (`@ops/contracts`), checked by the receiver.
 */
import type { ImportConfirmationsData } from "@ops/contracts";
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import type { NotificationDatabase } from "../db/database.js";
import { CONFIRMATION_TEMPLATE, ordersToNotify, storeRendered, type AppliedEvent } from "./orderEvents.js";

/** Applies one `import.confirmations` event exactly once; the caller delivers `toDeliver` after it resolves. */
export async function applyImportConfirmations(database: NotificationDatabase, event: EventEnvelope<ImportConfirmationsData>): Promise<AppliedEvent> {
  const data = event.data;
  return database.transaction(async (trx) => {
    if (!(await markProcessed(trx, event))) return { result: "duplicate", toDeliver: [], stored: 0, skipped: 0 };
    const orders = await ordersToNotify(database, trx, CONFIRMATION_TEMPLATE, data.orders);
    const skipped = data.orders.length - orders.length;
    if (orders.length === 0) return { result: "applied", toDeliver: [], stored: 0, skipped };
    const { rows, toDeliver } = await storeRendered(trx, CONFIRMATION_TEMPLATE, orders, {
      eventType: event.type,
      batchId: data.batchId,
      deliver: data.sendConfirmations === "EACH",
    });
    return { result: "applied", toDeliver, stored: rows.length, skipped };
  });
}
