/** The order service's Prisma client over its SQLite file. */
import { applyPragmas, sqliteAdapter, withBusyRetry } from "@ops/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type { Prisma } from "./generated/prisma/client.js";
export { PrismaClient };
export type OrderDb = PrismaClient;
export type OrderTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface DbOptions {
  /** Emit every SQL statement to this callback (tests count them). */
  onQuery?: (event: { query: string }) => void;
}

export async function createOrderDb(dbPath: string, options: DbOptions = {}): Promise<OrderDb> {
  const prisma = new PrismaClient({
    adapter: sqliteAdapter(dbPath),
    log: options.onQuery ? [{ emit: "event", level: "query" }] : [],
  });
  if (options.onQuery) prisma.$on("query" as never, options.onQuery as never);
  await applyPragmas(prisma);
  return withBusyRetry(prisma);
}
