/**
 * The items editor: the order service's own rules from `@ops/rules` (a product name of 1–200
 * characters under the text rule, a quantity and a unit price that are whole numbers of at least
 * 1, at most 100 items, 10,000 of each, 10,000,000 yen a unit, 100,000,000 yen an order), applied
 * to what the operator typed. Numbers are read strictly: "1.5", "0", "-2" and "1e3" are refused,
 * full-width digits (typed with a Japanese IME) and thousands separators are accepted.
 */
import { checkName, MAX_ITEMS, MAX_NAME_LENGTH, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE, orderTotalError, quantityError, unitPriceError, type RuleProblem } from "@ops/rules";

export { MAX_ITEMS, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE };
export const MAX_TEXT = MAX_NAME_LENGTH;

export interface ItemDraft {
  /** Stable identity for the list (rows are added and removed). */
  key: number;
  productName: string;
  quantity: string;
  unitPrice: string;
}

export type ItemProblem = "required" | "tooLong" | "invalidText" | "notWholeNumber" | "atLeastOne" | "tooLarge";
export type ItemField = "productName" | "quantity" | "unitPrice";
export type ItemProblems = Partial<Record<ItemField, ItemProblem>>;

export interface ItemInput {
  productName: string;
  quantity: number;
  unitPrice: number;
}

const WHOLE = /^(\d+|\d{1,3}(,\d{3})+)$/;

/** Full-width digits and comma (０-９, ，) to ASCII. */
function toHalfWidth(text: string): string {
  return text.replace(/[０-９，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** The whole number typed, or the problem with it. */
export function parseWholeNumber(text: string): { value: number } | { problem: ItemProblem } {
  const t = toHalfWidth(text.trim());
  if (!t) return { problem: "required" };
  if (!WHOLE.test(t)) return { problem: "notWholeNumber" };
  const value = Number(t.replace(/,/g, ""));
  if (!Number.isSafeInteger(value)) return { problem: "tooLarge" };
  if (value < 1) return { problem: "atLeastOne" };
  return { value };
}

/** The editor's word for each refusal the order rules can give a line's fields. */
const ITEM_PROBLEM: Partial<Record<RuleProblem, ItemProblem>> = {
  required: "required",
  tooLong: "tooLong",
  invalidText: "invalidText",
  notPositiveWhole: "atLeastOne",
  tooLarge: "tooLarge",
};

/** A typed number's problem: how it reads, then the order rule for `field`. */
function numberProblem(text: string, rule: (n: number, field: string) => { problem: RuleProblem } | null): ItemProblem | undefined {
  const parsed = parseWholeNumber(text);
  if ("problem" in parsed) return parsed.problem;
  const refused = rule(parsed.value, "");
  return refused ? (ITEM_PROBLEM[refused.problem] ?? "notWholeNumber") : undefined;
}

/** The row's problems by field; empty when the row is valid. */
export function validateItem(draft: ItemDraft): ItemProblems {
  const problems: ItemProblems = {};
  const name = checkName(draft.productName, "product", "productName");
  if (!name.ok) problems.productName = ITEM_PROBLEM[name.error.problem] ?? "required";
  const quantity = numberProblem(draft.quantity, quantityError);
  if (quantity) problems.quantity = quantity;
  const unitPrice = numberProblem(draft.unitPrice, unitPriceError);
  if (unitPrice) problems.unitPrice = unitPrice;
  return problems;
}

/** quantity × unit price when both are valid (whole numbers within their limits), else null. */
export function itemSubtotal(draft: ItemDraft): number | null {
  const quantity = parseWholeNumber(draft.quantity);
  const unitPrice = parseWholeNumber(draft.unitPrice);
  if ("problem" in quantity || "problem" in unitPrice || quantityError(quantity.value, "") || unitPriceError(unitPrice.value, "")) return null;
  // Exact: at most 10,000 × 10,000,000 = 10^11.
  return quantity.value * unitPrice.value;
}

export interface ItemsSummary {
  /** Sum of the rows whose quantity and price are valid. */
  total: number;
  /** Rows with a problem (left out of the total when their quantity or price is not a number). */
  invalidRows: number;
  /** The total is more than an order may total (MAX_ORDER_TOTAL). */
  overLimit: boolean;
  /** Every row valid and at least one row: the order can be sent. */
  complete: boolean;
}

export function summarizeItems(drafts: readonly ItemDraft[]): ItemsSummary {
  let total = 0;
  let invalidRows = 0;
  for (const draft of drafts) {
    const subtotal = itemSubtotal(draft);
    if (subtotal === null || Object.keys(validateItem(draft)).length > 0) invalidRows++;
    if (subtotal !== null) total += subtotal;
  }
  const overLimit = orderTotalError(total) !== null;
  return { total, invalidRows, overLimit, complete: drafts.length > 0 && drafts.length <= MAX_ITEMS && invalidRows === 0 && !overLimit };
}

/** The mutation input for valid rows; throws when a row is invalid (check `summarizeItems` first). */
export function toItemInputs(drafts: readonly ItemDraft[]): ItemInput[] {
  return drafts.map((draft) => {
    const quantity = parseWholeNumber(draft.quantity);
    const unitPrice = parseWholeNumber(draft.unitPrice);
    if ("problem" in quantity || "problem" in unitPrice) throw new Error(`Row ${draft.key} is not valid`);
    return { productName: draft.productName.trim(), quantity: quantity.value, unitPrice: unitPrice.value };
  });
}

let nextKey = 1;
export function emptyItem(): ItemDraft {
  return { key: nextKey++, productName: "", quantity: "1", unitPrice: "" };
}
