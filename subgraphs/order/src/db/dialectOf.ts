/**
 * The dialect a Kysely instance (or transaction) of the order service runs on, for the few db/
 * functions that need the kit's helpers and take only the Kysely they run on.
 */
import { PostgresAdapter, type Kysely } from "kysely";
import { dialectHelpers, type DialectHelpers, type DialectName } from "@ops/service-kit/data";

/** "postgres" when `db` runs on PostgreSQL, else "sqlite". */
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** The kit's helpers for the dialect `db` runs on. */
export function helpersOf(db: Kysely<any>): DialectHelpers {
  return dialectHelpers(dialectOf(db));
}
