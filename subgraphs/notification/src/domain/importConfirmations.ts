/**
 * `import.confirmations` (issue 5, DESIGN section 6): the order service's bulk import writes its
 * orders in chunks of about 2,000 and, in the same transaction, one event per chunk carrying the
 * chunk's order snapshots and the import's `sendConfirmations` choice:
 *   EACH → an ORDER_CONFIRMATION per order, stored PENDING and handed to the transport after the
 *          commit (in one `sendMany` when the transport can);
 *   NONE → the same notification rendered but stored NOT_SENT and never handed to a transport, so
 *          the history shows the decision.
 * Every notification carries the import's `batch_id`. This is a bulk path at the database's
 * speed: in ONE transaction on the bulk connection the event is marked processed, the template
 * compiled once, every order rendered and every row inserted with one prepared statement.
 *
 * Exactly one confirmation per order: an order that already has an ORDER_CONFIRMATION (its
 * `order.confirmed` overtook this event, e.g. after an outage) is skipped here, as
 * `order.confirmed` skips the orders this event covered (orderEvents.ts).
 *
 * The contract is the order service's `ImportConfirmationsData` (subgraphs/order/src/import/importTypes.ts).
 */
import { markProcessedSync, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { insertNotifications, ordersWithTemplate, renderNotifications, type SnapshotLike } from "./bulkNotifications.js";
import { CONFIRMATION_TEMPLATE, distinctOrders, validSnapshots, type AppliedEvent } from "./orderEvents.js";

export const IMPORT_CONFIRMATIONS = "import.confirmations";

/** The event's data, as the order service's import writes it. */
export interface ImportConfirmationsData {
  batchId: string;
  importId: number;
  sendConfirmations: "EACH" | "NONE";
  orders: SnapshotLike[];
}

/** The event's data; throws (the producer retries, then dead-letters) when malformed. */
function importData(event: EventEnvelope): ImportConfirmationsData {
  const data = event.data as Partial<ImportConfirmationsData> | null;
  const valid =
    !!data &&
    typeof data.batchId === "string" &&
    data.batchId.length > 0 &&
    (data.sendConfirmations === "EACH" || data.sendConfirmations === "NONE") &&
    validSnapshots(data.orders);
  if (!valid) throw new Error(`event ${event.id} (${event.type}) has no valid batchId, sendConfirmations (EACH or NONE) and orders`);
  return data as ImportConfirmationsData;
}

/** Applies one `import.confirmations` event exactly once; the caller delivers `toDeliver` after it resolves. */
export async function applyImportConfirmations(bulk: BulkDb, event: EventEnvelope): Promise<AppliedEvent> {
  const data = importData(event);
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return { result: "duplicate", toDeliver: [], stored: 0, skipped: 0 };
    const distinct = distinctOrders(data.orders);
    const confirmed = ordersWithTemplate(bulk, distinct.map((o) => o.id), CONFIRMATION_TEMPLATE);
    const orders = distinct.filter((o) => !confirmed.has(o.id));
    const skipped = data.orders.length - orders.length;
    if (orders.length === 0) return { result: "applied", toDeliver: [], stored: 0, skipped };
    const rows = renderNotifications(bulk, CONFIRMATION_TEMPLATE, orders, {
      eventType: event.type,
      batchId: data.batchId,
      deliver: data.sendConfirmations === "EACH",
    });
    return { result: "applied", toDeliver: insertNotifications(bulk, rows), stored: rows.length, skipped };
  });
}
