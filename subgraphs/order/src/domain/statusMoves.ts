/**
 * The order status machine's moves (DESIGN section 3) as plain data, free of any import: the
 * import and undo worker thread loads this without Apollo or Prisma. `statusMachine.ts` adds the
 * errors and role rules the API needs.
 */
export type OrderStatus = "PENDING" | "CONFIRMED" | "SHIPPED" | "DELIVERED" | "CANCELLED";

export const MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  CANCELLED: [],
};

/** Position in the lifecycle, so an event that arrives late never moves an order back. */
export const STATUS_RANK: Record<OrderStatus, number> = { PENDING: 0, CONFIRMED: 1, SHIPPED: 2, DELIVERED: 3, CANCELLED: 4 };

export function allowedTransitions(from: OrderStatus): readonly OrderStatus[] {
  return MOVES[from];
}

/** The statuses an order may move to `to` from (CANCELLED: PENDING and CONFIRMED). */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(MOVES) as OrderStatus[]).filter((from) => MOVES[from].includes(to));
}
