/**
 * The order service's bulk import events, one pair per chunk of written orders:
 * `import.payments` (to payment: create these payments) and `import.confirmations` (to
 * notification: confirm these orders, or record that no confirmation is sent).
 */
import { array, object } from "../validation/structures.js";
import { int, oneOf, string } from "../validation/scalars.js";
import type { Validator } from "../validation/validator.js";
import { EVENT_ORDERS, EVENT_PAYMENTS, MAX_TOKEN } from "./eventLimits.js";
import { orderSnapshot, type OrderSnapshot } from "./orderEvents.js";

export const IMPORT_PAYMENTS = "import.payments";
export const IMPORT_CONFIRMATIONS = "import.confirmations";

/** A payment the import asks for; the payment service still applies its own rules to each. */
export interface ImportPaymentItem {
  orderId: number;
  /** Whole yen: the order's total. */
  amount: number;
  currency: string;
  paymentMethod: string;
  status: "COMPLETED" | "PENDING";
}

export interface ImportPaymentsData {
  /** The import batch (a UUID); every payment is recorded under it. */
  batchId: string;
  importId: number;
  payments: ImportPaymentItem[];
}

/** EACH: an ORDER_CONFIRMATION per imported order; NONE: a NOT_SENT record per order. */
export type SendConfirmations = "EACH" | "NONE";

export interface ImportConfirmationsData {
  batchId: string;
  importId: number;
  sendConfirmations: SendConfirmations;
  /** The chunk's orders, PENDING, as `order.*` events describe them. */
  orders: OrderSnapshot[];
}

const batchId = string({ min: 1, max: MAX_TOKEN });
const importId = int({ min: 1 });

const importPaymentItem: Validator<ImportPaymentItem> = object({
  orderId: int({ min: 1 }),
  amount: int({ min: 0 }),
  currency: string({ min: 1, max: MAX_TOKEN }),
  paymentMethod: string({ max: MAX_TOKEN }),
  status: oneOf(["COMPLETED", "PENDING"]),
});

export const importPaymentsData: Validator<ImportPaymentsData> = object({
  batchId,
  importId,
  payments: array(importPaymentItem, { min: 1, max: EVENT_PAYMENTS }),
});

export const importConfirmationsData: Validator<ImportConfirmationsData> = object({
  batchId,
  importId,
  sendConfirmations: oneOf(["EACH", "NONE"]),
  orders: array(orderSnapshot, { min: 1, max: EVENT_ORDERS }),
});
