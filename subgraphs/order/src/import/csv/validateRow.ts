/**
 * The rules of the CSV contract (DESIGN section 6) for one row, with every failing column
 * reported. Each cell goes through the same rule as its API field (`@ops/rules`); the refusal is
 * said the import's way by ruleErrorColumns.ts.
 */
import { checkCurrency, checkCustomerEmail, checkName, checkPaymentMethod, MAX_NAME_LENGTH, MAX_ORDER_TOTAL, orderTotalError, quantityError, unitPriceError, type RuleError } from "@ops/rules";
import type { CodedReason } from "../importErrorCodes.js";
import { cellRefusal } from "../ruleErrorColumns.js";
import type { ColumnIndex, ColumnName } from "./columns.js";
import { parseAmount, parseQuantity } from "./normalizeNumber.js";

export interface ParsedRow {
  /** The row as a spreadsheet shows it: the header is row 1 (see `CsvParser`). */
  rowNumber: number;
  orderRef: string | null;
  customerEmail: string;
  /** Trimmed, otherwise as written (any Unicode; not normalised). */
  customerName: string;
  productName: string;
  quantity: number;
  unitPrice: number;
  currency: "JPY";
  paymentMethod: string | null;
  /** Only meaningful with a payment method; "completed" when the cell is empty. */
  paymentStatus: "completed" | "pending";
}

/** `reason` is English for people; `code` and `params` say the same for a client to translate. */
export type RowError = {
  rowNumber: number;
  /** The column the error concerns, or null for a rule across columns. */
  column: string | null;
  /** The cell as written in the file (less an apostrophe formula escaping added). */
  value: string | null;
  reason: string;
} & CodedReason;

/**
 * A failed row still says which order it belongs to (its trimmed order_ref, null without one), so
 * the engine can reject the whole order.
 */
export type ValidatedRow = { ok: true; row: ParsedRow } | { ok: false; rowNumber: number; orderRef: string | null; errors: RowError[] };

/** Longest customer name, product name and order_ref; the same limit as the API's names. */
export const MAX_TEXT = MAX_NAME_LENGTH;
const NONE = Object.freeze({}) as Record<string, never>;

/**
 * Validates and normalises one data record. A record shorter than the header reads its missing
 * cells as empty; cells beyond the header are ignored. The cells are values: `readCsvFile` has
 * taken off the apostrophe formula escaping adds (`'=SUM(A1)` is `=SUM(A1)` here).
 */
