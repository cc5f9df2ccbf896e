/** SQLite access shared by the services: the Prisma driver adapter and the pragmas we rely on. */
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/** Milliseconds a writer waits for another writer's lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/** The driver adapter for one SQLite file; creates the parent folder when missing. */
export function sqliteAdapter(dbPath: string): PrismaBetterSQLite3 {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  return new PrismaBetterSQLite3({ url: `file:${dbPath}`, timeout: BUSY_TIMEOUT_MS });
}

interface RawCapable {
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/**
 * WAL lets readers go on while one writer writes (progress queries during an import);
 * foreign keys are on so the seed's CASCADE holds.
 */
export async function applyPragmas(prisma: RawCapable): Promise<void> {
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

/** Counts the SQL statements a client sends, for tests that guard against N+1 queries. */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  record = (event: { query: string }): void => {
    this.count += 1;
    this.statements.push(event.query);
  };
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}
