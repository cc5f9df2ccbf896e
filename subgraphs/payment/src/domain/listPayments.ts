/** The payment list: status and batch filters, newest first, keyset pagination and total count. */
import { BadUserInputError, decodeCursor, encodeCursor } from "@ops/service-kit";
import type { Queries } from "../db/database.js";
import { countPayments, paymentPage } from "../db/payments.js";
import type { Payment, PaymentCursor, PaymentFilter } from "./paymentTypes.js";

export type { PaymentFilter };

function cursorOf(payment: Payment): string {
  return encodeCursor(payment.createdAt.toISOString(), payment.id);
}

function readCursor(after: string): PaymentCursor {
  const { sortValue, id } = decodeCursor(after);
  const createdAt = new Date(String(sortValue));
  if (Number.isNaN(createdAt.getTime())) throw new BadUserInputError(`"${after}" is not a cursor this API issued`, { field: "after" });
  return { createdAt, id };
}

/** One page of payments (newest first) after `after`, with the total across all pages: two statements. */
export async function listPayments(q: Queries, args: { first: number; after?: string | null; filter?: PaymentFilter | null }) {
  const after = args.after ? readCursor(args.after) : null;
  const [rows, totalCount] = await Promise.all([paymentPage(q, { filter: args.filter, after, limit: args.first + 1 }), countPayments(q, args.filter)]);
  const page = rows.slice(0, args.first);
  const last = page[page.length - 1];
  return {
    totalCount,
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? cursorOf(last) : null },
  };
}
