/**
 * `npm run bench:cluster`: the cluster (replicas behind nginx on PostgreSQL) with 1 and then 2
 * replicas per tier (subgraphs and gateways): the README's federated 50-order query through the
 * gateway tier at concurrency 10 (requests/s, p50, p99) with each process's CPU per request, then a
 * 100,000-row import through the gateway tier (rows/s end to end) with each process's CPU per
 * 1,000 rows. CPU comes from /proc/<pid>/stat before and after. On a 2-core machine more replicas
 * cannot add cores: the figures show what a replica costs; on a bigger machine, how it scales.
 * `-- --replicas 1,2,4` chooses the sizes, `-- --rows N` the import's size.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, SERVICE_NAMES, writeApiKeyFile } from "@ops/service-kit";
import { launchCluster, type Cluster } from "@ops/service-kit/cluster";
import { startPgCluster, type PgCluster } from "@ops/service-kit/testing";
import { pool, poster, rng, seedOrder } from "../scripts/demoShop.js";
import { writeImportFile } from "./importFile.js";
import { loadTest, type LoadResult } from "./loadTest.js";
import { cpuMs, readCpu, treeCpuMs, type CpuGroups } from "./processCpu.js";
import { uploadAndImport } from "./uploadAndImport.js";

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const SIZES = arg("--replicas", "1,2").split(",").map(Number);
const ROWS = Number(arg("--rows", "100000"));
if (SIZES.some((n) => !Number.isInteger(n) || n < 1 || n > 16) || !Number.isInteger(ROWS) || ROWS < 1000) {
  console.error("Usage: npm run bench:cluster [-- --replicas 1,2] [-- --rows 100000]  (replicas 1–16 each, rows ≥ 1000)");
  process.exit(2);
}
const ORDERS = 120;
const REQUESTS = 2000;
const CONCURRENCY = 10;
const FEDERATED = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount
  items { productName quantity unitPrice }
  payment { status amount transactionId refunds { amount reason } }
  notifications { templateName channel status subject } } } } }`;

interface Run {
  replicas: number;
  query: LoadResult;
  /** CPU ms per request, by process. */
  queryCpu: Record<string, number>;
  importSeconds: number;
  importStatus: string;
  /** CPU ms per 1,000 rows, by process. */
  importCpu: Record<string, number>;
}

/** Every process of the cluster and PostgreSQL, for CPU readings. */
function cpuGroups(cluster: Cluster, pg: PgCluster): CpuGroups {
  const postmaster = Number(fs.readFileSync(path.join(pg.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const groups: CpuGroups = {};
  for (const replicas of Object.values(cluster.replicas)) {
    for (const r of replicas) groups[`${r.tier}-${r.index + 1}`] = () => cpuMs(r.process.child.pid!);
  }
  groups.nginx = () => treeCpuMs(cluster.nginxPid!);
  groups.postgres = () => treeCpuMs(postmaster);
  groups["load generator"] = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  return groups;
}

function perUnit(before: Record<string, number>, after: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / units]));
}

