/**
 * The rules that span the rows of one order (one order_ref, or one row without it): at most
 * MAX_ITEMS rows, every row valid, the same customer on all rows, one payment method and status,
 * a total within the order limit and, with a payment, a payable one — the item count, total and
 * amount rules of `@ops/rules`, as through the API. An order is all-or-nothing: one bad row rejects it, and
 * every row of it is reported.
 */
import { CURRENCY, itemCountError, MAX_ITEMS, MAX_ORDER_TOTAL, MAX_PAYMENT_AMOUNT, MIN_PAYMENT_AMOUNT, orderTotal, orderTotalError, payableAmountError } from "@ops/rules";
import type { CodedReason, OrderParams } from "./importErrorCodes.js";
import type { ImportOptions, StagedRow } from "./importTypes.js";

export { MAX_ITEMS };

export interface GroupRow {
  rowNumber: number;
  data: StagedRow;
}

/** `reason` is English for people; `code` and `params` say the same for a client to translate. */
export type GroupError = {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
} & CodedReason;

export interface ValidOrderGroup {
  orderKey: string;
  firstRow: number;
  customerEmail: string;
  customerName: string;
  currency: string;
  totalAmount: number;
  items: { productName: string; quantity: number; unitPrice: number }[];
  payment: { method: string; status: "COMPLETED" | "PENDING" } | null;
  rowCount: number;
}

/**
 * Validates one order's rows (sorted by row number). `orderRef` is null for a row without one.
 * The caller need not hand over more than MAX_ITEMS + 1 rows of an order: past that it is
 * rejected whole (see `tooManyItemsErrors`).
 */
export function validateGroup(orderKey: string, orderRef: string | null, rows: GroupRow[], options: Pick<ImportOptions, "createPayments">): { ok: true; order: ValidOrderGroup } | { ok: false; errors: GroupError[] } {
  if (itemCountError(rows.length)) {
    return { ok: false, errors: tooManyItemsErrors(orderRef, rows[0]!.rowNumber, rows.map((r) => r.rowNumber), rows.length) };
  }
  const label = orderLabel(orderRef, rows[0]!.rowNumber);
  const bad = rows.filter((r) => !r.data.valid).map((r) => r.rowNumber);
  if (bad.length > 0) {
    // The invalid rows already carry their own errors; the others learn why they were not imported.
    const reason = `not imported: ${label} is rejected because row${bad.length > 1 ? "s" : ""} ${bad.join(", ")} ${bad.length > 1 ? "have" : "has"} errors`;
    const params = { ...orderParams(orderRef, rows), rows: bad };
    return {
      ok: false,
      errors: rows.filter((r) => r.data.valid).map((r) => ({ rowNumber: r.rowNumber, column: null, value: null, reason, code: "ORDER_REJECTED_BY_ROWS", params })),
    };
  }
  const first = rows[0]!.data;
  const errors: GroupError[] = [];
  for (const r of rows.slice(1)) {
    for (const [column, key] of [["customer_email", "customerEmail"], ["customer_name", "customerName"], ["currency", "currency"], ["payment_method", "paymentMethod"], ["payment_status", "paymentStatus"]] as const) {
      if ((r.data[key] ?? null) !== (first[key] ?? null)) {
        errors.push({
          rowNumber: r.rowNumber,
          column,
          value: r.data[key] === null || r.data[key] === undefined ? null : String(r.data[key]),
          reason: `${column} differs from row ${rows[0]!.rowNumber} of the same ${label}; all rows of an order must agree`,
          code: "ORDER_FIELD_MISMATCH",
          params: { ...orderParams(orderRef, rows), column },
        });
      }
    }
  }
  const items = rows.map((r) => ({ productName: r.data.productName!, quantity: r.data.quantity!, unitPrice: r.data.unitPrice! }));
  const totalAmount = orderTotal(items);
  if (orderTotalError(totalAmount)) {
    const reason = `the total of ${label} is ${totalAmount.toLocaleString("en")} JPY, over the limit of ${MAX_ORDER_TOTAL.toLocaleString("en")} JPY per order`;
    errors.push({ rowNumber: rows[0]!.rowNumber, column: null, value: null, reason, code: "ORDER_TOTAL_TOO_LARGE", params: { ...orderParams(orderRef, rows), total: totalAmount, max: MAX_ORDER_TOTAL } });
  }
  const method = first.paymentMethod ?? null;
  const payment = options.createPayments && method ? { method, status: first.paymentStatus === "pending" ? ("PENDING" as const) : ("COMPLETED" as const) } : null;
  if (payment && payableAmountError(totalAmount, CURRENCY, "orderId")) {
    const reason = `the total of ${label} is ${totalAmount} JPY; a payment must be between ${MIN_PAYMENT_AMOUNT} and ${MAX_PAYMENT_AMOUNT.toLocaleString("en")} JPY`;
    const params = { ...orderParams(orderRef, rows), total: totalAmount, min: MIN_PAYMENT_AMOUNT, max: MAX_PAYMENT_AMOUNT };
    for (const r of rows) {
      errors.push({ rowNumber: r.rowNumber, column: "unit_price", value: String(r.data.unitPrice), reason, code: "PAYMENT_AMOUNT_OUT_OF_RANGE", params });
    }
  }
  if (errors.length > 0) {
    const reported = new Set(errors.map((e) => e.rowNumber));
    for (const r of rows) {
      if (!reported.has(r.rowNumber)) {
        errors.push({ rowNumber: r.rowNumber, column: null, value: null, reason: `not imported: ${label} is rejected because of errors in its other rows`, code: "ORDER_REJECTED_BY_OTHER_ROWS", params: orderParams(orderRef, rows) });
      }
    }
    return { ok: false, errors: errors.sort((a, b) => a.rowNumber - b.rowNumber) };
  }
  return {
    ok: true,
    order: {
      orderKey,
      firstRow: rows[0]!.rowNumber,
      customerEmail: first.customerEmail!,
      customerName: first.customerName!,
      currency: first.currency ?? "JPY",
      totalAmount,
      items,
      payment,
      rowCount: rows.length,
    },
  };
}

/**
 * The errors of an order of `items` rows, more than MAX_ITEMS: one for each of `rowNumbers` (the
 * caller may pass its rows in several batches, so an order of any size is never held whole).
 */
export function tooManyItemsErrors(orderRef: string | null, firstRow: number, rowNumbers: readonly number[], items: number): GroupError[] {
  const reason = `${orderLabel(orderRef, firstRow)} has ${items.toLocaleString("en")} items; an order holds at most ${MAX_ITEMS} (split it into several orders)`;
  const params = { order: orderRef, firstRow, items, max: MAX_ITEMS };
  return rowNumbers.map((rowNumber) => ({ rowNumber, column: null, value: null, reason, code: "ORDER_TOO_MANY_ITEMS", params }));
}

/** How a reason names an order: "order_ref K-1", or "row 4" for a row without one. */
function orderLabel(orderRef: string | null, firstRow: number): string {
  return orderRef === null ? `row ${firstRow}` : `order_ref ${orderRef}`;
}

/** How the params name an order: its order_ref (null without one) and its first row. */
function orderParams(orderRef: string | null, rows: GroupRow[]): OrderParams {
  return { order: orderRef, firstRow: rows[0]!.rowNumber };
}
