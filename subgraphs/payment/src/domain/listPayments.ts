/** The payment list: status and batch filters, newest first, keyset pagination and total count. */
import { BadUserInputError, decodeCursor, encodeCursor } from "@ops/service-kit";
import type { Payment, PaymentDb, Prisma } from "../db.js";
import type { PaymentStatus } from "./paymentRules.js";

export interface PaymentFilter {
  status?: PaymentStatus[] | null;
  /** Only the payments of this import batch. */
  batchId?: string | null;
}

/** The Prisma condition for a filter. */
export function paymentWhere(filter: PaymentFilter | null | undefined): Prisma.PaymentWhereInput {
  return {
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter?.batchId ? { batchId: filter.batchId } : {}),
  };
}

function cursorOf(payment: Payment): string {
  return encodeCursor(payment.createdAt.toISOString(), payment.id);
}

function afterWhere(after: string): Prisma.PaymentWhereInput {
  const { sortValue, id } = decodeCursor(after);
  const createdAt = new Date(String(sortValue));
  if (Number.isNaN(createdAt.getTime())) throw new BadUserInputError(`"${after}" is not a cursor this API issued`, { field: "after" });
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** One page of payments (newest first) after `after`, with the total across all pages. */
export async function listPayments(db: PaymentDb, args: { first: number; after?: string | null; filter?: PaymentFilter | null }) {
  const where = paymentWhere(args.filter);
  const pageWhere = args.after ? { AND: [where, afterWhere(args.after)] } : where;
  const [rows, totalCount] = await Promise.all([
    db.payment.findMany({ where: pageWhere, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: args.first + 1 }),
    db.payment.count({ where }),
  ]);
  const page = rows.slice(0, args.first);
  const last = page[page.length - 1];
  return {
    totalCount,
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? cursorOf(last) : null },
  };
}
