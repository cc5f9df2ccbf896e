/**
 * A new order as the API takes it (seed section 3): every field checked by its rule, in the order
 * a form shows them, and the total computed here — never taken from the client.
 */
import { checkCurrency } from "./currency.js";
import { checkCustomerEmail } from "./customerEmail.js";
import { checkName } from "./names.js";
import { itemCountError, orderTotal, orderTotalError, quantityError, unitPriceError } from "./orderAmounts.js";
import type { Checked } from "./ruleError.js";

export interface NewOrderItem {
  productName: string;
  quantity: number;
  unitPrice: number;
}

export interface NewOrder {
  customerEmail: string;
  customerName: string;
  currency?: string | null;
  items: readonly NewOrderItem[];
}

export interface ValidOrder {
  customerEmail: string;
  customerName: string;
  currency: "JPY";
  totalAmount: number;
  items: NewOrderItem[];
}

/**
 * Checks `input` and computes its total: the normalised order, or the first refusal with its field
 * relative to the input (`customerEmail`, `items.2.unitPrice`, `items` for the count and total).
 */
export function validateOrderInput(input: NewOrder): Checked<ValidOrder> {
  const email = checkCustomerEmail(input.customerEmail);
  if (!email.ok) return email;
  const name = checkName(input.customerName, "customer", "customerName");
  if (!name.ok) return name;
  const currency = checkCurrency(input.currency);
  if (!currency.ok) return currency;
  const count = itemCountError(input.items.length);
  if (count) return { ok: false, error: count };
  const items: NewOrderItem[] = [];
  for (const [i, item] of input.items.entries()) {
    const productName = checkName(item.productName, "product", `items.${i}.productName`);
    if (!productName.ok) return productName;
    const error = quantityError(item.quantity, `items.${i}.quantity`) ?? unitPriceError(item.unitPrice, `items.${i}.unitPrice`);
    if (error) return { ok: false, error };
    items.push({ productName: productName.value, quantity: item.quantity, unitPrice: item.unitPrice });
  }
  const totalAmount = orderTotal(items);
  const total = orderTotalError(totalAmount);
  if (total) return { ok: false, error: total };
  return { ok: true, value: { customerEmail: email.value, customerName: name.value, currency: currency.value, totalAmount, items } };
}
