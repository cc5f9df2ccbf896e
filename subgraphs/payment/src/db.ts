/** The payment service's Prisma client over its SQLite file. */
import { openPrisma, type DbOptions } from "@ops/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type { Prisma, Payment, Refund, PaymentAttempt } from "./generated/prisma/client.js";
export { PrismaClient };
export type PaymentDb = PrismaClient;
export type PaymentTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export type { DbOptions };

/** Opens the payment database at `dbPath` with the shared pragmas (WAL, foreign keys). */
export async function createPaymentDb(dbPath: string, options: DbOptions = {}): Promise<PaymentDb> {
  return openPrisma((o) => new PrismaClient(o), dbPath, options);
}
