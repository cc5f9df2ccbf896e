/**
 * The order status machine's moves, from `@ops/rules` (orderStatus.ts), under the names the order
 * service has always used; `statusMachine.ts` adds the GraphQL error for a refused move.
 */
export { allowedTransitions, MOVES, sourcesOf, STATUS_RANK, type OrderStatus } from "@ops/rules";
