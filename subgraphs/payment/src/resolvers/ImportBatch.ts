/**
 * The order subgraph owns `ImportBatch @key(fields: "batchId")`; this subgraph contributes the
 * batch's payments and its `payment_batches` row. Both fields are batched per request: `_entities`
 * for any number of batches costs one statement for the pages and one for the batch rows.
 */
import { BadUserInputError, decodeCursor, encodeCursor, pageSize } from "@ops/service-kit";
import type { PaymentContext } from "../context.js";
import type { Payment } from "../domain/paymentTypes.js";

export interface ImportBatchRef {
  batchId: string;
}

/** Batch pages are in import order (id ascending); the cursor carries the last id seen. */
function cursorOf(payment: Payment): string {
  return encodeCursor(payment.id, payment.id);
}

function afterId(after: string | null | undefined): number {
  if (!after) return 0;
  const { sortValue, id } = decodeCursor(after);
  if (sortValue !== id || id < 0) throw new BadUserInputError(`"${after}" is not a cursor of a batch's payments`, { field: "after" });
  return id;
}

export const ImportBatch = {
  __resolveReference: (ref: ImportBatchRef) => ({ batchId: String(ref.batchId) }),
  payments: async (batch: ImportBatchRef, args: { first?: number | null; after?: string | null }, ctx: PaymentContext) => {
    const first = pageSize(args.first, 200, 50);
    const page = await ctx.loaders.batchPayments.load({ batchId: batch.batchId, afterId: afterId(args.after), limit: first + 1 });
    const nodes = page.payments.slice(0, first);
    const last = nodes[nodes.length - 1];
    return {
      totalCount: page.totalCount,
      edges: nodes.map((node) => ({ cursor: cursorOf(node), node })),
      pageInfo: { hasNextPage: page.payments.length > first, endCursor: last ? cursorOf(last) : null },
    };
  },
  paymentBatch: (batch: ImportBatchRef, _: unknown, ctx: PaymentContext) => ctx.loaders.paymentBatch.load(batch.batchId),
};