export function validateRow(fields: readonly string[], columns: ColumnIndex, rowNumber: number): ValidatedRow {
  let errors: RowError[] | null = null;

  const rawRef = cell(fields, columns.order_ref);
  const ref = rawRef.trim();
  if (ref.length > MAX_TEXT) errors = withError(errors, rowNumber, "order_ref", rawRef, `order_ref is longer than ${MAX_TEXT} characters`, { code: "TOO_LONG", params: { column: "order_ref", max: MAX_TEXT } });

  const rawEmail = cell(fields, columns.customer_email);
  const email = checkCustomerEmail(rawEmail);
  if (!email.ok) errors = withRefusal(errors, rowNumber, "customer_email", rawEmail, email.error);

  const rawName = cell(fields, columns.customer_name);
  const customerName = checkName(rawName, "customer", "customerName");
  if (!customerName.ok) errors = withRefusal(errors, rowNumber, "customer_name", rawName, customerName.error);

  const rawProduct = cell(fields, columns.product_name);
  const productName = checkName(rawProduct, "product", "productName");
  if (!productName.ok) errors = withRefusal(errors, rowNumber, "product_name", rawProduct, productName.error);

  const rawQuantity = cell(fields, columns.quantity);
  const quantity = parseQuantity(rawQuantity);
  // A cell that is not a number at all is refused as the API refuses a quantity that is not whole.
  const quantityProblem = isBlank(rawQuantity) ? null : quantityError(quantity ?? NaN, "quantity");
  if (isBlank(rawQuantity)) errors = withError(errors, rowNumber, "quantity", rawQuantity, "quantity is required", { code: "REQUIRED", params: { column: "quantity" } });
  else if (quantityProblem) errors = withRefusal(errors, rowNumber, "quantity", rawQuantity, quantityProblem);

  const rawPrice = cell(fields, columns.unit_price);
  const unitPrice = parseAmount(rawPrice);
  const priceProblem = isBlank(rawPrice) ? null : unitPriceError(unitPrice ?? NaN, "unitPrice");
  if (isBlank(rawPrice)) errors = withError(errors, rowNumber, "unit_price", rawPrice, "unit_price is required", { code: "REQUIRED", params: { column: "unit_price" } });
  else if (priceProblem) errors = withRefusal(errors, rowNumber, "unit_price", rawPrice, priceProblem);
  else if (quantity !== null && !isBlank(rawQuantity) && !quantityProblem && orderTotalError(quantity * unitPrice!)) {
    // One line alone past the order limit: said on its row rather than as its order's total.
    errors = withError(errors, rowNumber, null, null, `quantity × unit_price is over the limit of ${MAX_ORDER_TOTAL.toLocaleString("en")} JPY per order`, { code: "LINE_TOTAL_TOO_LARGE", params: { max: MAX_ORDER_TOTAL } });
  }

  const rawCurrency = cell(fields, columns.currency);
  const currency = checkCurrency(rawCurrency);
  if (!currency.ok) errors = withRefusal(errors, rowNumber, "currency", rawCurrency, currency.error);

  const rawMethod = cell(fields, columns.payment_method);
  const method = isBlank(rawMethod) ? null : checkPaymentMethod(rawMethod);
  if (method && !method.ok) errors = withRefusal(errors, rowNumber, "payment_method", rawMethod, method.error);

  const rawStatus = cell(fields, columns.payment_status);
  const status = toLower(rawStatus.trim());
  if (status !== "" && status !== "completed" && status !== "pending") {
    errors = withError(errors, rowNumber, "payment_status", rawStatus, "payment_status must be completed or pending", { code: "INVALID_PAYMENT_STATUS", params: NONE });
  }

  // Every refusal is in `errors`; the other conditions only tell the compiler the values are there.
  if (errors !== null || !email.ok || !customerName.ok || !productName.ok || (method !== null && !method.ok)) {
    return { ok: false, rowNumber, orderRef: ref === "" ? null : ref, errors: errors ?? [] };
  }
  return {
    ok: true,
    row: {
      rowNumber,
      orderRef: ref === "" ? null : ref,
      customerEmail: email.value,
      customerName: customerName.value,
      productName: productName.value,
      quantity: quantity!,
      unitPrice: unitPrice!,
      currency: "JPY",
      paymentMethod: method === null ? null : method.value,
      paymentStatus: status === "pending" ? "pending" : "completed",
    },
  };
}

function withError(errors: RowError[] | null, rowNumber: number, column: ColumnName | null, value: string | null, reason: string, coded: CodedReason): RowError[] {
  const error: RowError = { rowNumber, column, value, reason, ...coded };
  if (errors === null) return [error];
  errors.push(error);
  return errors;
}

/** A cell its field's rule refused, as a row error (ruleErrorColumns.ts says it the import's way). */
function withRefusal(errors: RowError[] | null, rowNumber: number, column: ColumnName, raw: string, error: RuleError): RowError[] {
  const refusal = cellRefusal(error, column);
  return withError(errors, rowNumber, column, raw, refusal.reason, refusal.coded);
}

function cell(fields: readonly string[], index: number): string {
  return index >= 0 && index < fields.length ? fields[index]! : "";
}

/** `toLowerCase`, skipped when nothing would change (cheaper on the two-byte slices of Japanese text). */
function toLower(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) return value.toLowerCase();
  }
  return value;
}

function isBlank(raw: string): boolean {
  return raw.trim() === "";
}
