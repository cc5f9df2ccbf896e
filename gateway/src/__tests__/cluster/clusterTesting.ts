/**
 * What the replica tests need: a PostgreSQL server (`npm run test:cluster` starts a throwaway one
 * and sets OPS_TEST_PG_ADMIN_URL) and nginx. Without them the tests are skipped, saying why.
 */
import { findNginx } from "@ops/service-kit/cluster";
import { PG_ADMIN_URL_VARIABLE } from "@ops/service-kit/testing";

export const PG_ADMIN_URL = process.env[PG_ADMIN_URL_VARIABLE];

/** Why the cluster tests cannot run here, or undefined when they can. */
export function clusterSkipReason(): string | undefined {
  if (!PG_ADMIN_URL) return "no PostgreSQL: run them with npm run test:cluster";
  try {
    findNginx();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
