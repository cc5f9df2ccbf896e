/** The order status machine (`@ops/rules`' orderStatus.ts) with a refused move as a GraphQL CONFLICT. */
import { orderMoveError, type OrderStatus } from "@ops/rules";
import { throwRuleError } from "@ops/service-kit";

export { allowedTransitions, roleForMove, sourcesOf, STATUS_RANK, type OrderStatus } from "@ops/rules";

/** Throws CONFLICT (field `input.status`, params `{ from, to, allowed }`) when `from → to` is not in the machine. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  throwRuleError(orderMoveError(from, to));
}
