/**
 * What a payment may be for (seed section 4): whole yen from 100 to 1,000,000, in JPY. The payment
 * service checks an order's total with it when a payment is created, the CSV import before it
 * creates one, the admin UI before it offers to record one; the payments table's CHECK is the
 * backstop.
 */
import { CURRENCY } from "./currency.js";
import { badInput, withCommas, type RuleError } from "./ruleError.js";

/** Smallest payment, whole yen. */
export const MIN_PAYMENT_AMOUNT = 100;
/** Largest payment, whole yen. */
export const MAX_PAYMENT_AMOUNT = 1_000_000;

/** True when a payment may be for `amount` yen. */
export function isPayableAmount(amount: number): boolean {
  return Number.isInteger(amount) && amount >= MIN_PAYMENT_AMOUNT && amount <= MAX_PAYMENT_AMOUNT;
}

/**
 * Why a payment cannot be for `amount` in `currency`, or null: `unsupportedCurrency`
 * (`{ allowed, currency }`), `amountNotWhole`, `amountTooSmall` or `amountTooLarge` (each
 * `{ min, max, amount }`).
 */
export function payableAmountError(amount: number, currency: string, field: string): RuleError | null {
  if (currency !== CURRENCY) {
    return badInput("unsupportedCurrency", field, `Payments are in ${CURRENCY}; the order is in ${currency}`, { allowed: [CURRENCY], currency });
  }
  const params = { min: MIN_PAYMENT_AMOUNT, max: MAX_PAYMENT_AMOUNT, amount };
  if (!Number.isInteger(amount)) return badInput("amountNotWhole", field, `amount ${amount} is not a whole number of yen`, params);
  if (amount < MIN_PAYMENT_AMOUNT) {
    return badInput("amountTooSmall", field, `amount ${withCommas(amount)} is below the minimum of ${withCommas(MIN_PAYMENT_AMOUNT)} JPY`, params);
  }
  if (amount > MAX_PAYMENT_AMOUNT) {
    return badInput("amountTooLarge", field, `amount ${withCommas(amount)} is above the maximum of ${withCommas(MAX_PAYMENT_AMOUNT)} JPY`, params);
  }
  return null;
}
