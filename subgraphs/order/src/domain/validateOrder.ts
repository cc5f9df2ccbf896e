/** Validation of a new order: the rules of seed section 3, with field paths for the UI. */
import { BadUserInputError } from "@ops/service-kit";
import { isValidEmail } from "./email.js";
import { MAX_ITEMS } from "./orderLimits.js";

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
  const customerEmail = input.customerEmail.trim().toLowerCase();
  if (!isValidEmail(customerEmail)) {
    throw new BadUserInputError(`"${input.customerEmail}" is not a valid e-mail address`, { field: `${path}.customerEmail`, params: { value: input.customerEmail } });
  }
  const customerName = input.customerName.trim();
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
    const productName = item.productName.trim();
    if (!productName) throw new BadUserInputError("The product name is required", { field: `${field}.productName` });
    if (productName.length > MAX_TEXT) {
      throw new BadUserInputError(`The product name is longer than ${MAX_TEXT} characters`, { field: `${field}.productName`, params: { max: MAX_TEXT } });
    }
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      throw new BadUserInputError(`Quantity must be a whole number greater than 0, got ${item.quantity}`, { field: `${field}.quantity`, params: { min: 1, value: item.quantity } });
    }
    if (!Number.isInteger(item.unitPrice) || item.unitPrice <= 0) {
      throw new BadUserInputError(`Unit price must be a whole number of yen greater than 0, got ${item.unitPrice}`, { field: `${field}.unitPrice`, params: { min: 1, value: item.unitPrice } });
    }
    totalAmount += item.quantity * item.unitPrice;
    return { productName, quantity: item.quantity, unitPrice: item.unitPrice };
  });
  if (!Number.isSafeInteger(totalAmount)) {
    throw new BadUserInputError("The order total is too large", { field: `${path}.items` });
  }
  return { customerEmail, customerName, currency: "JPY", totalAmount, items };
}
