/** A new order from the API: the order-input rules of `@ops/rules`, refusals as GraphQL errors. */
import { validateOrderInput, type NewOrder, type ValidOrder } from "@ops/rules";
import { acceptedOrThrow } from "@ops/service-kit";

export { isValidEmail, MAX_ITEMS, type NewOrder, type NewOrderItem, type ValidOrder } from "@ops/rules";

/** Checks an order and computes its total; throws BAD_USER_INPUT naming the first bad field under `path`. */
export function validateOrder(input: NewOrder, path = "input"): ValidOrder {
  return acceptedOrThrow(validateOrderInput(input), path);
}
