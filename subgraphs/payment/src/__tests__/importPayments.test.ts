/**
 * The payment service's part of the bulk import (DESIGN section 6): `import.payments` events
 * absorbed in bulk (one transaction per event, UNIQUE(order_id) never broken, one
 * `payment.completed` per event), the batch queries, and undoing a batch through a large
 * `order.cancelled` event. Events are POSTed signed to the real webhook, as the order service's
 * outbox delivers them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_PAYMENTS, type ImportPaymentsData } from "@ops/contracts";
import { newEvent, webhookUrl, type EventEnvelope } from "@ops/service-kit";
import { freshTarget, graphqlRequest, mustQuery, setDefaultHeaders, tempDir } from "@ops/service-kit/testing";
import { transactionIds } from "../domain/importPayments.js";
import { batchesByIds, recountBatch } from "../db/batches.js";
import { paymentsByOrderIds } from "../db/payments.js";
import { attemptsByPaymentIds, refundsByPaymentIds } from "../db/history.js";
import { openPaymentDatabase, stamp, type PaymentDatabase } from "../db/database.js";
import { startPaymentService, type PaymentService } from "../server.js";
import { countOf, paymentOfOrder } from "./rows.js";
import { cancelledSnapshot, chunks, outboxRows, postEvent } from "./eventHelpers.js";
import { CREATE_PAYMENT, startWorld, TEST_OUTBOX, UNUSED_URL, type TestWorld } from "./testWorld.js";

let world: TestWorld;
let secret: string;
beforeAll(async () => {
  world = await startWorld();
  secret = world.security.secrets.webhookSecret;
});
afterAll(() => world.stop());

type Item = ImportPaymentsData["payments"][number];
const METHODS = ["credit_card", "konbini", "bank_transfer", "paypay"];

/** `n` payments for orders `firstOrderId…`: every fifth PENDING, amounts spread over the limits. */
function items(firstOrderId: number, n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: firstOrderId + i,
    amount: i % 97 === 0 ? 1_000_000 : i % 89 === 0 ? 100 : 1_000 + ((i * 37) % 50_000),
    currency: "JPY",
    paymentMethod: METHODS[i % METHODS.length]!,
    status: i % 5 === 4 ? ("PENDING" as const) : ("COMPLETED" as const),
  }));
}

let batchSeq = 0;
const newBatchId = () => `batch-${process.pid}-${++batchSeq}`;
const importEvent = (batchId: string, payments: ImportPaymentsData["payments"], importId = 1) => newEvent("order", "import.payments", { batchId, importId, payments });

async function post(event: EventEnvelope, target = world.payment.url) {
  return postEvent(target, event, { secret });
}

const db = () => world.payment.database;
const count = (sql: string, ...params: unknown[]) => countOf(db(), sql, ...params);
const batchRow = async (batchId: string, database: PaymentDatabase = db()) => (await batchesByIds(database.db, [batchId]))[0] ?? null;
/** The payments of a batch, by order id. */
async function paymentsOfBatch(batchId: string, database: PaymentDatabase = db()) {
  const rows = await database.db.selectFrom("payments").select("order_id").where("batch_id", "=", batchId).orderBy("order_id").execute();
  return paymentsByOrderIds(database.db, rows.map((r) => Number(r.order_id))).then((list) => list.sort((a, b) => a.orderId - b.orderId));
}
const completedEventsOf = (batchId: string) => outboxRows(db(), "payment.completed", (e) => e.data.batchId === batchId);

/** The batch's count and total as recomputed from its payments equal the incremental ones. */
async function expectTotalsMatchPayments(batchId: string) {
  const before = await batchRow(batchId);
  await recountBatch(db().db, batchId);
  const after = await batchRow(batchId);
  expect({ orderCount: after?.orderCount, totalAmount: after?.totalAmount }).toEqual({ orderCount: before?.orderCount, totalAmount: before?.totalAmount });
}

