/** Applies a service's pending migrations to its database (service-kit/src/data/migrate.ts). */
import path from "node:path";
import { REPO_ROOT, type DatabaseName } from "../config.js";
import { migrate } from "../data/migrate.js";

/** The folder holding a service's schema, config and migrations. */
export function prismaDir(service: DatabaseName): string {
  return path.join(REPO_ROOT, "prisma", service);
}

/** Applies `service`'s pending SQLite migrations to the file `dbPath`; returns what it applied. */
export async function migrateDatabase(service: DatabaseName, dbPath: string): Promise<string[]> {
  return migrate(service, { kind: "sqlite", path: dbPath });
}
