import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, REPO_ROOT, signUserToken, type Role } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { eventually, graphqlRequest, mustQuery, tempDir, type GraphQLResult } from "@ops/service-kit/testing";
import { startHiveGateway, type RunningHiveGateway } from "../../hive/startHiveGateway.js";

// One stack, and Hive Gateway (Rust query planner, gateway/hive/gateway.config.ts) in front of the
// same subgraphs: what a client sees through either gateway must be the same.
const world = tempDir("ops-hive-");
let stack: Stack;
let hive: RunningHiveGateway;
let ours: string;
const auth: Record<Role, Record<string, string>> = { viewer: {}, operator: {}, admin: {} };

/** The README's read-only examples ("Using the API", "Templates", "Outbox"), exactly as printed there. */
const README_QUERIES = [
  `{
  orders(first: 50) {
    totalCount
    edges {
      node {
        id customerName status totalAmount
        items { productName quantity unitPrice }
        payment { status amount transactionId refunds { amount reason } }
        notifications { templateName channel status subject }
      }
    }
  }
}`,
  `query {
  orders(first: 20, filter: { customerName: "やまだ", status: [PENDING, CONFIRMED], createdFrom: "2026-11-01", createdTo: "2026-11-30" },
         sort: { field: TOTAL_AMOUNT, direction: DESC }) {
    totalCount totalAmount
    edges { cursor node { id customerName totalAmount createdAt } }
    pageInfo { hasNextPage endCursor }   # pass endCursor as \`after\` for the next page
  }
}`,
  `{ templateVariables { name description example } }`,
  `query { previewTemplate(input: { templateName: "ORDER_CONFIRMATION", orderId: "1" }) { subject body characterCount smsSegments } }`,
  `{ orderOutboxFigures { pending retrying dead delivered } paymentOutboxFigures { pending retrying dead } }`,
  `{ orderOutbox(status: DEAD) { id eventId type destination attempts lastError createdAt } }`,
];

const ORDERS_WITH_PAYMENTS = `{ orders(first: 50) { edges { node { id customerName payment { status amount } } } } }`;
const CREATE_ORDER = `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id totalAmount status } }`;

function order(customerName: string, unitPrice: number) {
  return { i: { customerEmail: "taro.yamada@example.jp", customerName, items: [{ productName: "静岡県産 深蒸し煎茶 100g", quantity: 2, unitPrice }] } };
}

