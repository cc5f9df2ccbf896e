/** The rules of the CSV contract (DESIGN section 6) for one row, with every failing column reported. */
import { describeTextProblem, findTextProblem, type TextProblem } from "@ops/service-kit/lite";
import { isValidEmail } from "../../domain/email.js";
import { MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "../../domain/orderLimits.js";
import type { CodedReason } from "../importErrorCodes.js";
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

/** Longest customer name, product name and order_ref; the same limit as `validateOrder`. */
export const MAX_TEXT = 200;
const MAX_METHOD = 40;
const NONE = Object.freeze({}) as Record<string, never>;

/**
 * Validates and normalises one data record. A record shorter than the header reads its missing
 * cells as empty; cells beyond the header are ignored. The cells are values: `readCsvFile` has
 * taken off the apostrophe formula escaping adds (`'=SUM(A1)` is `=SUM(A1)` here).
 */
export function validateRow(fields: readonly string[], columns: ColumnIndex, rowNumber: number): ValidatedRow {
  let errors: RowError[] | null = null;
  let text: TextProblem | null;

  const rawRef = cell(fields, columns.order_ref);
  const ref = rawRef.trim();
  if (ref.length > MAX_TEXT) errors = withError(errors, rowNumber, "order_ref", rawRef, `order_ref is longer than ${MAX_TEXT} characters`, { code: "TOO_LONG", params: { column: "order_ref", max: MAX_TEXT } });

  const rawEmail = cell(fields, columns.customer_email);
  const customerEmail = toLower(rawEmail.trim());
  if (customerEmail === "") errors = withError(errors, rowNumber, "customer_email", rawEmail, "customer_email is required", { code: "REQUIRED", params: { column: "customer_email" } });
  else if ((text = findTextProblem(rawEmail))) errors = withTextError(errors, rowNumber, "customer_email", rawEmail, text);
  else if (!isValidEmail(customerEmail)) errors = withError(errors, rowNumber, "customer_email", rawEmail, "customer_email is not a valid e-mail address", { code: "INVALID_EMAIL", params: NONE });

  const rawName = cell(fields, columns.customer_name);
  // Not normalised: NFC would replace the vendor kanji of CP932 names (塚 U+FA10, 神 U+FA19) with
  // other code points; searching goes through nameKey, which folds them anyway.
  const customerName = rawName.trim();
  if (customerName === "") errors = withError(errors, rowNumber, "customer_name", rawName, "customer_name is required", { code: "REQUIRED", params: { column: "customer_name" } });
  else if ((text = findTextProblem(rawName))) errors = withTextError(errors, rowNumber, "customer_name", rawName, text);
  else if (customerName.length > MAX_TEXT) errors = withError(errors, rowNumber, "customer_name", rawName, `customer_name is longer than ${MAX_TEXT} characters`, { code: "TOO_LONG", params: { column: "customer_name", max: MAX_TEXT } });

  const rawProduct = cell(fields, columns.product_name);
  const productName = rawProduct.trim();
  if (productName === "") errors = withError(errors, rowNumber, "product_name", rawProduct, "product_name is required", { code: "REQUIRED", params: { column: "product_name" } });
  else if ((text = findTextProblem(rawProduct))) errors = withTextError(errors, rowNumber, "product_name", rawProduct, text);
  else if (productName.length > MAX_TEXT) errors = withError(errors, rowNumber, "product_name", rawProduct, `product_name is longer than ${MAX_TEXT} characters`, { code: "TOO_LONG", params: { column: "product_name", max: MAX_TEXT } });

  const rawQuantity = cell(fields, columns.quantity);
  const quantity = parseQuantity(rawQuantity);
  const quantityOk = quantity !== null && quantity > 0 && Number.isSafeInteger(quantity);
  if (!quantityOk) {
    errors = isBlank(rawQuantity)
      ? withError(errors, rowNumber, "quantity", rawQuantity, "quantity is required", { code: "REQUIRED", params: { column: "quantity" } })
      : withError(errors, rowNumber, "quantity", rawQuantity, "quantity must be a whole number greater than 0", { code: "QUANTITY_NOT_POSITIVE_INTEGER", params: NONE });
  } else if (quantity! > MAX_QUANTITY) {
    errors = withError(errors, rowNumber, "quantity", rawQuantity, `quantity is at most ${MAX_QUANTITY.toLocaleString("en")}`, { code: "QUANTITY_TOO_LARGE", params: { max: MAX_QUANTITY } });
  }

  const rawPrice = cell(fields, columns.unit_price);
  const unitPrice = parseAmount(rawPrice);
  const priceOk = unitPrice !== null && unitPrice > 0 && Number.isSafeInteger(unitPrice);
  if (!priceOk) {
    if (isBlank(rawPrice)) errors = withError(errors, rowNumber, "unit_price", rawPrice, "unit_price is required", { code: "REQUIRED", params: { column: "unit_price" } });
    else {
      const fraction = unitPrice !== null && unitPrice > 0 && !Number.isInteger(unitPrice);
      const reason = fraction ? "unit_price must be a whole number of yen greater than 0 (JPY has no fractions)" : "unit_price must be a whole number of yen greater than 0";
      errors = withError(errors, rowNumber, "unit_price", rawPrice, reason, { code: "UNIT_PRICE_NOT_POSITIVE_YEN", params: { fraction } });
    }
  } else if (unitPrice! > MAX_UNIT_PRICE) {
    errors = withError(errors, rowNumber, "unit_price", rawPrice, `unit_price is at most ${MAX_UNIT_PRICE.toLocaleString("en")} JPY`, { code: "UNIT_PRICE_TOO_LARGE", params: { max: MAX_UNIT_PRICE } });
  } else if (quantityOk && quantity! <= MAX_QUANTITY && quantity! * unitPrice! > MAX_ORDER_TOTAL) {
    // One line alone past the order limit: said on its row rather than as its order's total.
    errors = withError(errors, rowNumber, null, null, `quantity × unit_price is over the limit of ${MAX_ORDER_TOTAL.toLocaleString("en")} JPY per order`, { code: "LINE_TOTAL_TOO_LARGE", params: { max: MAX_ORDER_TOTAL } });
  }

  const rawCurrency = cell(fields, columns.currency);
  if (!isJpy(rawCurrency)) errors = withError(errors, rowNumber, "currency", rawCurrency, "currency must be JPY (the services only take JPY)", { code: "CURRENCY_NOT_JPY", params: NONE });

  const rawMethod = cell(fields, columns.payment_method);
  const method = toLower(rawMethod.trim());
  if (method !== "" && !isMethodIdentifier(method)) {
    errors = withError(errors, rowNumber, "payment_method", rawMethod, `payment_method must be an identifier such as credit_card: a letter, then 1 to ${MAX_METHOD - 1} letters, digits or underscores`, {
      code: "INVALID_PAYMENT_METHOD",
      params: { maxLength: MAX_METHOD },
    });
  }

  const rawStatus = cell(fields, columns.payment_status);
  const status = toLower(rawStatus.trim());
  if (status !== "" && status !== "completed" && status !== "pending") {
    errors = withError(errors, rowNumber, "payment_status", rawStatus, "payment_status must be completed or pending", { code: "INVALID_PAYMENT_STATUS", params: NONE });
  }

  if (errors !== null) return { ok: false, rowNumber, orderRef: ref === "" ? null : ref, errors };
  return {
    ok: true,
    row: {
      rowNumber,
      orderRef: ref === "" ? null : ref,
      customerEmail,
      customerName,
      productName,
      quantity: quantity!,
      unitPrice: unitPrice!,
      currency: "JPY",
      paymentMethod: method === "" ? null : method,
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

/** A cell the text rule refuses (control or bidi character, lone surrogate), as a row error. */
function withTextError(errors: RowError[] | null, rowNumber: number, column: ColumnName, raw: string, problem: TextProblem): RowError[] {
  return withError(errors, rowNumber, column, raw, `${column} contains ${describeTextProblem(problem)}; remove it`, { code: "INVALID_TEXT", params: { column, ...problem } });
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

/**
 * Empty (the default), JPY in any case or width, 円 or a yen mark — `\` included: Shift_JIS has
 * no other ¥ than 0x5C, which CP932 decodes as a backslash (Excel in Japan saves ¥ so, and shows
 * it as ¥). Amounts read it the same way (`parseAmount`).
 */
function isJpy(raw: string): boolean {
  const value = raw.trim();
  if (value === "" || value === "JPY") return true;
  const folded = value.normalize("NFKC").toUpperCase();
  return folded === "JPY" || folded === "円" || folded === "¥" || folded === "\\";
}

/** /^[a-z][a-z0-9_]{1,39}$/ as char checks. */
function isMethodIdentifier(value: string): boolean {
  const n = value.length;
  if (n < 2 || n > MAX_METHOD) return false;
  let c = value.charCodeAt(0);
  if (c < 0x61 || c > 0x7a) return false;
  for (let i = 1; i < n; i++) {
    c = value.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return false;
  }
  return true;
}
