/**
 * The one correspondence between the API and the CSV import for a refused order: which column
 * holds each input field, and which import error code (with its params and English reason) a
 * rule's refusal in a cell becomes. The API maps the same `RuleError` to its GraphQL code and
 * field (service-kit's ruleErrors.ts); the gateway's `ruleParity.test.ts` drives one input through both.
 */
import { describeTextProblem, type RuleError, type TextProblem } from "@ops/rules";
import type { ColumnName } from "./csv/columns.js";
import type { CodedReason, ImportErrorCode } from "./importErrorCodes.js";

/** The column of each field of an order's input (an item field for every line). */
export const COLUMN_OF_FIELD = {
  customerEmail: "customer_email",
  customerName: "customer_name",
  productName: "product_name",
  quantity: "quantity",
  unitPrice: "unit_price",
  currency: "currency",
  paymentMethod: "payment_method",
  // createPayment refuses the order (`input.orderId`) whose total cannot be paid; a file names the
  // prices that make that total.
  orderId: "unit_price",
} as const satisfies Record<string, ColumnName>;

export type OrderField = keyof typeof COLUMN_OF_FIELD;

/** The column an API field path names (`input.items.3.quantity` → `quantity`), or null for a whole-order field (`input.items`). */
export function columnOfField(path: string): ColumnName | null {
  const last = path.slice(path.lastIndexOf(".") + 1);
  return last in COLUMN_OF_FIELD ? COLUMN_OF_FIELD[last as OrderField] : null;
}

/**
 * The GraphQL code of each import error code: a refusal the import reports with a code is the
 * refusal the API answers with this one. Codes that only an import can meet (rows that disagree,
 * rows rejected because of others) are BAD_USER_INPUT too: they describe the file.
 */
export const API_CODE_OF_IMPORT_CODE: Readonly<Record<ImportErrorCode, RuleError["code"]>> = {
  REQUIRED: "BAD_USER_INPUT",
  TOO_LONG: "BAD_USER_INPUT",
  INVALID_EMAIL: "BAD_USER_INPUT",
  INVALID_TEXT: "BAD_USER_INPUT",
  QUANTITY_NOT_POSITIVE_INTEGER: "BAD_USER_INPUT",
  QUANTITY_TOO_LARGE: "BAD_USER_INPUT",
  UNIT_PRICE_NOT_POSITIVE_YEN: "BAD_USER_INPUT",
  UNIT_PRICE_TOO_LARGE: "BAD_USER_INPUT",
  LINE_TOTAL_TOO_LARGE: "BAD_USER_INPUT",
  CURRENCY_NOT_JPY: "BAD_USER_INPUT",
  INVALID_PAYMENT_METHOD: "BAD_USER_INPUT",
  INVALID_PAYMENT_STATUS: "BAD_USER_INPUT",
  ORDER_REJECTED_BY_ROWS: "BAD_USER_INPUT",
  ORDER_FIELD_MISMATCH: "BAD_USER_INPUT",
  ORDER_TOTAL_TOO_LARGE: "BAD_USER_INPUT",
  PAYMENT_AMOUNT_OUT_OF_RANGE: "BAD_USER_INPUT",
  ORDER_REJECTED_BY_OTHER_ROWS: "BAD_USER_INPUT",
  ORDER_TOO_MANY_ITEMS: "BAD_USER_INPUT",
};

/** A refusal of one cell, as an import error says it. */
export interface CellRefusal {
  column: ColumnName;
  reason: string;
  coded: CodedReason;
}

const NONE = Object.freeze({}) as Record<string, never>;
const num = (value: unknown): number => (typeof value === "number" ? value : NaN);

/**
 * The import error for a rule's refusal of the cell in `column` (the cell's rule: its field's
 * column). Throws for a refusal no cell can cause (a programming error, not bad input).
 */
export function cellRefusal(error: RuleError, column: ColumnName): CellRefusal {
  const p = error.params;
  const coded = (reason: string, value: CodedReason): CellRefusal => ({ column, reason, coded: value });
  switch (error.problem) {
    case "required":
      return coded(`${column} is required`, { code: "REQUIRED", params: { column } });
    case "tooLong":
      return coded(`${column} is longer than ${num(p.max)} characters`, { code: "TOO_LONG", params: { column, max: num(p.max) } });
    case "invalidText": {
      const text = p as unknown as TextProblem;
      return coded(`${column} contains ${describeTextProblem(text)}; remove it`, {
        code: "INVALID_TEXT",
        params: { column, reason: text.reason, position: text.position, character: text.character },
      });
    }
    case "invalidEmail":
      return coded(`${column} is not a valid e-mail address`, { code: "INVALID_EMAIL", params: NONE });
    case "notPositiveWhole":
      if (column === "quantity") return coded("quantity must be a whole number greater than 0", { code: "QUANTITY_NOT_POSITIVE_INTEGER", params: NONE });
      if (column === "unit_price") {
        const value = num(p.value);
        const fraction = value > 0 && Number.isFinite(value) && !Number.isInteger(value);
        const reason = fraction ? "unit_price must be a whole number of yen greater than 0 (JPY has no fractions)" : "unit_price must be a whole number of yen greater than 0";
        return coded(reason, { code: "UNIT_PRICE_NOT_POSITIVE_YEN", params: { fraction } });
      }
      break;
    case "tooLarge":
      if (column === "quantity") return coded(`quantity is at most ${num(p.max).toLocaleString("en")}`, { code: "QUANTITY_TOO_LARGE", params: { max: num(p.max) } });
      if (column === "unit_price") return coded(`unit_price is at most ${num(p.max).toLocaleString("en")} JPY`, { code: "UNIT_PRICE_TOO_LARGE", params: { max: num(p.max) } });
      break;
    case "unsupportedCurrency":
      return coded("currency must be JPY (the services only take JPY)", { code: "CURRENCY_NOT_JPY", params: NONE });
    case "invalidPaymentMethod":
      return coded(`payment_method must be an identifier such as credit_card: a letter, then up to ${num(p.max) - 1} letters, digits or underscores`, {
        code: "INVALID_PAYMENT_METHOD",
        params: { maxLength: num(p.max) },
      });
    default:
      break;
  }
  throw new Error(`no import error for the rule refusal ${error.problem} in column ${column}`);
}