describe("transaction ids", () => {
  it("are fresh version-7 UUIDs, unique and increasing across calls", () => {
    const ids = [...transactionIds(5_000), ...transactionIds(5_000)];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The first 48 bits are the creation time in milliseconds.
    const ms = parseInt(ids[0]!.replace(/-/g, "").slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});

describe("import.payments", () => {
  it("absorbs a full event (EVENT_PAYMENTS, 2,000 payments) with the batch, their attempts and ONE payment.completed", async () => {
    const batchId = newBatchId();
    const sent = items(100_001, EVENT_PAYMENTS);
    const event = importEvent(batchId, sent);
    const reply = await post(event);
    expect(reply).toEqual({ status: 200, body: { status: "applied", id: event.id } });

    const payments = await paymentsOfBatch(batchId);
    expect(payments).toHaveLength(2_000);
    payments.forEach((p, i) => {
      const item = sent[i]!;
      expect(p).toMatchObject({ orderId: item.orderId, amount: item.amount, currency: "JPY", paymentMethod: item.paymentMethod, status: item.status, batchId, failureReason: null });
      expect(p.transactionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.isNaN(p.createdAt.getTime())).toBe(false);
    });
    expect(new Set(payments.map((p) => p.transactionId)).size).toBe(2_000);

    const total = sent.reduce((s, p) => s + p.amount, 0);
    expect(await batchRow(batchId)).toMatchObject({ orderCount: 2_000, totalAmount: total, status: "open" });

    // completePayment records an attempt; so does the import, for COMPLETED ones only.
    const completed = payments.filter((p) => p.status === "COMPLETED");
    expect(completed).toHaveLength(1_600);
    const attempts = await attemptsByPaymentIds(db().db, payments.map((p) => p.id));
    expect(attempts).toHaveLength(1_600);
    const txOf = new Map(completed.map((p) => [p.id, p.transactionId]));
    for (const a of attempts) expect(a).toMatchObject({ status: "COMPLETED", transactionId: txOf.get(a.paymentId), failureReason: null });

    const [row, ...more] = await completedEventsOf(batchId);
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({ destination: "order", type: "payment.completed" });
    expect(row!.event.source).toBe("payment");
    expect(row!.event.data.payments).toHaveLength(1_600);
    expect(row!.event.data.payments).toEqual(completed.map((p) => ({ paymentId: p.id, orderId: p.orderId, amount: p.amount })));

    // Redelivered: a duplicate, nothing added.
    expect((await post(event)).body.status).toBe("duplicate");
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE batch_id = ?`, batchId)).toBe(2_000);
    expect(await count(`SELECT COUNT(*) AS n FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.batch_id = ?`, batchId)).toBe(1_600);
    expect(await completedEventsOf(batchId)).toHaveLength(1);
    expect(await batchRow(batchId)).toMatchObject({ orderCount: 2_000, totalAmount: total });
    await expectTotalsMatchPayments(batchId);
  });

  it("never gives an order a second payment: paid before, named by two batches, or twice in one event", async () => {
    // An order paid through the API before the import reached the payment service.
    const orderId = Number(await world.createOrder(7_000));
    const { createPayment } = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId: String(orderId) } });

    const first = newBatchId();
    const firstItems = [
      { orderId, amount: 9_999, currency: "JPY", paymentMethod: "konbini", status: "COMPLETED" as const },
      ...items(200_001, 3),
      { ...items(200_001, 1)[0]!, amount: 5_555 }, // 200001 again in the same event
    ];
    expect((await post(importEvent(first, firstItems))).body.status).toBe("applied");
    const existing = await paymentOfOrder(db(), orderId);
    expect(existing).toMatchObject({ id: Number(createPayment.id), amount: 7_000, status: "PENDING", batchId: null, paymentMethod: "credit_card" });
    expect(await paymentOfOrder(db(), 200_001)).toMatchObject({ amount: items(200_001, 1)[0]!.amount, batchId: first });
    expect(await batchRow(first)).toMatchObject({ orderCount: 3, totalAmount: items(200_001, 3).reduce((s, p) => s + p.amount, 0) });
    const [event] = await completedEventsOf(first);
    expect(event!.event.data.payments.map((p: { orderId: number }) => p.orderId)).toEqual([200_001, 200_002, 200_003]);

    // A second batch naming 200002 (already paid in the first) and a new order: 200002 keeps its payment.
    const second = newBatchId();
    expect((await post(importEvent(second, [{ ...items(200_002, 1)[0]!, amount: 123_456 }, ...items(200_010, 1)]))).body.status).toBe("applied");
    expect(await paymentsByOrderIds(db().db, [200_002])).toMatchObject([{ batchId: first, amount: items(200_001, 2)[1]!.amount }]);
    expect(await batchRow(second)).toMatchObject({ orderCount: 1, totalAmount: items(200_010, 1)[0]!.amount });
    const [secondEvent] = await completedEventsOf(second);
    expect(secondEvent!.event.data.payments.map((p: { orderId: number }) => p.orderId)).toEqual([200_010]);

    // A chunk whose orders all had payments already writes no payment.completed.
    const third = newBatchId();
    expect((await post(importEvent(third, items(200_001, 3)))).body.status).toBe("applied");
    expect(await completedEventsOf(third)).toHaveLength(0);
    expect(await batchRow(third)).toMatchObject({ orderCount: 0, totalAmount: 0 });
    for (const b of [first, second, third]) await expectTotalsMatchPayments(b);
  });

  it("skips (and logs) items that break a payment rule, and writes the valid ones", async () => {
    const batchId = newBatchId();
    const good = items(300_001, 2);
    const bad = [
      { ...good[0]!, orderId: 300_101, amount: 99 },
      { ...good[0]!, orderId: 300_102, amount: 1_000_001 },
      { ...good[0]!, orderId: 300_104, currency: "USD" },
      { ...good[0]!, orderId: 300_105, paymentMethod: "Credit Card!" },
    ];
    expect((await post(importEvent(batchId, [...bad, ...good]))).body.status).toBe("applied");
    expect((await paymentsOfBatch(batchId)).map((p) => p.orderId)).toEqual([300_001, 300_002]);
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE order_id BETWEEN 300100 AND 300110`)).toBe(0);
  });

  it("refuses an event whose items break the contract whole (422), writing none of its valid items", async () => {
    const batchId = newBatchId();
    const good = items(310_001, 2);
    const malformed = [
      { ...good[0]!, orderId: 310_103, amount: 1_000.5 },
      { ...good[0]!, orderId: 310_106, status: "REFUNDED" },
      { ...good[0]!, orderId: -1 },
      { ...good[0]!, orderId: "310107" },
      null,
    ];
    const event = { ...importEvent(batchId, good), data: { batchId, importId: 1, payments: [...good, ...malformed] } };
    const reply = await post(event);
    expect(reply.status).toBe(422);
    expect((reply.body.problems as { path: string }[]).map((p) => p.path)).toEqual(["payments[2].amount", "payments[3].status", "payments[4].orderId", "payments[5].orderId", "payments[6]"]);
    expect(reply.body.error).toMatch(/^event .+ \(import\.payments\) does not match its contract: payments\[2\]\.amount: must be an integer, got 1000\.5; /);
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE order_id BETWEEN 310001 AND 310110`)).toBe(0);
    expect(await batchRow(batchId)).toBeNull();
    expect(await count(`SELECT COUNT(*) AS n FROM processed_events WHERE event_id = ?`, event.id)).toBe(0);
  });

  it("waits for another connection's write transaction without blocking the event loop, then applies", async () => {
    const batchId = newBatchId();
    let releasedAt = 0;
    // Another process's write transaction (SQLite: it holds the file's write lock), which awaits.
    const other = await openPaymentDatabase(world.paymentTarget);
    const holder = other.transaction(async (trx) => {
      await trx.insertInto("idempotency_keys").values({ key: `lock-${batchId}`, operation: "test", request_hash: "h", result_id: 0, created_at: stamp() }).execute();
      await new Promise((r) => setTimeout(r, 300));
      releasedAt = performance.now();
    });
    await new Promise((r) => setTimeout(r, 20));
    const reply = await post(importEvent(batchId, items(450_001, 50)));
    await holder;
    await other.close();
    expect(reply.body.status).toBe("applied");
    expect(releasedAt).toBeGreaterThan(0);
    expect(await batchRow(batchId)).toMatchObject({ orderCount: 50 });
  });

  it("refuses an event that is not an import's for good (422: the producer dead-letters it; nothing is marked)", async () => {
    const event = { ...importEvent("unused", items(400_001, 2)), data: { importId: 1, payments: items(400_001, 2) } };
    const reply = await post(event);
    expect(reply.status).toBe(422);
    expect(reply.body.problems).toEqual([{ path: "batchId", problem: "must be a string, got missing" }]);
    expect(await count(`SELECT COUNT(*) AS n FROM processed_events WHERE event_id = ?`, event.id)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE order_id IN (400001, 400002)`)).toBe(0);
  });
});

