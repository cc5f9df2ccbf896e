/**
 * `npm run start:cluster -- --replicas 2 --gateways 2 [--database-url postgres://…]`: the stack as
 * a cluster on PostgreSQL behind nginx (see launchCluster.ts), for trying replicas out on one
 * machine. Without `--database-url` it starts a throwaway PostgreSQL server of its own (Debian's
 * `postgresql`), removed when the cluster stops. Ctrl-C stops everything, nginx included.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { describeSupervisionEvent } from "../stack/supervisor.js";
import { PgNotInstalledError, startPgCluster, type PgCluster } from "../testing/pgCluster.js";
import { launchCluster, TIERS } from "./launchCluster.js";
import { NginxNotInstalledError } from "./nginx.js";

const USAGE = "Usage: npm run start:cluster -- [--replicas N] [--gateways N] [--database-url postgres://user:password@host:5432/postgres]";

function fail(message: string): never {
  console.error(`start:cluster: ${message}`);
  process.exit(2);
}

function count(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 16) fail(`--${flag} must be a whole number from 1 to 16 (got "${raw}").\n${USAGE}`);
  return Number(raw);
}

let parsed;
try {
  parsed = parseArgs({ options: { replicas: { type: "string" }, gateways: { type: "string" }, "database-url": { type: "string" }, help: { type: "boolean" } } });
} catch (err) {
  fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const replicas = count(parsed.values.replicas, "replicas", 2);
const gateways = count(parsed.values.gateways, "gateways", 2);
const given = parsed.values["database-url"];
if (given !== undefined && !/^postgres(ql)?:\/\//.test(given)) fail(`--database-url must be a postgres:// URL of a user that may create databases (got "${given}").`);

let server: PgCluster | undefined;
if (!given) {
  try {
    server = await startPgCluster({ durable: true });
  } catch (err) {
    fail(err instanceof PgNotInstalledError ? err.message : String(err));
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-cluster-"));
let cluster;
try {
  cluster = await launchCluster({
    adminUrl: given ?? server!.adminUrl,
    replicas,
    gateways,
    dir,
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "info" },
    onSupervision: (event, tier, index) => console.error(`[cluster] ${tier} ${index + 1}: ${describeSupervisionEvent(event).replace(new RegExp(`^${tier} `), "")}`),
  });
} catch (err) {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fail(err instanceof NginxNotInstalledError ? err.message : err instanceof Error ? err.message : String(err));
}

const base = cluster.gatewayUrl.replace(/\/graphql$/, "");
console.log(`
Order Operations cluster: ${replicas} replica${replicas === 1 ? "" : "s"} per service, ${gateways} gateway${gateways === 1 ? "" : "s"}, PostgreSQL${server ? ` ${server.version} (throwaway, port ${server.port})` : ""}, nginx in front of each tier

  Admin UI      ${base}/
  GraphQL API   ${cluster.gatewayUrl}
  Ready         ${base}/ready
${TIERS.map((t) => `  ${t.padEnd(13)} ${cluster.tierUrls[t]}  ←  ${cluster.replicas[t].map((r) => r.url.replace(/\/graphql$/, "")).join(", ")}`).join("\n")}

Sign in with the first admin printed above (or npm run user:add). Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("start:cluster: stopping (each replica drains first)…");
  await cluster.stop();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
