/**
 * The order service's ImportBatch entity, extended with the batch's notifications (import
 * confirmations, stored with its `batch_id`) and their counts per status. Each field costs one SQL
 * statement per request, whatever the number of batches (DataLoaders over the read connection).
 */
import { encodeCursor, pageSize } from "@ops/service-kit";
import type { NotificationContext } from "../context.js";
import type { Notification } from "../domain/notification.js";

interface BatchRef {
  batchId: string;
}

const cursorOf = (n: Notification) => encodeCursor(n.createdAt.toISOString(), n.id);

export const ImportBatch = {
  // Batches live in the order service; any id is a valid reference here (with no notifications if unknown).
  __resolveReference: (ref: BatchRef) => ({ batchId: String(ref.batchId) }),
  notifications: async (batch: BatchRef, args: { first?: number | null; after?: string | null }, ctx: NotificationContext) => {
    const first = pageSize(args.first, 200, 50);
    // One more than the page, to know whether there is a next page.
    const rows = await ctx.loaders.batchNotifications(first + 1, args.after).load(batch.batchId);
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return {
      // Only counted when asked for (the counts loader: one statement for every batch of the request).
      totalCount: async () => (await ctx.loaders.batchCounts.load(batch.batchId)).total,
      edges: page.map((node) => ({ cursor: cursorOf(node), node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? cursorOf(last) : null },
    };
  },
  notificationCounts: (batch: BatchRef, _: unknown, ctx: NotificationContext) => ctx.loaders.batchCounts.load(batch.batchId),
};
