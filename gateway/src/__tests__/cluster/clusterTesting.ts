/**
 * What the replica tests need: a PostgreSQL server (`npm run test:cluster` starts a throwaway one
 * and sets OPS_TEST_PG_ADMIN_URL) and nginx. They run only through that command, so a missing
 * prerequisite fails them with what to do, never skips them.
 */
import { findNginx } from "@ops/service-kit/cluster";
import { PG_ADMIN_URL_VARIABLE } from "@ops/service-kit/testing";

/** The PostgreSQL admin URL the cluster's databases are created with; throws when there is none or nginx is missing. */
export function clusterPrerequisites(): string {
  const adminUrl = process.env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) throw new Error(`${PG_ADMIN_URL_VARIABLE} is not set: run these tests with npm run test:cluster (it starts PostgreSQL).`);
  findNginx(); // throws NginxNotInstalledError naming the package
  return adminUrl;
}
