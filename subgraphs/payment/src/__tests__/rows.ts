/**
 * Reading and writing rows of the payment database in tests, on SQLite and PostgreSQL alike:
 * statements are written with `?` placeholders and sent through the data kit.
 */
import { CompiledQuery } from "kysely";
import type { PaymentDatabase } from "../db/database.js";
import { attemptsByPaymentIds, refundsByPaymentIds } from "../db/history.js";
import { paymentById, paymentsByOrderIds } from "../db/payments.js";
import type { Payment } from "../domain/paymentTypes.js";

/** `text` with its `?` placeholders numbered for PostgreSQL ($1, $2, …). */
function placeholders(database: PaymentDatabase, text: string): string {
  if (database.dialect === "sqlite") return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** The rows `text` returns. */
export async function rowsOf<T = Record<string, unknown>>(database: PaymentDatabase, text: string, ...params: unknown[]): Promise<T[]> {
  const { rows } = await database.db.executeQuery<T>(CompiledQuery.raw(placeholders(database, text), params));
  return rows;
}

/** Runs `text` (a write); returns the rows it changed. */
export async function run(database: PaymentDatabase, text: string, ...params: unknown[]): Promise<number> {
  const result = await database.db.executeQuery(CompiledQuery.raw(placeholders(database, text), params));
  return Number(result.numAffectedRows ?? 0);
}

/** The number in the first column of the first row (`SELECT COUNT(*) AS n …`). */
export async function countOf(database: PaymentDatabase, text: string, ...params: unknown[]): Promise<number> {
  const [row] = await rowsOf<Record<string, unknown>>(database, text, ...params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/** The payment with `id` as the service reads it (status upper case, dates as Date); throws when missing. */
export async function paymentOf(database: PaymentDatabase, id: number): Promise<Payment> {
  const payment = await paymentById(database.db, id);
  if (!payment) throw new Error(`no payment ${id}`);
  return payment;
}

/** The payment of order `orderId`; throws when it has none. */
export async function paymentOfOrder(database: PaymentDatabase, orderId: number): Promise<Payment> {
  const [payment] = await paymentsByOrderIds(database.db, [orderId]);
  if (!payment) throw new Error(`no payment for order ${orderId}`);
  return payment;
}

/** The refunds of payment `paymentId`, oldest first. */
export const refundsOf = (database: PaymentDatabase, paymentId: number) => refundsByPaymentIds(database.db, [paymentId]);

/** The attempts of payment `paymentId`, oldest first. */
export const attemptsOf = (database: PaymentDatabase, paymentId: number) => attemptsByPaymentIds(database.db, [paymentId]);
