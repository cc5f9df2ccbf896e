/** The notification service's Prisma client over its SQLite file. */
import { applyPragmas, sqliteAdapter, withBusyRetry } from "@ops/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type { Prisma, Notification, NotificationTemplate, Channel, NotificationStatus } from "./generated/prisma/client.js";
export { PrismaClient };
export type NotificationDb = PrismaClient;
export type NotificationTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface DbOptions {
  /** Emit every SQL statement to this callback (tests count them). */
  onQuery?: (event: { query: string }) => void;
}

/** Opens the database and applies the shared pragmas (WAL, foreign keys). */
export async function createNotificationDb(dbPath: string, options: DbOptions = {}): Promise<NotificationDb> {
  const prisma = new PrismaClient({
    adapter: sqliteAdapter(dbPath),
    log: options.onQuery ? [{ emit: "event", level: "query" }] : [],
  });
  if (options.onQuery) prisma.$on("query" as never, options.onQuery as never);
  await applyPragmas(prisma);
  return withBusyRetry(prisma);
}
