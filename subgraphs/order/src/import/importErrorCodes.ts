/**
 * The machine-readable side of an import error: a stable code and the values its English `reason`
 * mentions, so a client can say it in the operator's language (the admin UI does). The reason
 * stays as it is for API consumers and the downloadable error report. Stored in
 * `import_errors.code` and `import_errors.params` (JSON); rows written before codes existed have
 * neither. Listed in the SDL's description of `ImportError.code`: keep the two in step (a test
 * compares them).
 */
import type { TextProblemReason } from "@ops/service-kit/lite";
import type { ColumnName } from "./csv/columns.js";

/**
 * How an order is named in a group error: its order_ref, or null for a row without one (the order
 * is then that single row, `firstRow`). The English reason says "order_ref K-1" or "row 4".
 */
export interface OrderParams {
  order: string | null;
  /** The order's first row in the file. */
  firstRow: number;
}

/** The params of each code. */
export interface ImportErrorParamsByCode {
  /** The cell is empty (or only spaces). */
  REQUIRED: { column: ColumnName };
  /** Longer than `max` characters once trimmed. */
  TOO_LONG: { column: ColumnName; max: number };
  INVALID_EMAIL: Record<string, never>;
  /**
   * The text rule refused the cell: a control character, a bidirectional control or a lone
   * surrogate (`reason`) at `position` (index in the cell as written), the character as `U+XXXX`.
   */
  INVALID_TEXT: { column: ColumnName; reason: TextProblemReason; position: number; character: string };
  /** Not a whole number above 0 (0, negative, a fraction, words). */
  QUANTITY_NOT_POSITIVE_INTEGER: Record<string, never>;
  /** A whole number above `max` (MAX_QUANTITY of the order rules). */
  QUANTITY_TOO_LARGE: { max: number };
  /** Not a whole number of yen above 0; `fraction` when it was a positive amount with a fraction (JPY has none). */
  UNIT_PRICE_NOT_POSITIVE_YEN: { fraction: boolean };
  /** Whole yen above `max` (MAX_UNIT_PRICE of the order rules). */
  UNIT_PRICE_TOO_LARGE: { max: number };
  /**
   * quantity × unit_price alone is above `max`, the limit of an order's total. Errors recorded
   * before the per-order limits have no `max` (the line was beyond what can be computed exactly).
   */
  LINE_TOTAL_TOO_LARGE: { max: number };
  CURRENCY_NOT_JPY: Record<string, never>;
  /** Not an identifier such as credit_card: a letter, then letters, digits or underscores, 1 to `maxLength` characters (the API's rule). */
  INVALID_PAYMENT_METHOD: { maxLength: number };
  /** Not completed nor pending. */
  INVALID_PAYMENT_STATUS: Record<string, never>;
  /** A valid row of an order whose rows `rows` have errors (so none of it is imported). */
  ORDER_REJECTED_BY_ROWS: OrderParams & { rows: number[] };
  /** `column` differs from the order's first row. */
  ORDER_FIELD_MISMATCH: OrderParams & { column: ColumnName };
  /**
   * The order's total (JPY) is above `max`, the limit of an order's total. Errors recorded before
   * the per-order limits have neither `total` nor `max`.
   */
  ORDER_TOTAL_TOO_LARGE: OrderParams & { total: number; max: number };
  /** The order has a payment and its total (JPY) is outside min..max. */
  PAYMENT_AMOUNT_OUT_OF_RANGE: OrderParams & { total: number; min: number; max: number };
  /** A row of an order rejected because of the errors reported on its other rows. */
  ORDER_REJECTED_BY_OTHER_ROWS: OrderParams;
  /** The order has `items` rows, more than the `max` items an order holds (every row of it is reported). */
  ORDER_TOO_MANY_ITEMS: OrderParams & { items: number; max: number };
}

export type ImportErrorCode = keyof ImportErrorParamsByCode;

/** Every code, in the order the SDL lists them. */
export const IMPORT_ERROR_CODES = [
  "REQUIRED",
  "TOO_LONG",
  "INVALID_EMAIL",
  "INVALID_TEXT",
  "QUANTITY_NOT_POSITIVE_INTEGER",
  "QUANTITY_TOO_LARGE",
  "UNIT_PRICE_NOT_POSITIVE_YEN",
  "UNIT_PRICE_TOO_LARGE",
  "LINE_TOTAL_TOO_LARGE",
  "CURRENCY_NOT_JPY",
  "INVALID_PAYMENT_METHOD",
  "INVALID_PAYMENT_STATUS",
  "ORDER_REJECTED_BY_ROWS",
  "ORDER_FIELD_MISMATCH",
  "ORDER_TOTAL_TOO_LARGE",
  "PAYMENT_AMOUNT_OUT_OF_RANGE",
  "ORDER_REJECTED_BY_OTHER_ROWS",
  "ORDER_TOO_MANY_ITEMS",
] as const satisfies readonly ImportErrorCode[];

// Compile-time check that the list names every code.
type Missing = Exclude<ImportErrorCode, (typeof IMPORT_ERROR_CODES)[number]>;
const _allListed: [Missing] extends [never] ? true : Missing = true;
void _allListed;

/** A code with its params, as one value (a discriminated union). */
export type CodedReason = { [C in ImportErrorCode]: { code: C; params: ImportErrorParamsByCode[C] } }[ImportErrorCode];

/** The `import_errors.params` column: the params as JSON (an object, `{}` for a code without any). */
export function paramsJson(params: CodedReason["params"]): string {
  return JSON.stringify(params);
}