async function bench(pg: PgCluster, replicas: number, file: string, expected: ReturnType<typeof writeImportFile>): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ops-bench-cluster-${replicas}-`));
  const apiKey = generateApiKey();
  const apiKeysFile = path.join(dir, "api-keys.json");
  writeApiKeyFile(apiKeysFile, [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
  console.log(`\n=== ${replicas} replica(s) per tier: ${replicas} gateway(s), ${replicas} of each subgraph, nginx, PostgreSQL ${pg.version} ===`);
  const cluster = await launchCluster({
    adminUrl: pg.adminUrl,
    replicas,
    gateways: replicas,
    dir: path.join(dir, "cluster"),
    databases: "template",
    databasePrefix: `bench_${replicas}`,
    env: { LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200", API_KEYS_FILE: apiKeysFile },
    silent: true,
    supervise: false,
  });
  const auth = { authorization: `ApiKey ${apiKey}` };
  const post = poster(cluster.gatewayUrl, auth);
  try {
    const random = rng(42);
    await pool(ORDERS, 8, (i) => seedOrder(post, i, random));
    const body = JSON.stringify({ query: FEDERATED });
    // Warm-up: query plans, JIT, connection pools on every replica.
    await loadTest(cluster.gatewayUrl, body, { requests: 300 * replicas, concurrency: CONCURRENCY, headers: auth });
    const groups = cpuGroups(cluster, pg);
    const before = readCpu(groups);
    const query = await loadTest(cluster.gatewayUrl, body, { requests: REQUESTS, concurrency: CONCURRENCY, headers: auth });
    const queryCpu = perUnit(before, readCpu(groups), query.requests);
    console.log(`federated 50 orders, c=${CONCURRENCY}: ${query.rps.toFixed(0)} req/s, p50 ${query.p50.toFixed(1)} ms, p99 ${query.p99.toFixed(1)} ms`);

    const importBefore = readCpu(groups);
    const started = performance.now();
    const startImport = await uploadAndImport(cluster.gatewayUrl, auth, file, "bench.csv");
    let status = "";
    for (;;) {
      const data = await post(
        `query($id: ID!, $b: ID!) { import(id: $id) { status message } orders(first: 1, filter: { batchId: $b, status: [CONFIRMED] }) { totalCount }
          importBatch(batchId: $b) { notificationCounts { sent notSent } } }`,
        { id: startImport.id, b: startImport.batchId },
      );
      status = data.import.status;
      if (["FAILED", "CANCELLED"].includes(status)) {
        status = `${status}: ${data.import.message}`;
        break;
      }
      const counts = data.importBatch?.notificationCounts ?? { sent: 0, notSent: 0 };
      if (status.startsWith("COMPLETED") && data.orders.totalCount === expected.completedPayments && counts.sent + counts.notSent === expected.orders) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const importSeconds = (performance.now() - started) / 1000;
    const importCpu = perUnit(importBefore, readCpu(groups), expected.rows / 1000);
    console.log(`import of ${expected.rows} rows: ${status}, ${importSeconds.toFixed(1)} s, ${(expected.rows / importSeconds).toFixed(0)} rows/s end to end`);
    return { replicas, query, queryCpu, importSeconds, importStatus: status, importCpu };
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per process kind: the sum over its replicas, and the replicas' own figures. */
function cpuTable(runs: Run[], pick: (r: Run) => Record<string, number>, unit: string): string {
  const kinds = ["gateway", ...SERVICE_NAMES, "nginx", "postgres", "load generator"];
  const cell = (figures: Record<string, number>, kind: string) => {
    const own = Object.entries(figures).filter(([name]) => name === kind || name.startsWith(`${kind}-`));
    const total = own.reduce((s, [, v]) => s + v, 0);
    return own.length > 1 ? `${total.toFixed(2)} (${own.map(([, v]) => v.toFixed(2)).join(" + ")})` : total.toFixed(2);
  };
  const head = `| CPU ms ${unit} | ${runs.map((r) => `${r.replicas} per tier`).join(" | ")} |\n|---|${runs.map(() => "---").join("|")}|`;
  const rows = kinds.map((k) => `| ${k} | ${runs.map((r) => cell(pick(r), k)).join(" | ")} |`);
  const total = `| **all** | ${runs.map((r) => Object.values(pick(r)).reduce((s, v) => s + v, 0).toFixed(2)).join(" | ")} |`;
  return [head, ...rows, total].join("\n");
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-cluster-"));
const file = path.join(work, "orders.csv");
const expected = writeImportFile(file, ROWS);
console.log(`Generated ${expected.rows} rows (${expected.orders} orders) for the import; ${os.availableParallelism()} cores.`);
const pg = await startPgCluster({ durable: true });
try {
  const runs: Run[] = [];
  for (const replicas of SIZES) runs.push(await bench(pg, replicas, file, expected));
  console.log(`\n| per tier | federated req/s | p50 ms | p99 ms | import rows/s | import |\n|---|---|---|---|---|---|`);
  for (const r of runs) {
    console.log(`| ${r.replicas} | ${r.query.rps.toFixed(0)} | ${r.query.p50.toFixed(1)} | ${r.query.p99.toFixed(1)} | ${(expected.rows / r.importSeconds).toFixed(0)} | ${r.importStatus} |`);
  }
  console.log(`\n${cpuTable(runs, (r) => r.queryCpu, "per federated request")}`);
  console.log(`\n${cpuTable(runs, (r) => r.importCpu, "per 1,000 imported rows")}`);
} finally {
  await pg.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
