/**
 * `npm run bench:gateway`: seeds its own shop on a temporary data directory, then measures the
 * 50-order federated query (items, payment, refunds, notifications) through the gateway and the
 * order part alone against the order subgraph, at concurrency 1 and 10.
 * Target on a 2-core machine: gateway p99 ≤ 50 ms at concurrency 10.
 * `-- --db pg` runs it on PostgreSQL (a throwaway cluster), `-- --db both` on each database in
 * turn with the figures side by side; `--db sqlite` (default) is SQLite only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, loadSecrets, writeApiKeyFile } from "@ops/service-kit";
import { isolatedStackEnv, launchStack } from "@ops/service-kit/stack";
import { pool, poster, rng, seedOrder } from "../scripts/demoShop.js";
import { databasesArg, onEachDatabase, servicesStillOnSqlite, sideBySide, type BenchDatabase } from "./benchDatabases.js";
import { loadTest, type LoadResult } from "./loadTest.js";

const ORDERS = 120;
const FEDERATED = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount
  items { productName quantity unitPrice }
  payment { status amount transactionId refunds { amount reason } }
  notifications { templateName channel status subject } } } } }`;
const ORDER_ONLY = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount items { productName quantity unitPrice } } } } }`;

/** Seeds a shop on a fresh stack on `overrides`' databases and measures it; returns the runs. */
async function bench(database: BenchDatabase, overrides: NodeJS.ProcessEnv): Promise<[string, LoadResult][]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-"));
  // Every check stays on (router secret, token or key verification per subgraph, roles, query
  // limits); only the per-identity rate limit is raised, or the benchmark would measure the limiter.
  const env = isolatedStackEnv(dataDir, { NODE_ENV: "production", RATE_LIMIT_PER_MINUTE: "1000000", ...overrides });
  // Production refuses generated secrets: generate a set here and hand it over as a deployment would.
  const secrets = loadSecrets(dataDir, { ...env, NODE_ENV: "development" });
  Object.assign(env, {
    JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
    JWT_PUBLIC_KEY: secrets.jwtPublicKey,
    ROUTER_SECRET: secrets.routerSecret,
    SERVICE_SECRET: secrets.serviceSecret,
    WEBHOOK_SECRET: secrets.webhookSecret,
  });
  for (const k of ["ORDER_URL", "PAYMENT_URL", "NOTIFICATION_URL", "ORDER_DB_PATH", "PAYMENT_DB_PATH", "NOTIFICATION_DB_PATH"]) delete env[k];

  const apiKey = generateApiKey();
  writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
  const auth = { authorization: `ApiKey ${apiKey}` };

  console.log(`Starting the stack on ${dataDir} ...`);
  const stack = await launchStack({ env, silent: true });
  try {
    const post = poster(stack.gatewayUrl, auth);
    const random = rng(42);
    await pool(ORDERS, 8, (i) => seedOrder(post, i, random));
    const check = await post(FEDERATED);
    const nodes = check.orders.edges.map((e: any) => e.node);
    console.log(`Seeded ${check.orders.totalCount} orders; the first page holds ${nodes.length} orders, ${nodes.filter((n: any) => n.payment).length} payments, ${nodes.reduce((s: number, n: any) => s + n.notifications.length, 0)} notifications.`);

    const orderUrl = stack.processes.order.url;
    const body = (q: string) => JSON.stringify({ query: q });
    // Warm up: query plans, JIT, connection pools.
    // The order subgraph alone is called as the router would: router secret + the same identity.
    const orderHeaders = { ...auth, "x-router-secret": secrets.routerSecret };
    await loadTest(stack.gatewayUrl, body(FEDERATED), { requests: 300, concurrency: 10, headers: auth });
    await loadTest(orderUrl, body(ORDER_ONLY), { requests: 300, concurrency: 10, headers: orderHeaders });

    const rows: [string, LoadResult][] = [];
    for (const concurrency of [1, 10]) {
      const requests = concurrency === 1 ? 300 : 2000;
      rows.push([`gateway, federated, c=${concurrency}`, await loadTest(stack.gatewayUrl, body(FEDERATED), { requests, concurrency, headers: auth })]);
      rows.push([`order subgraph alone, c=${concurrency}`, await loadTest(orderUrl, body(ORDER_ONLY), { requests, concurrency, headers: orderHeaders })]);
    }
    console.log("\n| run | requests | p50 ms | p99 ms | max ms | req/s |\n|---|---|---|---|---|---|");
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.requests} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.rps.toFixed(0)} |`);
    }
    const gw10 = rows[2]![1];
    const ord10 = rows[3]![1];
    console.log(`\nratio gateway/order-subgraph at c=10: p99 ${(gw10.p99 / ord10.p99).toFixed(2)}x, req/s ${(ord10.rps / gw10.rps).toFixed(2)}x`);
    console.log(`target p99 ≤ 50 ms at c=10: ${gw10.p99 <= 50 ? "MET" : "MISSED"} (${gw10.p99.toFixed(1)} ms)`);
    const onSqlite = database === "postgres" ? servicesStillOnSqlite(dataDir) : [];
    if (onSqlite.length) console.log(`NOTE: ${onSqlite.join(", ")} did not read its PostgreSQL URL and ran on SQLite: these are not PostgreSQL figures for it.`);
    return rows;
  } finally {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const databases = databasesArg();
const results = await onEachDatabase(databases, bench);
if (databases.length > 1) {
  const first = [...results.values()][0]!;
  const cell = (d: BenchDatabase, i: number, pick: (r: LoadResult) => string) => [d, pick(results.get(d)![i]![1])] as const;
  console.log(`\nSide by side (p50 / p99 ms, req/s):\n`);
  console.log(
    sideBySide(
      databases,
      first.map(([name], i) => [name, new Map(databases.map((d) => cell(d, i, (r) => `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms, ${r.rps.toFixed(0)}/s`)))]),
    ),
  );
}
