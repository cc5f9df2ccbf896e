/** Validation of a new order: the rules of seed section 3, with field paths for the UI. */
import { BadUserInputError, requireCleanText } from "@ops/service-kit";
import { isValidEmail } from "./email.js";
import { MAX_ITEMS, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "./orderLimits.js";

export { isValidEmail, MAX_ITEMS };

export interface NewOrderItem {
  productName: string;
  quantity: number;
  unitPrice: number;
}

export interface NewOrder {
  customerEmail: string;
  customerName: string;
  currency?: string | null;
  items: NewOrderItem[];
}

export interface ValidOrder {
  customerEmail: string;
  customerName: string;
  currency: "JPY";
  totalAmount: number;
  items: NewOrderItem[];
}

const MAX_TEXT = 200;


/** Checks an order and computes its total; throws BAD_USER_INPUT naming the first bad field. */
export function validateOrder(input: NewOrder, path = "input"): ValidOrder {
  const customerEmail = requireCleanText(input.customerEmail, `${path}.customerEmail`).trim().toLowerCase();
  if (!isValidEmail(customerEmail)) {
    throw new BadUserInputError(`"${input.customerEmail}" is not a valid e-mail address`, { field: `${path}.customerEmail`, params: { value: input.customerEmail } });
  }
  const customerName = requireCleanText(input.customerName, `${path}.customerName`).trim();
  if (!customerName) throw new BadUserInputError("The customer name is required", { field: `${path}.customerName` });
  if (customerName.length > MAX_TEXT) {
    throw new BadUserInputError(`The customer name is longer than ${MAX_TEXT} characters`, { field: `${path}.customerName`, params: { max: MAX_TEXT } });
  }
  const currency = (input.currency ?? "JPY").trim().toUpperCase();
  if (currency !== "JPY") {
    throw new BadUserInputError(`Currency ${input.currency} is not supported; orders are in JPY`, { field: `${path}.currency`, params: { allowed: ["JPY"] } });
  }
  if (input.items.length === 0) throw new BadUserInputError("An order needs at least one item", { field: `${path}.items`, params: { min: 1 } });
  if (input.items.length > MAX_ITEMS) {
    throw new BadUserInputError(`An order holds at most ${MAX_ITEMS} items`, { field: `${path}.items`, params: { max: MAX_ITEMS } });
  }
  let totalAmount = 0;
  const items = input.items.map((item, i) => {
    const field = `${path}.items.${i}`;
    const productName = requireCleanText(item.productName, `${field}.productName`).trim();
    if (!productName) throw new BadUserInputError("The product name is required", { field: `${field}.productName` });
    if (productName.length > MAX_TEXT) {
      throw new BadUserInputError(`The product name is longer than ${MAX_TEXT} characters`, { field: `${field}.productName`, params: { max: MAX_TEXT } });
    }
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      throw new BadUserInputError(`Quantity must be a whole number greater than 0, got ${item.quantity}`, { field: `${field}.quantity`, params: { min: 1, value: item.quantity } });
    }
    if (item.quantity > MAX_QUANTITY) {
      throw new BadUserInputError(`Quantity is at most ${withCommas(MAX_QUANTITY)} per item, got ${withCommas(item.quantity)}`, { field: `${field}.quantity`, params: { max: MAX_QUANTITY, value: item.quantity } });
    }
    if (!Number.isInteger(item.unitPrice) || item.unitPrice <= 0) {
      throw new BadUserInputError(`Unit price must be a whole number of yen greater than 0, got ${item.unitPrice}`, { field: `${field}.unitPrice`, params: { min: 1, value: item.unitPrice } });
    }
    if (item.unitPrice > MAX_UNIT_PRICE) {
      throw new BadUserInputError(`Unit price is at most ${withCommas(MAX_UNIT_PRICE)} JPY, got ${withCommas(item.unitPrice)}`, { field: `${field}.unitPrice`, params: { max: MAX_UNIT_PRICE, value: item.unitPrice } });
    }
    // Exact: at most MAX_ITEMS × MAX_QUANTITY × MAX_UNIT_PRICE = 10^13, far below 2^53.
    totalAmount += item.quantity * item.unitPrice;
    return { productName, quantity: item.quantity, unitPrice: item.unitPrice };
  });
  // The limit keeps every figure an order answers with, and every sum of them, exact (orderLimits.ts).
  if (totalAmount > MAX_ORDER_TOTAL) {
    throw new BadUserInputError(`The order total of ${withCommas(totalAmount)} JPY is over the limit of ${withCommas(MAX_ORDER_TOTAL)} JPY per order`, {
      field: `${path}.items`,
      params: { max: MAX_ORDER_TOTAL, total: totalAmount },
    });
  }
  return { customerEmail, customerName, currency: "JPY", totalAmount, items };
}

/** 1234567 → "1,234,567", the way the messages write amounts and counts. */
function withCommas(n: number): string {
  return n.toLocaleString("en");
}
