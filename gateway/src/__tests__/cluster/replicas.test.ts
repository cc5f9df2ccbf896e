/**
 * Two gateways and two replicas of every subgraph on PostgreSQL behind nginx (`npm run
 * test:cluster`): a 200,000-row import survives the SIGKILL of the replica running it, and 1,000
 * payments completed through both gateways survive the SIGKILL of a payment and an order
 * replica — nothing lost, nothing doubled, every event applied once.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, writeApiKeyFile } from "@ops/service-kit";
import { launchCluster, type Cluster, type Replica } from "@ops/service-kit/cluster";
import { eventually, tempDir } from "@ops/service-kit/testing";
import { writeImportFile } from "../../../bench/importFile.js";
import { uploadAndImport } from "../../../bench/uploadAndImport.js";
import { login, signIn, writeTestUsers } from "../signIn.js";
import { clusterPrerequisites } from "./clusterTesting.js";

const world = tempDir("ops-cluster-test-");
let cluster: Cluster;
let auth: Record<string, string>;
const databases: Record<string, pg.Pool> = {};

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One GraphQL request; a network error or a 502/503/504 from nginx comes back as `null`. */
async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer | null> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    if (res.status >= 502) return null;
    return (await res.json()) as Answer;
  } catch {
    return null;
  }
}

