/**
 * The payment gate's writes (domain/paymentGate.ts is their only caller, and the only code that
 * changes a payment's status): the status of many payments in one statement.
 */
import { sql, type RawBuilder } from "kysely";
import type { Payment } from "../domain/paymentTypes.js";
import { helpersOf, stamp, type Queries } from "./database.js";
import { PAYMENT_COLUMNS, toPayment, type PaymentRow } from "./paymentRows.js";

// Bound values per CASE: 2 per payment, well within both databases' limits.
const TRANSACTION_IDS_PER_STATEMENT = 1_000;

export interface StatusWrite {
  ids: readonly number[];
  /** The new status (stored lower case). */
  to: PaymentRow["status"];
  /** The statuses a payment must still have to be moved (the gate's check, repeated under the lock). */
  from: readonly PaymentRow["status"][];
  /** Set `failure_reason` to this (a failure's reason, or null to clear it); left alone when absent. */
  failureReason?: { value: string | null };
  /** A retry's new transaction id per payment id. */
  transactionIds?: ReadonlyMap<number, string>;
}

function transactionIdCase(ids: ReadonlyMap<number, string>): RawBuilder<string> {
  return sql<string>`CASE id ${sql.join(
    [...ids].map(([id, tx]) => sql`WHEN ${id} THEN ${tx}`),
    sql` `,
  )} ELSE transaction_id END`;
}

/**
 * Writes `to` (and the reason or new transaction ids) on the payments among `ids` whose status
 * is still one of `from`; returns them as they are now, in id order.
 */
export async function writePaymentStatus(trx: Queries, write: StatusWrite): Promise<Payment[]> {
  const groups: (readonly number[])[] = [];
  if (write.transactionIds) {
    for (let i = 0; i < write.ids.length; i += TRANSACTION_IDS_PER_STATEMENT) groups.push(write.ids.slice(i, i + TRANSACTION_IDS_PER_STATEMENT));
  } else groups.push(write.ids);
  const now = stamp();
  const moved: Payment[] = [];
  for (const ids of groups) {
    const txIds = write.transactionIds && new Map(ids.map((id) => [id, write.transactionIds!.get(id)!]));
    const rows = await trx
      .updateTable("payments")
      .set({
        status: write.to,
        updated_at: now,
        ...(write.failureReason ? { failure_reason: write.failureReason.value } : {}),
        ...(txIds ? { transaction_id: transactionIdCase(txIds) } : {}),
      })
      .where(helpersOf(trx).inIds("id", ids))
      .where("status", "in", write.from)
      .returning(PAYMENT_COLUMNS)
      .execute();
    moved.push(...rows.map(toPayment));
  }
  return moved.sort((a, b) => a.id - b.id);
}
