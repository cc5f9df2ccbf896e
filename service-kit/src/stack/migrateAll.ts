/** `npm run migrate`: applies pending migrations to the three service databases. */
import { readStackConfig, SERVICE_NAMES } from "../config.js";
import { usePrivateUmask } from "../privateFiles.js";
import { migrateDatabase } from "./migrateDatabase.js";

// A database the migration creates is owner-only, as the services keep it.
usePrivateUmask();
const config = readStackConfig();
for (const name of SERVICE_NAMES) {
  await migrateDatabase(name, config.services[name].dbPath);
  console.log(`${name}: migrations applied to ${config.services[name].dbPath}`);
}