/** Asks until a gateway answers without errors (a replica may be down meanwhile). */
async function must(url: string, query: string, variables: Record<string, unknown> = {}, accept?: (a: Answer) => boolean): Promise<any> {
  let last: Answer | null = null;
  for (let attempt = 0; attempt < 60; attempt++) {
    last = await post(url, query, variables);
    if (last && !last.errors?.length && last.data) return last.data;
    if (last && accept?.(last)) return last.data;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer without errors: ${JSON.stringify(last)}`);
}

const count = async (service: string, text: string, values: unknown[] = []) => Number((await databases[service]!.query(text, values)).rows[0].n);

/** The replica whose job runner holds `importId` (`import_history.claimed_by` = host/pid/…). */
async function replicaRunning(importId: string): Promise<{ replica: Replica; claim: string } | undefined> {
  const { rows } = await databases.order!.query("SELECT claimed_by FROM import_history WHERE id = $1", [Number(importId)]);
  const claim: string | null = rows[0]?.claimed_by ?? null;
  if (!claim) return undefined;
  const pid = Number(claim.split("/")[1]);
  const replica = cluster.replicas.order.find((r) => r.process.child.pid === pid);
  return replica ? { replica, claim } : undefined;
}

/**
 * Every event each service sent to another was applied there exactly once: the outbox rows
 * delivered to `destination` and the receiver's `processed_events` from that source agree.
 */
async function eventsAppliedOnce(): Promise<Record<string, { sent: number; applied: number }>> {
  const result: Record<string, { sent: number; applied: number }> = {};
  for (const source of ["order", "payment", "notification"]) {
    for (const destination of ["order", "payment", "notification"]) {
      if (source === destination) continue;
      const sent = await count(source, "SELECT count(*) AS n FROM outbox WHERE destination = $1", [destination]);
      if (sent === 0) continue;
      const undelivered = await count(source, "SELECT count(*) AS n FROM outbox WHERE destination = $1 AND status <> 'delivered'", [destination]);
      expect(undelivered, `${source} → ${destination}: undelivered`).toBe(0);
      const applied = await count(destination, "SELECT count(*) AS n FROM processed_events WHERE source = $1", [source]);
      result[`${source} → ${destination}`] = { sent, applied };
    }
  }
  return result;
}

beforeAll(async () => {
  const adminUrl = clusterPrerequisites();
  const apiKey = generateApiKey();
  const keys = path.join(world.dir, "api-keys.json");
  writeApiKeyFile(keys, [{ name: "cluster-test", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
  auth = { authorization: `ApiKey ${apiKey}` };
  cluster = await launchCluster({
    adminUrl,
    replicas: 2,
    gateways: 2,
    dir: path.join(world.dir, "cluster"),
    databases: "template",
    databasePrefix: `replicas_${process.pid}`,
    // The test kills replicas and brings them back itself, so it knows who ran what.
    supervise: false,
    silent: true,
    env: {
      API_KEYS_FILE: keys,
      RATE_LIMIT_PER_MINUTE: "1000000",
      OUTBOX_POLL_MS: "100",
      OUTBOX_BASE_DELAY_MS: "200",
      // A killed replica's claimed events go out from another after 2 × 5 s + 10 s, not 30 s.
      OUTBOX_TIMEOUT_MS: "5000",
      // A dead replica's job is taken over once its lease runs out: 5 s instead of 30.
      JOB_LEASE_MS: "5000",
    },
  });
  for (const [service, url] of Object.entries(cluster.databaseUrls)) databases[service] = new pg.Pool({ connectionString: url, max: 2 });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(databases).map((p) => p.end()));
  await cluster?.stop();
  world.cleanup();
}, 60_000);

describe("two replicas per tier behind nginx, on PostgreSQL", () => {
  it("resumes a 200,000-row import on another replica after the one running it is killed, and writes everything exactly once", async () => {
    const file = path.join(world.dir, "import.csv");
    const expected = writeImportFile(file, 200_000, 13);
    const startImport = await uploadAndImport(cluster.gatewayUrl, auth, file, "cluster.csv");
    const importId: string = startImport.id;
    const batchId: string = startImport.batchId;
    const progress = async () => (await must(cluster.gatewayUrl, `query($id: ID!) { import(id: $id) { status rowsDone totalRows } }`, { id: importId })).import;

    // Kill the replica running it once it has committed some chunks, but far from the end.
    await eventually(progress, (p) => p.rowsDone >= 20_000, 120_000);
    const running = await replicaRunning(importId);
    expect(running, "the import's claim names an order replica").toBeDefined();
    const rowsAtKill = (await progress()).rowsDone;
    await running!.replica.kill();

    // Another replica takes it over from its last committed chunk and finishes it.
    const resumed = await eventually(() => replicaRunning(importId), (r) => r !== undefined && r.replica !== running!.replica, 60_000);
    expect(resumed!.claim).not.toBe(running!.claim);
    const done = await eventually(progress, (p) => /^(COMPLETED|FAILED|CANCELLED)/.test(p.status), 240_000);
    expect(done.status).toMatch(/^COMPLETED/);
    expect(done.rowsDone).toBe(expected.rows);
    expect(rowsAtKill).toBeLessThan(expected.rows);
    await running!.replica.restart();

    // Payments, confirmations and notifications converge through every tier.
    await eventually(
      async () => must(cluster.gatewayUrl, `query($b: ID!) {
          paymentBatch(batchId: $b) { orderCount }
          importBatch(batchId: $b) { notificationCounts { sent notSent pending failed } }
        }`, { b: batchId }),
      (d) => d.paymentBatch?.orderCount === expected.completedPayments + expected.pendingPayments && d.importBatch.notificationCounts.pending === 0,
      240_000,
    );

    // Exactly once, counted in the databases themselves.
    const batch = [batchId];
    expect(await count("order", "SELECT count(*) AS n FROM orders WHERE batch_id = $1", batch)).toBe(expected.orders);
    expect(await count("order", "SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.batch_id = $1", batch)).toBe(expected.rows);
    expect(await count("payment", "SELECT count(*) AS n FROM payments WHERE batch_id = $1", batch)).toBe(expected.completedPayments + expected.pendingPayments);
    expect(await count("payment", "SELECT count(*) AS n FROM payments WHERE batch_id = $1 AND status = 'completed'", batch)).toBe(expected.completedPayments);
    expect(await count("notification", "SELECT count(*) AS n FROM (SELECT order_id, template_name FROM notifications WHERE batch_id = $1 GROUP BY 1, 2 HAVING count(*) > 1) d", batch)).toBe(0);
    const confirmed = await count("order", "SELECT count(*) AS n FROM orders WHERE batch_id = $1 AND status = 'confirmed'", batch);
    expect(confirmed).toBe(expected.completedPayments);
    expect(await count("notification", "SELECT count(*) AS n FROM notifications WHERE batch_id = $1 AND template_name = 'ORDER_CONFIRMATION'", batch)).toBe(expected.orders);
    await eventually(() => eventsAppliedOnce(), (pairs) => Object.values(pairs).every((p) => p.sent === p.applied), 60_000);
    console.log(`cluster import: ${expected.rows} rows, ${expected.orders} orders; killed ${running!.claim} at ${rowsAtKill} rows; resumed by ${resumed!.claim}; events ${JSON.stringify(await eventsAppliedOnce())}`);
  }, 600_000);

  it("completes 1,000 payments through both gateways while a payment and an order replica are killed: every order confirmed and notified once", async () => {
    const ORDERS = 1000;
    const gateways = cluster.replicas.gateway.map((g) => g.url);
    // The orders, in one import of a file without payments (PENDING, unpaid).
    const csv = ["order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency"];
    for (let i = 1; i <= ORDERS; i++) csv.push(`P-${i},payer${i}@example.jp,支払 ${i}号,宇治抹茶 30g,1,${1000 + i},JPY`);
    const file = path.join(world.dir, "orders.csv");
    fs.writeFileSync(file, `${csv.join("\r\n")}\r\n`);
    const startImport = await uploadAndImport(cluster.gatewayUrl, auth, file, "orders.csv");
    await eventually(async () => (await must(cluster.gatewayUrl, `query($id: ID!) { import(id: $id) { status } }`, { id: startImport.id })).import, (i) => /^COMPLETED/.test(i.status), 120_000);
    const { rows } = await databases.order!.query("SELECT id FROM orders WHERE batch_id = $1 ORDER BY id", [startImport.batchId]);
    const orderIds = rows.map((r) => String(r.id));
    expect(orderIds).toHaveLength(ORDERS);

    // Pay each: createPayment (idempotent by key) then completePayment, alternating gateways,
    // asking again after a failed connection as a careful client does.
    let next = 0;
    let paid = 0;
    const payStarted = performance.now();
    const payOne = async (orderId: string, gateway: string) => {
      const created = await must(gateway, `mutation($o: ID!, $k: String!) { createPayment(input: { orderId: $o, paymentMethod: "credit_card", idempotencyKey: $k }) { id status } }`, { o: orderId, k: `cluster-${orderId}` });
      const paymentId = created.createPayment.id;
      // Completed already (our earlier attempt's answer was lost): the CONFLICT says so.
      await must(gateway, `mutation($p: ID!) { completePayment(id: $p) { status } }`, { p: paymentId }, (a) => a.errors?.[0]?.extensions?.code === "CONFLICT" && /COMPLETED/.test(JSON.stringify(a.errors)));
      paid += 1;
    };
    const workers = Array.from({ length: 8 }, (_, w) => (async () => {
      for (;;) {
        const i = next++;
        if (i >= ORDERS) return;
        await payOne(orderIds[i]!, gateways[(i + w) % gateways.length]!);
      }
    })());
    // Kill one payment replica and one order replica while payments flow, then bring them back.
    await eventually(async () => paid, (n) => n >= 200, 120_000);
    const payment = cluster.replicas.payment[0]!;
    const order = cluster.replicas.order[1]!;
    await payment.kill();
    await eventually(async () => paid, (n) => n >= 400, 120_000);
    await order.kill();
    await eventually(async () => paid, (n) => n >= 550, 120_000);
    await Promise.all([payment.restart(), order.restart()]);
    await Promise.all(workers);
    expect(paid).toBe(ORDERS);
    const paidAfter = performance.now() - payStarted;

    const ids = orderIds.map(Number);
    await eventually(
      async () => ({
        confirmed: await count("order", "SELECT count(*) AS n FROM orders WHERE id = ANY($1) AND status = 'confirmed'", [ids]),
        notified: await count("notification", "SELECT count(*) AS n FROM notifications WHERE order_id = ANY($1) AND template_name = 'ORDER_CONFIRMATION'", [ids]),
      }),
      (c) => c.confirmed === ORDERS && c.notified >= ORDERS,
      180_000,
    );
    expect(await count("payment", "SELECT count(*) AS n FROM payments WHERE order_id = ANY($1) AND status = 'completed'", [ids])).toBe(ORDERS);
    expect(await count("notification", "SELECT count(*) AS n FROM notifications WHERE order_id = ANY($1) AND template_name = 'ORDER_CONFIRMATION'", [ids])).toBe(ORDERS);
    expect(await count("notification", "SELECT count(DISTINCT order_id) AS n FROM notifications WHERE order_id = ANY($1) AND template_name = 'ORDER_CONFIRMATION'", [ids])).toBe(ORDERS);
    await eventually(() => eventsAppliedOnce(), (pairs) => Object.values(pairs).every((p) => p.sent === p.applied), 60_000);
    console.log(`cluster payments: ${ORDERS} completed in ${(paidAfter / 1000).toFixed(1)} s; every order confirmed and notified ${((performance.now() - payStarted) / 1000).toFixed(1)} s after the first`);
  }, 600_000);

  it("locks a user name after 5 failed sign-ins spread over both gateways, and refuses a signed-out token at both within 1 s", async () => {
    const [one, two] = cluster.replicas.gateway.map((g) => g.url) as [string, string];
    const users = { mallory: { username: "mallory", role: "viewer" as const, password: "mallory-password-for-tests" }, oscar: { username: "oscar", role: "viewer" as const, password: "oscar-password-for-tests" } };
    await writeTestUsers({ kind: "postgres", url: cluster.databaseUrls.auth, poolSize: 1 }, Object.values(users));

    for (let i = 0; i < 5; i++) expect((await login(i % 2 ? two : one, users.mallory.username, `wrong-${i}`)).status).toBe(401);
    for (const gateway of [one, two]) {
      const sixth = await login(gateway, users.mallory.username, users.mallory.password);
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    }

    const session = await signIn(cluster.gatewayUrl, users.oscar.username, users.oscar.password);
    const status = async (gateway: string) =>
      (await fetch(gateway, { method: "POST", headers: { "content-type": "application/json", ...session.headers }, body: JSON.stringify({ query: "{ orders(first: 1) { totalCount } }" }) })).status;
    expect([await status(one), await status(two)]).toEqual([200, 200]);
    const out = await fetch(`${new URL(cluster.gatewayUrl).origin}/auth/logout`, { method: "POST", headers: { "content-type": "application/json", ...session.headers }, body: "{}" });
    expect(out.status).toBe(204);
    const started = performance.now();
    await eventually(async () => [await status(one), await status(two)], (s) => s.every((code) => code === 401), 3000);
    expect(performance.now() - started).toBeLessThan(1000);
  }, 60_000);
});
