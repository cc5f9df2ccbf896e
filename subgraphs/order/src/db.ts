/** The order service's Prisma client over its SQLite file. */
import { openPrisma, type DbOptions } from "@ops/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type { Prisma } from "./generated/prisma/client.js";
export { PrismaClient };
export type OrderDb = PrismaClient;
export type OrderTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export type { DbOptions };

export async function createOrderDb(dbPath: string, options: DbOptions = {}): Promise<OrderDb> {
  return openPrisma((o) => new PrismaClient(o), dbPath, options);
}
