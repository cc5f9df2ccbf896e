/**
 * The numbers of an order: how many lines, each line's quantity and unit price (whole yen), and
 * the total, within the limits of orderLimits.ts. Numbers arrive already read (the API's Int and
 * Yen scalars, the CSV's `parseQuantity` / `parseAmount`, the UI's `parseWholeNumber`).
 */
import { MAX_ITEMS, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "./orderLimits.js";
import { badInput, withCommas, type RuleError } from "./ruleError.js";

/**
 * Why `quantity` cannot be a line's quantity, or null: `notPositiveWhole` (`{ min: 1, value }`:
 * 0, negative, a fraction, NaN, Infinity) or `tooLarge` (`{ max, value }`, 2^53 and beyond too).
 */
export function quantityError(quantity: number, field: string): RuleError | null {
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return badInput("notPositiveWhole", field, `Quantity must be a whole number greater than 0, got ${quantity}`, { min: 1, value: quantity });
  }
  if (quantity > MAX_QUANTITY) {
    return badInput("tooLarge", field, `Quantity is at most ${withCommas(MAX_QUANTITY)} per item, got ${withCommas(quantity)}`, { max: MAX_QUANTITY, value: quantity });
  }
  return null;
}

/** Why `unitPrice` cannot be a line's price in whole yen, or null: as `quantityError`, with MAX_UNIT_PRICE. */
export function unitPriceError(unitPrice: number, field: string): RuleError | null {
  if (!Number.isInteger(unitPrice) || unitPrice <= 0) {
    return badInput("notPositiveWhole", field, `Unit price must be a whole number of yen greater than 0, got ${unitPrice}`, { min: 1, value: unitPrice });
  }
  if (unitPrice > MAX_UNIT_PRICE) {
    return badInput("tooLarge", field, `Unit price is at most ${withCommas(MAX_UNIT_PRICE)} JPY, got ${withCommas(unitPrice)}`, { max: MAX_UNIT_PRICE, value: unitPrice });
  }
  return null;
}

/** Why an order of `count` lines cannot be taken, or null: `tooFewItems` (`{ min: 1 }`) or `tooManyItems` (`{ max }`). */
export function itemCountError(count: number, field = "items"): RuleError | null {
  if (count < 1) return badInput("tooFewItems", field, "An order needs at least one item", { min: 1 });
  if (count > MAX_ITEMS) return badInput("tooManyItems", field, `An order holds at most ${MAX_ITEMS} items`, { max: MAX_ITEMS });
  return null;
}

/**
 * The sum of quantity × unit price. Exact for lines within the limits: at most
 * MAX_ITEMS × MAX_QUANTITY × MAX_UNIT_PRICE = 10^13, far below 2^53.
 */
export function orderTotal(items: readonly { quantity: number; unitPrice: number }[]): number {
  let total = 0;
  for (const item of items) total += item.quantity * item.unitPrice;
  return total;
}

/**
 * Why an order cannot total `total` yen, or null: `totalTooLarge` (`{ max, total }`). The limit
 * keeps every figure an order answers with, and every sum of them, exact (orderLimits.ts).
 */
export function orderTotalError(total: number, field = "items"): RuleError | null {
  if (total <= MAX_ORDER_TOTAL) return null;
  return badInput("totalTooLarge", field, `The order total of ${withCommas(total)} JPY is over the limit of ${withCommas(MAX_ORDER_TOTAL)} JPY per order`, { max: MAX_ORDER_TOTAL, total });
}
