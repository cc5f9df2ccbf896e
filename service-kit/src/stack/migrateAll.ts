/** `npm run migrate`: applies pending migrations to the three service databases. */
import { readStackConfig, SERVICE_NAMES } from "../config.js";
import { migrateDatabase } from "./migrateDatabase.js";

const config = readStackConfig();
for (const name of SERVICE_NAMES) {
  await migrateDatabase(name, config.services[name].dbPath);
  console.log(`${name}: migrations applied to ${config.services[name].dbPath}`);
}