describe("batch queries", () => {
  /** 50 batches of 3 payments (2 COMPLETED, 1 PENDING) for orders 500000 + 10·k + i. */
  const batches = Array.from({ length: 50 }, () => newBatchId());
  beforeAll(async () => {
    for (const [k, batchId] of batches.entries()) {
      const payments = items(500_000 + 10 * k, 3).map((p, i) => ({ ...p, status: i === 2 ? ("PENDING" as const) : ("COMPLETED" as const) }));
      expect((await post(importEvent(batchId, payments))).body.status).toBe("applied");
    }
  });

  const BATCH_FIELDS = `batchId orderCount totalAmount completedCount pendingCount refundedCount failedCount status createdAt updatedAt`;
  const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ImportBatch {
    batchId payments(first: 2) { totalCount edges { cursor node { id orderId batchId status } } pageInfo { hasNextPage endCursor } }
    paymentBatch { orderCount totalAmount completedCount pendingCount status } } } }`;
  const refs = (ids: string[]) => ids.map((batchId) => ({ __typename: "ImportBatch", batchId }));

  it("answers paymentBatch with totals and counts per status, and null for an unknown batch", async () => {
    const batchId = batches[0]!;
    const expected = items(500_000, 3).reduce((s, p) => s + p.amount, 0);
    const data = await mustQuery(world.payment.url, `query($id: ID!) { paymentBatch(batchId: $id) { ${BATCH_FIELDS} } none: paymentBatch(batchId: "nope") { batchId } }`, { id: batchId });
    expect(data.paymentBatch).toMatchObject({ batchId, orderCount: 3, totalAmount: expected, completedCount: 2, pendingCount: 1, refundedCount: 0, failedCount: 0, status: "open" });
    expect(Number.isNaN(Date.parse(data.paymentBatch.createdAt))).toBe(false);
    expect(data.none).toBeNull();
    // A viewer may read it.
    const asViewer = await graphqlRequest(world.payment.url, `query($id: ID!) { paymentBatch(batchId: $id) { orderCount } }`, { id: batchId }, await world.security.headersFor("viewer"));
    expect(asViewer.data?.paymentBatch).toEqual({ orderCount: 3 });
  });

  it("costs one statement for 5 and for 50 aliased paymentBatch fields", async () => {
    const query = (ids: string[]) => `{ ${ids.map((id, i) => `b${i}: paymentBatch(batchId: "${id}") { orderCount completedCount }`).join(" ")} }`;
    world.queries.reset();
    const five = await mustQuery(world.payment.url, query(batches.slice(0, 5)));
    const fiveStatements = world.queries.count;
    world.queries.reset();
    const fifty = await mustQuery(world.payment.url, query(batches));
    expect(Object.values(five)).toHaveLength(5);
    expect(Object.values(fifty)).toEqual(Array.from({ length: 50 }, () => ({ orderCount: 3, completedCount: 2 })));
    expect(world.queries.count).toBe(fiveStatements);
    expect(world.queries.count).toBe(1);
  });

  it("filters payments by batch with the same two statements whatever the batch's size", async () => {
    const LIST = `query($filter: PaymentFilter) { payments(first: 10, filter: $filter) { totalCount edges { node { orderId batchId status } } } }`;
    world.queries.reset();
    const small = await mustQuery(world.payment.url, LIST, { filter: { batchId: batches[1] } });
    const smallStatements = world.queries.count;
    expect(small.payments.totalCount).toBe(3);
    expect(small.payments.edges.map((e: { node: { orderId: string } }) => e.node.orderId).sort()).toEqual(["500010", "500011", "500012"]);
    expect(small.payments.edges.every((e: { node: { batchId: string } }) => e.node.batchId === batches[1])).toBe(true);
    const pending = await mustQuery(world.payment.url, LIST, { filter: { batchId: batches[1], status: ["PENDING"] } });
    expect(pending.payments.edges).toEqual([{ node: { orderId: "500012", batchId: batches[1], status: "PENDING" } }]);

    const big = newBatchId();
    await post(importEvent(big, items(510_001, 600)));
    world.queries.reset();
    const large = await mustQuery(world.payment.url, LIST, { filter: { batchId: big } });
    expect(large.payments.totalCount).toBe(600);
    expect(large.payments.edges).toHaveLength(10);
    expect(world.queries.count).toBe(smallStatements);
  });

  it("resolves ImportBatch entities with payments and totals in two statements for 5 and for 50 batches", async () => {
    world.queries.reset();
    const five = await mustQuery(world.payment.url, ENTITIES, { reps: refs(batches.slice(0, 5)) });
    const fiveStatements = [...world.queries.statements];
    world.queries.reset();
    const fifty = await mustQuery(world.payment.url, ENTITIES, { reps: [...refs(batches), { __typename: "ImportBatch", batchId: "unknown" }] });
    const fiftyStatements = [...world.queries.statements];

    expect(five._entities).toHaveLength(5);
    expect(fifty._entities).toHaveLength(51);
    expect(fiftyStatements).toHaveLength(fiveStatements.length);
    expect(fiftyStatements).toHaveLength(2);
    expect(fifty._entities[3]).toMatchObject({
      batchId: batches[3],
      payments: { totalCount: 3, edges: [{ node: { orderId: "500030", batchId: batches[3], status: "COMPLETED" } }, { node: { orderId: "500031" } }], pageInfo: { hasNextPage: true } },
      paymentBatch: { orderCount: 3, completedCount: 2, pendingCount: 1, status: "open" },
    });
    expect(fifty._entities[50]).toEqual({ batchId: "unknown", payments: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } }, paymentBatch: null });
  });

  it("pages through a batch's payments in import order with cursors", async () => {
    const batchId = newBatchId();
    await post(importEvent(batchId, items(520_001, 450)));
    const PAGE = `query($reps: [_Any!]!, $after: String) { _entities(representations: $reps) { ... on ImportBatch {
      payments(first: 200, after: $after) { totalCount edges { node { orderId } } pageInfo { hasNextPage endCursor } } } } }`;
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const data: Record<string, any> = await mustQuery(world.payment.url, PAGE, { reps: refs([batchId]), after });
      const page = data._entities[0].payments;
      expect(page.totalCount).toBe(450);
      seen.push(...page.edges.map((e: { node: { orderId: string } }) => Number(e.node.orderId)));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(items(520_001, 450).map((p) => p.orderId));
    const bad = await graphqlRequest(world.payment.url, PAGE, { reps: refs([batchId]), after: "nope" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("declares ImportBatch as an entity keyed by batchId", async () => {
    const data = await mustQuery(world.payment.url, `{ _service { sdl } }`);
    expect(data._service.sdl).toMatch(/type ImportBatch\s+@key\(fields: "batchId"\)/);
  });
});

describe("undoing a batch", () => {
  it("refunds every COMPLETED payment once and fails the PENDING ones for a 3,000-order order.cancelled, and marks the batch refunded", async () => {
    const batchId = newBatchId();
    const sent = items(600_001, 3_000);
    for (const chunk of chunks(sent)) expect((await post(importEvent(batchId, chunk))).body.status).toBe("applied");
    // One payment of the batch refunded by hand before the undo: it is not refunded again.
    const early = await paymentOfOrder(db(), 600_001);
    await mustQuery(world.payment.url, `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { status } }`, { input: { paymentId: String(early.id), reason: "返品" } });
    expect(await batchRow(batchId)).toMatchObject({ status: "open" });
    const attemptsBefore = await count(`SELECT COUNT(*) AS n FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.batch_id = ?`, batchId);

    // As the order service sends it: the snapshots of every cancelled order, EVENT_ORDERS per event.
    const orders = sent.map((p) => cancelledSnapshot(p.orderId, { cancelReason: "インポート取消", totalAmount: p.amount }));
    const cancelled = chunks([...orders, orders[1]!]).map((part) => newEvent("order", "order.cancelled", { orders: part }));
    const started = performance.now();
    for (const event of cancelled) expect((await post(event)).body.status).toBe("applied");
    const ms = performance.now() - started;
    console.log(`order.cancelled for ${orders.length} orders: ${ms.toFixed(0)} ms (${Math.round(orders.length / (ms / 1000))} orders/s, HTTP included)`);

    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE batch_id = ? AND status = 'refunded'`, batchId)).toBe(2_400);
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE batch_id = ? AND status = 'failed' AND failure_reason = 'order cancelled'`, batchId)).toBe(600);
    const batchPayments = new Map((await paymentsOfBatch(batchId)).map((p) => [p.id, p]));
    const refunds = await refundsByPaymentIds(db().db, [...batchPayments.keys()]);
    expect(refunds).toHaveLength(2_400);
    expect(new Set(refunds.map((r) => r.paymentId)).size).toBe(2_400);
    for (const r of refunds) {
      expect(r.amount).toBe(batchPayments.get(r.paymentId)!.amount);
      expect(r.reason).toBe(r.paymentId === early.id ? "返品" : "インポート取消");
    }
    // Refunds add no attempt; each failed PENDING payment records its failed attempt.
    expect(await count(`SELECT COUNT(*) AS n FROM payment_attempts a JOIN payments p ON p.id = a.payment_id WHERE p.batch_id = ?`, batchId)).toBe(attemptsBefore + 600);

    expect(await batchRow(batchId)).toMatchObject({ status: "refunded", orderCount: 3_000 });
    const data = await mustQuery(world.payment.url, `query($id: ID!) { paymentBatch(batchId: $id) { status completedCount pendingCount refundedCount failedCount } }`, { id: batchId });
    expect(data.paymentBatch).toEqual({ status: "refunded", completedCount: 0, pendingCount: 0, refundedCount: 2_400, failedCount: 600 });

    // The same cancellation again, redelivered or under a new id: nothing more is refunded.
    for (const event of cancelled) expect((await post(event)).body.status).toBe("duplicate");
    expect((await post({ ...cancelled[0]!, id: `${cancelled[0]!.id}-copy` })).body.status).toBe("applied");
    expect(await count(`SELECT COUNT(*) AS n FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.batch_id = ?`, batchId)).toBe(2_400);
  });

  it("keeps a batch open while part of it is still paid", async () => {
    const batchId = newBatchId();
    await post(importEvent(batchId, items(700_001, 10)));
    await post(newEvent("order", "order.cancelled", { orders: items(700_001, 5).map((p) => cancelledSnapshot(p.orderId, { cancelReason: "一部取消" })) }));
    expect(await batchRow(batchId)).toMatchObject({ status: "open" });
    expect(await count(`SELECT COUNT(*) AS n FROM payments WHERE batch_id = ? AND status IN ('refunded', 'failed')`, batchId)).toBe(5);
  });
});

describe("speed", () => {
  /** A payment service of its own, whose payment.completed events go nowhere (they would otherwise load this process). */
  let bench: PaymentService;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir("ops-payment-bench-");
    cleanup = tmp.cleanup;
    bench = await startPaymentService({
      database: await freshTarget("payment", tmp.dir),
      port: 0,
      logLevel: "silent",
      security: world.security.forService("payment"),
      orderServiceUrl: UNUSED_URL,
      webhookUrls: () => ({ order: webhookUrl(UNUSED_URL) }),
      outbox: { ...TEST_OUTBOX, pollMs: 60_000, baseDelayMs: 60_000 },
    });
    setDefaultHeaders(bench.url, await world.security.headersFor("admin"));
  });
  afterAll(async () => {
    await bench.stop();
    cleanup();
  });

  it("absorbs 33,000 imported payments (chunks of 2,000, as the order service sends them) and prints the time", async () => {
    const CHUNK = 2_000;
    const all = items(1, 33_000);
    const batchId = newBatchId();
    const events = [];
    for (let i = 0; i < all.length; i += CHUNK) events.push(importEvent(batchId, all.slice(i, i + CHUNK)));
    const started = performance.now();
    for (const event of events) expect((await post(event, bench.url)).body.status).toBe("applied");
    const ms = performance.now() - started;
    console.log(`import.payments: 33,000 payments in ${events.length} signed HTTP events absorbed in ${ms.toFixed(0)} ms (${Math.round(33_000 / (ms / 1000)).toLocaleString("en-US")} payments/s)`);

    // More than one chunk in one event breaks the contract: refused whole, before any work.
    const oneEvent = importEvent(newBatchId(), items(100_001, 33_000));
    const t1 = performance.now();
    const refused = await post(oneEvent, bench.url);
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([{ path: "payments", problem: `must have at most ${EVENT_PAYMENTS} items, got 33000` }]);
    console.log(`import.payments: 33,000 payments in ONE event refused in ${(performance.now() - t1).toFixed(0)} ms`);

    const totals = await batchRow(batchId, bench.database);
    expect(totals?.orderCount).toBe(33_000);
    expect(await countOf(bench.database, "SELECT COUNT(*) AS n FROM payments")).toBe(33_000);
    const completedEvents = await outboxRows(bench.database, "payment.completed");
    expect(completedEvents).toHaveLength(events.length);

    // Undoing the batch: its 33,000 orders in order.cancelled events of EVENT_ORDERS, as the undo sends them.
    const cancels = chunks(all.map((p) => cancelledSnapshot(p.orderId, { cancelReason: "取消" }))).map((part) => newEvent("order", "order.cancelled", { orders: part }));
    const t2 = performance.now();
    for (const cancel of cancels) expect((await post(cancel, bench.url)).body.status).toBe("applied");
    const ms2 = performance.now() - t2;
    console.log(`order.cancelled: 33,000 orders settled in ${ms2.toFixed(0)} ms (${Math.round(33_000 / (ms2 / 1000)).toLocaleString("en-US")} orders/s)`);
    expect(await batchRow(batchId, bench.database)).toMatchObject({ status: "refunded" });
  });
});
