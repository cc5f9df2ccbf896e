/** Applies a service's pending migrations to its database (service-kit/src/data/migrate.ts). */
import path from "node:path";
import { REPO_ROOT, type ServiceName } from "../config.js";
import { migrate, type MigrationTarget } from "../data/migrate.js";

/** The folder holding a service's schema, config and migrations. */
export function prismaDir(service: ServiceName): string {
  return path.join(REPO_ROOT, "prisma", service);
}

/**
 * Where `npm run migrate` takes a service: the PostgreSQL database of `<SERVICE>_DATABASE_URL`
 * when it is a postgres:// or postgresql:// URL, otherwise the SQLite file `dbPath`.
 */
export function migrationTarget(service: ServiceName, dbPath: string, env: NodeJS.ProcessEnv = process.env): MigrationTarget {
  const url = env[`${service.toUpperCase()}_DATABASE_URL`];
  return url && /^postgres(ql)?:\/\//.test(url) ? { kind: "postgres", url } : { kind: "sqlite", path: dbPath };
}

/** Applies `service`'s pending SQLite migrations to the file `dbPath`; returns what it applied. */
export async function migrateDatabase(service: ServiceName, dbPath: string): Promise<string[]> {
  return migrate(service, { kind: "sqlite", path: dbPath });
}
