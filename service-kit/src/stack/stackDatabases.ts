/**
 * Fresh PostgreSQL databases for a throwaway stack under `npm run test:pg`: `isolatedStackEnv`
 * names them (it must stay synchronous for its callers), and the first process start creates
 * them as clones of the services' migrated templates.
 */
import crypto from "node:crypto";
import { DATABASE_NAMES, databaseUrlVariable, type DatabaseName } from "../config.js";

/** Set by `npm run test:pg` (scripts/testPg.ts): the admin URL of its throwaway cluster. */
const PG_ADMIN_URL_VARIABLE = "OPS_TEST_PG_ADMIN_URL";

/**
 * Set by `isolatedStackEnv` on PostgreSQL: the services whose `<SERVICE>_DATABASE_URL` names a
 * database that is created (from the migrated template) when the stack's processes start.
 */
export const FRESH_DATABASES_VARIABLE = "OPS_STACK_FRESH_DATABASES";

/**
 * The variables that put each service of a stack, and its auth database, on a fresh database of the test cluster, when
 * `env` has one (`OPS_TEST_PG_ADMIN_URL`) and `overrides` names no database for the service
 * (`<SERVICE>_DB_PATH` or `<SERVICE>_DATABASE_URL`); none otherwise.
 */
export function freshStackDatabases(env: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const adminUrl = env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) return {};
  const result: NodeJS.ProcessEnv = {};
  const fresh: DatabaseName[] = [];
  const stackId = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  for (const name of DATABASE_NAMES) {
    if (overrides[`${name.toUpperCase()}_DB_PATH`] || overrides[databaseUrlVariable(name)]) continue;
    const url = new URL(adminUrl);
    url.pathname = `/stack_${name}_${stackId}`;
    result[databaseUrlVariable(name)] = url.toString();
    fresh.push(name);
  }
  if (fresh.length) result[FRESH_DATABASES_VARIABLE] = fresh.join(",");
  return result;
}

/**
 * Creates the databases `isolatedStackEnv` named (clones of the migrated templates) unless they
 * exist; nothing to do for any other environment. Idempotent, and safe from several processes.
 */
export async function prepareStackDatabases(env: NodeJS.ProcessEnv): Promise<void> {
  const adminUrl = env[PG_ADMIN_URL_VARIABLE];
  const names = (env[FRESH_DATABASES_VARIABLE] ?? "").split(",").filter((n): n is DatabaseName => (DATABASE_NAMES as readonly string[]).includes(n));
  if (!adminUrl || names.length === 0) return;
  // Loaded only here: `npm start` never needs the test helpers.
  const { cloneServiceDatabase } = await import("../testing/freshDatabase.js");
  await Promise.all(
    names.map(async (name) => {
      const url = env[databaseUrlVariable(name)];
      if (!url) return;
      await cloneServiceDatabase(adminUrl, name, new URL(url).pathname.slice(1));
    }),
  );
}