/** Waits until no service has an event waiting, so the data stops changing under the comparisons. */
async function drained(): Promise<void> {
  const end = Date.now() + 15_000;
  for (let clean = 0; clean < 2 && Date.now() < end; ) {
    let waiting = 0;
    for (const name of ["payment", "order", "notification"]) {
      const { f } = await mustQuery(ours, `{ f: ${name}OutboxFigures { pending retrying } }`, {}, auth.admin);
      waiting += f.pending + f.retrying;
    }
    clean = waiting === 0 ? clean + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const post = (url: string, query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}) =>
  graphqlRequest(url, query, variables, headers);

beforeAll(async () => {
  const env = isolatedStackEnv(world.dir, { NODE_ENV: "development", RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "100", OUTBOX_BASE_DELAY_MS: "100" });
  stack = await launchStack({ env, silent: true });
  ours = stack.gatewayUrl;
  hive = await startHiveGateway({ env: stack.env, port: 0, silent: true });
  const key = loadSecrets(world.dir, env).jwtPrivateKey;
  for (const role of ["viewer", "operator", "admin"] as const) {
    const { token } = await signUserToken(key, { name: `hive-${role}`, role, kind: "user" }, 900);
    auth[role] = { authorization: `Bearer ${token}` };
  }

  // The README's flow through our gateway: paid (which confirms the order), shipped and notified;
  // failed; refunded; cancelled.
  const m = (query: string, variables: Record<string, unknown> = {}) => mustQuery(ours, query, variables, auth.admin);
  const a = (await m(CREATE_ORDER, order("山田 太郎", 1280))).createOrder.id;
  const pa = (await m(`mutation($o: ID!) { createPayment(input: { orderId: $o, paymentMethod: "credit_card", idempotencyKey: "hive-a" }) { id } }`, { o: a })).createPayment.id;
  await m(`mutation($p: ID!) { completePayment(id: $p) { status } }`, { p: pa });
  // The payment's event confirms the order asynchronously; shipping waits for it.
  await eventually(() => m(`query($o: ID!) { order(id: $o) { status } }`, { o: a }), (d) => d.order.status === "CONFIRMED");
  await m(`mutation($o: ID!) { updateOrderStatus(input: { id: $o, status: SHIPPED }) { status } }`, { o: a });
  await m(`mutation($o: ID!) { sendNotification(input: { orderId: $o, templateName: "ORDER_SHIPPED", idempotencyKey: "hive-ship" }) { status } }`, { o: a });
  const b = (await m(CREATE_ORDER, order("やまだ はなこ", 3240))).createOrder.id;
  const pb = (await m(`mutation($o: ID!) { createPayment(input: { orderId: $o, paymentMethod: "credit_card" }) { id } }`, { o: b })).createPayment.id;
  await m(`mutation($p: ID!) { failPayment(input: { id: $p, reason: "カードの有効期限切れ" }) { status } }`, { p: pb });
  const c = (await m(CREATE_ORDER, order("佐藤 次郎", 980))).createOrder.id;
  const pc = (await m(`mutation($o: ID!) { createPayment(input: { orderId: $o, paymentMethod: "konbini" }) { id } }`, { o: c })).createPayment.id;
  await m(`mutation($p: ID!) { completePayment(id: $p) { status } }`, { p: pc });
  await m(`mutation($p: ID!) { refundPayment(input: { paymentId: $p, reason: "お客様都合による返品" }) { status } }`, { p: pc });
  const d = (await m(CREATE_ORDER, order("鈴木 三郎", 500))).createOrder.id;
  await m(`mutation($o: ID!) { cancelOrder(input: { id: $o, reason: "お客様のご都合" }) { status } }`, { o: d });
  await drained();
}, 120_000);

afterAll(async () => {
  await hive?.stop();
  await stack?.stop();
  world.cleanup();
});

describe("Hive Gateway beside our gateway", () => {
  it("returns the same data as our gateway for the README's queries", async () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    for (const query of README_QUERIES) {
      expect(readme, "the query is the README's, word for word").toContain(query);
      const viaOurs = await post(ours, query, auth.admin);
      const viaHive = await post(hive.url, query, auth.admin);
      expect(viaOurs.errors, query).toBeUndefined();
      expect(viaHive.errors, query).toBeUndefined();
      expect(viaHive.data, query).toEqual(viaOurs.data);
    }
    // The seeded shop is in the answer, across all three services.
    const { orders } = (await post(hive.url, README_QUERIES[0]!, auth.admin)).data!;
    expect(orders.totalCount).toBe(4);
    const nodes = orders.edges.map((e: { node: Record<string, any> }) => e.node);
    expect(nodes.map((n: { payment: { status: string } | null }) => n.payment?.status ?? null).sort()).toEqual(["COMPLETED", "FAILED", "REFUNDED", null]);
    expect(nodes.flatMap((n: { notifications: { templateName: string }[] }) => n.notifications.map((x) => x.templateName))).toContain("ORDER_SHIPPED");
  });

  it("makes a mutation once, with the caller's identity, and our gateway sees it", async () => {
    const created = await post(hive.url, CREATE_ORDER, auth.operator, order("高橋 四郎", 2000));
    expect(created.errors).toBeUndefined();
    const id = created.data!.createOrder.id;
    const seen = await mustQuery(ours, `query($id: ID!) { order(id: $id) { customerName totalAmount } orders(first: 1) { totalCount } }`, { id }, auth.admin);
    expect(seen).toEqual({ order: { customerName: "高橋 四郎", totalAmount: 4000 }, orders: { totalCount: 5 } });
  });

  it("refuses a viewer an admin-only mutation with our gateway's code, and changes nothing", async () => {
    const template = `{ notificationTemplate(name: "ORDER_SHIPPED") { subjectTemplate bodyTemplate } }`;
    const before = await mustQuery(ours, template, {}, auth.admin);
    const mutation = `mutation { updateNotificationTemplate(input: { name: "ORDER_SHIPPED", subjectTemplate: "書き換え" }) { name } }`;
    const viaOurs = await post(ours, mutation, auth.viewer);
    const viaHive = await post(hive.url, mutation, auth.viewer);
    expect(viaOurs.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(viaHive.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(viaHive.errors?.[0]?.extensions?.service).toBe("notification");
    expect(viaHive.errors?.[0]?.extensions?.params).toEqual({ required: "admin", role: "viewer" });
    expect(viaHive.data ?? null).toBeNull();
    expect(await mustQuery(ours, template, {}, auth.admin)).toEqual(before);
  });

  it("refuses a caller without credentials, whatever router secret they send", async () => {
    const attempts: Record<string, string>[] = [{}, { "x-router-secret": "guessed" }, { authorization: "Bearer forged.token.value" }];
    for (const headers of attempts) {
      const viaHive: GraphQLResult = await post(hive.url, ORDERS_WITH_PAYMENTS, headers);
      expect(viaHive.data ?? null, JSON.stringify(headers)).toBeNull();
      expect(viaHive.errors?.[0]?.extensions?.code, JSON.stringify(headers)).toBe("UNAUTHENTICATED");
    }
    const viaOurs = await post(ours, ORDERS_WITH_PAYMENTS, {});
    expect(viaOurs.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a body over MAX_BODY_BYTES, chunked or not, before any subgraph sees it", async () => {
    const big = JSON.stringify({ query: `{ orders(first: 1) { totalCount } }`, variables: { pad: "x".repeat(1024 * 1024) } });
    const declared = await fetch(hive.url, { method: "POST", headers: { "content-type": "application/json", ...auth.admin }, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ errors: [{ message: expect.stringContaining("1048576 bytes"), extensions: { code: "PAYLOAD_TOO_LARGE", params: { max: 1048576 } } }] });
    const bytes = new TextEncoder().encode(big);
    const chunked = await fetch(hive.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth.admin },
      // A stream has no length to declare: sent chunked.
      body: new ReadableStream({ start: (c) => (c.enqueue(bytes), c.close()) }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("in production refuses anonymous callers before parsing, and introspection to anyone", async () => {
    const s = loadSecrets(world.dir, stack.env);
    const production = await startHiveGateway({
      env: { ...stack.env, NODE_ENV: "production", JWT_PRIVATE_KEY: s.jwtPrivateKey, JWT_PUBLIC_KEY: s.jwtPublicKey, ROUTER_SECRET: s.routerSecret, SERVICE_SECRET: s.serviceSecret, WEBHOOK_SECRET: s.webhookSecret },
      port: 0,
      silent: true,
    });
    try {
      const anonymous = await fetch(production.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not even json" });
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
      const introspection = await post(production.url, `{ __schema { types { name } } }`, auth.admin);
      expect(introspection.data ?? null).toBeNull();
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await mustQuery(production.url, `{ orders(first: 1) { totalCount } }`, {}, auth.admin)).orders.totalCount).toBeGreaterThanOrEqual(4);
    } finally {
      await production.stop();
    }
  }, 30_000);

  it("answers with the orders and payment: null plus an error naming payment when the payment service is down", async () => {
    await stack.processes.payment.stop();
    const viaOurs = await post(ours, ORDERS_WITH_PAYMENTS, auth.admin);
    const viaHive = await post(hive.url, ORDERS_WITH_PAYMENTS, auth.admin);
    const paymentsOf = (r: GraphQLResult) => r.data?.orders.edges.map((e: { node: { payment: unknown } }) => e.node.payment);
    const namesOf = (r: GraphQLResult) => r.data?.orders.edges.map((e: { node: { customerName: string } }) => e.node.customerName);
    expect(viaOurs.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "payment" });
    expect(namesOf(viaHive)).toEqual(namesOf(viaOurs));
    // The seeded orders (and the one another test may have added), each without its payment.
    expect(namesOf(viaHive).length).toBeGreaterThanOrEqual(4);
    expect(new Set(paymentsOf(viaHive))).toEqual(new Set([null]));
    expect(viaHive.errors?.map((e) => e.extensions)).toEqual([{ code: "SERVICE_UNAVAILABLE", service: "payment", params: { service: "payment" } }]);
    expect(viaHive.errors?.[0]?.message).toBe(viaOurs.errors?.[0]?.message);
    // Nothing of the subgraph call (its query, variables, address) reaches the client.
    expect(JSON.stringify(viaHive)).not.toMatch(/_entities|representations|127\.0\.0\.1/);
  });
});
