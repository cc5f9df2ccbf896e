/**
 * The notification service's database, SQLite or PostgreSQL, through the data kit: the typed
 * Kysely handle every file of `db/` takes, and how the service opens it.
 */
import type { Kysely, Transaction } from "kysely";
import { openDatabase, type DatabaseTarget, type OpenDatabaseOptions, type ServiceDb } from "@ops/service-kit/data";
import type { DB } from "../generated/kysely/types.js";

export type { DB };
/** The open database: `db` for reads, `transaction` for units of work. */
export type NotificationDatabase = ServiceDb<DB>;
/** Where a `db/` function runs: the database itself (a read) or a transaction. */
export type NotificationExecutor = Kysely<DB>;
/** A unit of work opened by `NotificationDatabase.transaction`. */
export type NotificationTx = Transaction<DB>;

/** Opens the notification database `target` names (its migrations applied by `npm run migrate`). */
export function openNotificationDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<NotificationDatabase> {
  return openDatabase<DB>(target, { applicationName: "ops-notification", ...options });
}
