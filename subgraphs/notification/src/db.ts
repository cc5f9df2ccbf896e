/** The notification service's Prisma client over its SQLite file. */
import { openPrisma, type DbOptions } from "@ops/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type { Prisma, Notification, NotificationTemplate, Channel, NotificationStatus } from "./generated/prisma/client.js";
export { PrismaClient };
export type NotificationDb = PrismaClient;
export type NotificationTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export type { DbOptions };

/** Opens the database and applies the shared pragmas (WAL, foreign keys). */
export async function createNotificationDb(dbPath: string, options: DbOptions = {}): Promise<NotificationDb> {
  return openPrisma((o) => new PrismaClient(o), dbPath, options);
}
