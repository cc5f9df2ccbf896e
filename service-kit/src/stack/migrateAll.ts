/**
 * `npm run migrate`: applies pending migrations to the three service databases, each on SQLite
 * (its file under DATA_DIR) or on PostgreSQL when `<SERVICE>_DATABASE_URL` is a postgres:// URL.
 */
import { readStackConfig, SERVICE_NAMES } from "../config.js";
import { migrate } from "../data/migrate.js";
import { usePrivateUmask } from "../privateFiles.js";
import { migrationTarget } from "./migrateDatabase.js";

// A database the migration creates is owner-only, as the services keep it.
usePrivateUmask();
const config = readStackConfig();
for (const name of SERVICE_NAMES) {
  const target = migrationTarget(name, config.services[name].dbPath);
  // Never print a URL's password.
  const where = target.kind === "sqlite" ? target.path : new URL(target.url).host + new URL(target.url).pathname;
  const applied = await migrate(name, target);
  console.log(applied.length ? `${name}: applied ${applied.join(", ")} to ${where}` : `${name}: ${where} is current`);
}
