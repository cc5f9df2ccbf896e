/**
 * `npm run migrate`: applies pending migrations to the three service databases and the auth
 * database, each on SQLite (its file under DATA_DIR) or on PostgreSQL when `<SERVICE>_DATABASE_URL`
 * (`AUTH_DATABASE_URL`) is a postgres:// URL.
 */
import { DATABASE_NAMES } from "../config.js";
import { databaseTarget, describeTarget } from "../data/databaseTarget.js";
import { migrate } from "../data/migrate.js";
import { usePrivateUmask } from "../privateFiles.js";

// A database the migration creates is owner-only, as the services keep it.
usePrivateUmask();
for (const name of DATABASE_NAMES) {
  const target = databaseTarget(name);
  // describeTarget never prints a URL's password.
  const where = describeTarget(target);
  const applied = await migrate(name, target);
  console.log(applied.length ? `${name}: applied ${applied.join(", ")} to ${where}` : `${name}: ${where} is current`);
}
