/**
 * Bulk import confirmations (issue 5), over HTTP against this service's signed webhook: an
 * `import.confirmations` event carrying a chunk of 2,000 imported orders stores one
 * ORDER_CONFIRMATION per order with the batch id — SENT through one bulk append with EACH,
 * NOT_SENT with NONE —, exactly once however often it comes and whatever `order.confirmed`
 * says later; the ImportBatch entity serves the batch's notifications and counts with constant SQL.
 * The last block measures absorbing a 100k-row import's 33,000 orders.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent, type EventEnvelope } from "@ops/service-kit";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
// The producer's contract: these tests build their events with the contract's types.
import { EVENT_ORDERS, type OrderSnapshot, type SendConfirmations } from "@ops/contracts";
import type { NotificationTransport, OutgoingMessage } from "../transport/NotificationTransport.js";
import { orderEvent, outboxLines, postEvent, sendsPerNotification, snapshot, waitFor } from "./eventHelpers.js";
import { countNotifications, findNotifications, processedCount, type NotificationWhere } from "./rows.js";
import { startWorld, type World } from "./world.js";
import { openNotificationDatabase } from "../db/database.js";
import { insertNotification } from "../db/notifications.js";

const NAMES = ["山田 花子", "佐藤 健太", "鈴木 一郎", "高橋 美咲", "田中 翔太"];
const CREATED = "2026-11-25T01:30:00.000Z";

/** Order `id` as the import's chunk writer puts it into the event. */
function imported(id: number): OrderSnapshot {
  const items = [
    { productName: "有機緑茶 100g", quantity: 1 + (id % 3), unitPrice: 1200 },
    { productName: "南部鉄器 急須", quantity: 1, unitPrice: 8500 },
  ].map((i) => ({ ...i, subtotal: i.quantity * i.unitPrice }));
  return {
    id,
    customerName: NAMES[id % NAMES.length]!,
    customerEmail: `buyer${id}@example.jp`,
    status: "PENDING",
    totalAmount: items.reduce((sum, i) => sum + i.subtotal, 0),
    currency: "JPY",
    createdAt: CREATED,
    updatedAt: CREATED,
    cancelReason: null,
    items,
  };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** Orders `ids[0]..ids[ids.length - 1]` (consecutive): no 2,000-parameter IN list. */
const idRange = (ids: number[]) => [ids[0]!, ids[ids.length - 1]!] as const;

function importEvent(batchId: string, sendConfirmations: SendConfirmations, orderIds: number[], importId = 1): EventEnvelope {
  return newEvent("order", "import.confirmations", { batchId, importId, sendConfirmations, orders: orderIds.map(imported) });
}

const subjectOf = (id: number) => `ご注文確認 — 注文番号 #${id}`;

let world: World;
// The sweeper looks every 50 ms at everything PENDING: it must never send anything twice nor touch NOT_SENT.
beforeAll(async () => {
  world = await startWorld({ sweeper: { intervalMs: 50, olderThanMs: 0, batchSize: 5000 } });
});
afterAll(() => world.stop());

const db = () => world.notification.database;
const ofBatch = (batchId: string) => findNotifications(db(), { batchId });
const countWhere = (where: NotificationWhere) => countNotifications(db(), where);

const EACH_IDS = range(100_001, 2000);
const isInsert = (s: string) => /^insert into "notifications"/i.test(s);
const isConfirmedLookup = (s: string) => /^select distinct "order_id" from "notifications"/i.test(s);
/** INSERT statements for 2,000 notifications: SQLite 500 rows each, PostgreSQL one unnest. */
const insertsPer2000 = () => (world.notification.database.dialect === "sqlite" ? 4 : 1);
const NONE_IDS = range(200_001, 2000);

describe("import.confirmations with sendConfirmations: EACH", () => {
  const body = JSON.stringify(importEvent("batch-each", "EACH", EACH_IDS));

  it("stores 2,000 confirmations with the batch id in one transaction and sends them in ONE append: 2,000 SENT, 2,000 new lines", async () => {
    const linesBefore = outboxLines(world).length;
    world.queries.reset();
    const answer = await postEvent(world, body);
    expect(answer).toMatchObject({ status: 200, json: { status: "applied" } });
    // Committed before the acknowledgement.
    expect(await countWhere({ batchId: "batch-each" })).toBe(2000);
    // A few multi-row INSERTs (SQLite 500 rows each, PostgreSQL one unnest), one cached statement.
    const inserts = world.queries.statements.filter(isInsert);
    expect(inserts).toHaveLength(insertsPer2000());
    expect(new Set(inserts).size).toBe(1);
    // One SELECT for the orders already confirmed, for the whole event.
    expect(world.queries.statements.filter(isConfirmedLookup)).toHaveLength(1);

    await waitFor("2,000 confirmations to be SENT", async () => (await countWhere({ batchId: "batch-each", status: "SENT" })) === 2000);
    const stored = await ofBatch("batch-each");
    expect(stored.map((n) => n.orderId)).toEqual(EACH_IDS);
    for (const n of stored) {
      expect(n).toMatchObject({ templateName: "ORDER_CONFIRMATION", channel: "EMAIL", status: "SENT", attemptCount: 1, failureReason: null, batchId: "batch-each" });
      expect(n.recipient).toBe(`buyer${n.orderId}@example.jp`);
      expect(n.subject).toBe(subjectOf(n.orderId));
      expect(n.sentAt).not.toBeNull();
    }
    const sample = stored[7]!;
    expect(sample.body).toContain(`${NAMES[sample.orderId % NAMES.length]} 様`);
    expect(sample.body).toContain(`注文番号：#${sample.orderId}`);
    expect(sample.body).toContain("・南部鉄器 急須");
    expect(sample.body).toContain("ご注文日：2026年11月25日");

    // Exactly 2,000 new lines, one per notification, each the stored message; the sweeper added none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = outboxLines(world);
    expect(lines.length - linesBefore).toBe(2000);
    const byId = new Map(stored.map((n) => [n.id, n]));
    const added = lines.slice(linesBefore);
    expect(new Set(added.map((l) => l.notificationId)).size).toBe(2000);
    for (const line of added) {
      const n = byId.get(line.notificationId)!;
      expect(line).toMatchObject({ transport: "file", channel: "EMAIL", recipient: n.recipient, subject: n.subject, body: n.body });
    }
    // The whole chunk was appended at once: one timestamp for all its lines.
    expect(new Set(added.map((l) => l.at)).size).toBe(1);
  });

  it("a redelivered event adds nothing", async () => {
    const lines = outboxLines(world).length;
    const again = await Promise.all([postEvent(world, body), postEvent(world, body)]);
    expect(again.map((a) => a.json.status)).toEqual(["duplicate", "duplicate"]);
    expect(await countWhere({ orderRange: idRange(EACH_IDS) })).toBe(2000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(outboxLines(world)).toHaveLength(lines);
  });
});

describe("import.confirmations with sendConfirmations: NONE", () => {
  it("stores 2,000 rendered NOT_SENT records and hands nothing to the transport (nor does the sweeper)", async () => {
    const lines = outboxLines(world).length;
    const answer = await postEvent(world, JSON.stringify(importEvent("batch-none", "NONE", NONE_IDS)));
    expect(answer.json.status).toBe("applied");
    const stored = await ofBatch("batch-none");
    expect(stored).toHaveLength(2000);
    expect(stored.map((n) => n.orderId)).toEqual(NONE_IDS);
    for (const n of stored) {
      expect(n).toMatchObject({ status: "NOT_SENT", templateName: "ORDER_CONFIRMATION", batchId: "batch-none", attemptCount: 0, sentAt: null, failureReason: null });
      expect(n.subject).toBe(subjectOf(n.orderId));
    }
    // Several sweeps later: still NOT_SENT, nothing written.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await countWhere({ batchId: "batch-none", status: "NOT_SENT" })).toBe(2000);
    expect(outboxLines(world)).toHaveLength(lines);
  });

  it("a NOT_SENT record cannot be resent (CONFLICT) and is listed by the status filter", async () => {
    const [first] = await ofBatch("batch-none");
    const resend = await graphqlRequest(world.notification.url, `mutation { resendNotification(id: "${first!.id}") { id } }`);
    expect(resend.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "NOT_SENT" } });
    expect(resend.errors?.[0]?.message).toMatch(/deliberately not sent/);
    const listed = await mustQuery(
      world.notification.url,
      `{ notifications(first: 2, filter: { batchId: "batch-none", status: [NOT_SENT] }) { totalCount edges { node { status batchId templateName } } } }`,
    );
    expect(listed.notifications.totalCount).toBe(2000);
    expect(listed.notifications.edges.map((e: any) => e.node)).toEqual([
      { status: "NOT_SENT", batchId: "batch-none", templateName: "ORDER_CONFIRMATION" },
      { status: "NOT_SENT", batchId: "batch-none", templateName: "ORDER_CONFIRMATION" },
    ]);
  });
});

describe("exactly one confirmation per order", () => {
  it("a later order.confirmed for imported orders (EACH and NONE) adds nothing; new orders in it are confirmed", async () => {
    const lines = outboxLines(world).length;
    const fresh = range(300_001, 3);
    // A full event (EVENT_ORDERS): half each batch's orders, and three new ones.
    const confirmed = [...EACH_IDS.slice(0, 1000), ...NONE_IDS.slice(0, 997), ...fresh].map((id) => snapshot(id, { status: "CONFIRMED" }));
    world.queries.reset();
    const answer = await postEvent(world, JSON.stringify(orderEvent("order.confirmed", confirmed)));
    expect(answer.json.status).toBe("applied");
    // One SELECT for the 2,000 orders, not one per order.
    expect(world.queries.statements.filter(isConfirmedLookup)).toHaveLength(1);
    await waitFor("the new orders' confirmations", async () => (await countWhere({ orderIds: fresh, status: "SENT" })) === 3);
    expect(await countWhere({ orderRange: idRange(EACH_IDS) })).toBe(2000);
    expect(await countWhere({ orderRange: idRange(NONE_IDS) })).toBe(2000);
    expect(await countWhere({ orderIds: fresh, batchId: null, templateName: "ORDER_CONFIRMATION" })).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(outboxLines(world).length - lines).toBe(3);
  });

  it("an import chunk arriving after its orders' order.confirmed (an outage) skips them", async () => {
    const ids = range(400_001, 10);
    await postEvent(world, JSON.stringify(orderEvent("order.confirmed", ids.slice(0, 4).map((id) => snapshot(id, { status: "CONFIRMED" })))));
    const answer = await postEvent(world, JSON.stringify(importEvent("batch-late", "EACH", ids)));
    expect(answer.json.status).toBe("applied");
    await waitFor("the batch to be sent", async () => (await countWhere({ batchId: "batch-late", status: "SENT" })) === 6);
    const all = await findNotifications(db(), { orderIds: ids });
    expect(all).toHaveLength(10);
    expect(all.filter((n) => n.batchId === "batch-late").map((n) => n.orderId).sort()).toEqual(ids.slice(4));
    const sends = sendsPerNotification(world);
    expect(all.every((n) => sends.get(n.id) === 1)).toBe(true);
  });

  it("a full order event (EVENT_ORDERS orders) takes the same bulk path: a few INSERTs, one append, 2,000 SENT", async () => {
    const ids = range(800_001, EVENT_ORDERS);
    const lines = outboxLines(world).length;
    world.queries.reset();
    const answer = await postEvent(world, JSON.stringify(orderEvent("order.shipped", ids.map((id) => snapshot(id)))));
    expect(answer.json.status).toBe("applied");
    // Committed before the acknowledgement, all together.
    expect(await countWhere({ orderRange: idRange(ids), templateName: "ORDER_SHIPPED" })).toBe(EVENT_ORDERS);
    expect(world.queries.statements.filter(isInsert)).toHaveLength(insertsPer2000());
    await waitFor("2,000 SENT", async () => (await countWhere({ orderRange: idRange(ids), templateName: "ORDER_SHIPPED", status: "SENT" })) === EVENT_ORDERS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const added = outboxLines(world).slice(lines);
    expect(added).toHaveLength(EVENT_ORDERS);
    expect(new Set(added.map((l) => l.at)).size).toBe(1);
    expect(added[0]!.subject).toBe(`発送のお知らせ — 注文番号 #${ids[0]}`);
  });

  it("refuses a malformed import event for good (422, with the problems) and records nothing", async () => {
    const good = importEvent("b-malformed", "EACH", range(950_001, 3));
    const event = { ...good, data: { ...(good.data as object), sendConfirmations: "SOME" } };
    const reply = await postEvent(world, JSON.stringify(event));
    expect(reply.status).toBe(422);
    expect(reply.json.problems).toEqual([{ path: "sendConfirmations", problem: 'must be one of EACH, NONE, got "SOME"' }]);
    expect(await countWhere({ orderIds: range(950_001, 3) })).toBe(0);
    expect(await processedCount(db(), event.id)).toBe(0);
  });
});

describe("waiting for the write lock", () => {
  it("waits for another connection's write transaction without freezing the event loop, then applies", async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Another connection to the same database (a second replica, a script) writes first, then keeps
    // its transaction open across an await: on SQLite it holds the file's write lock.
    const other = await openNotificationDatabase(world.notificationTarget);
    const writing = other.transaction(async (trx) => {
      await insertNotification(trx, { orderId: 900_000, channel: "EMAIL", templateName: "X", recipient: "x@example.jp", subject: null, body: null, status: "SENT" });
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const posting = postEvent(world, JSON.stringify(importEvent("batch-locked", "NONE", range(900_001, 5))));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ticksWhileWaiting = ticks;
    release();
    await writing;
    await other.close();
    const answer = await posting;
    clearInterval(ticker);
    expect(answer.json.status).toBe("applied");
    expect(await countWhere({ batchId: "batch-locked" })).toBe(5);
    // The timer kept running while the webhook waited for the lock (a synchronous busy wait would stop it).
    expect(ticksWhileWaiting).toBeGreaterThan(10);
  });
});

const BATCH_FIELDS = `batchId
  notifications(first: 3) { totalCount edges { cursor node { orderId status batchId subject } } pageInfo { hasNextPage endCursor } }
  notificationCounts { sent failed pending notSent }`;
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ImportBatch { ${BATCH_FIELDS} } } }`;

describe("the ImportBatch entity", () => {
  it("serves a batch's notifications page by page and its counts per status", async () => {
    const data = await mustQuery(world.notification.url, ENTITIES, {
      r: ["batch-each", "batch-none", "no-such-batch"].map((batchId) => ({ __typename: "ImportBatch", batchId })),
    });
    const [each, none, unknown] = data._entities;
    expect(each.notificationCounts).toEqual({ sent: 2000, failed: 0, pending: 0, notSent: 0 });
    expect(none.notificationCounts).toEqual({ sent: 0, failed: 0, pending: 0, notSent: 2000 });
    expect(unknown).toEqual({ batchId: "no-such-batch", notifications: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } }, notificationCounts: { sent: 0, failed: 0, pending: 0, notSent: 0 } });
    expect(each.notifications.totalCount).toBe(2000);
    expect(each.notifications.pageInfo.hasNextPage).toBe(true);
    // Newest first: the same instant for the whole chunk, so the highest ids (last orders) first.
    expect(each.notifications.edges.map((e: any) => e.node.orderId)).toEqual(["102000", "101999", "101998"]);
    expect(none.notifications.edges[0].node).toEqual({ orderId: "202000", status: "NOT_SENT", batchId: "batch-none", subject: subjectOf(202_000) });

    // Walking every page of a batch visits each notification once.
    const seen = new Set<string>();
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: any = await mustQuery(
        world.notification.url,
        `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on ImportBatch { notifications(first: 200, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } } }`,
        { r: [{ __typename: "ImportBatch", batchId: "batch-none" }], after },
      );
      const conn = page._entities[0].notifications;
      for (const e of conn.edges) seen.add(e.node.id);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen.size).toBe(2000);
  });

  it("costs the same number of SQL statements for 5 and for 50 batches", async () => {
    // 50 more small batches of two orders each.
    for (let k = 0; k < 50; k += 1) {
      const answer = await postEvent(world, JSON.stringify(importEvent(`small-${k}`, k % 2 ? "NONE" : "EACH", range(500_000 + k * 10, 2), 100 + k)));
      expect(answer.json.status).toBe("applied");
    }
    // Their deliveries (which write on the bulk connection) are over before counting.
    await waitFor("the small batches to be sent", async () => (await countWhere({ batchIdPrefix: "small-", status: "PENDING" })) === 0);
    const measure = async (count: number) => {
      const r = Array.from({ length: count }, (_, k) => ({ __typename: "ImportBatch", batchId: `small-${k}` }));
      world.queries.reset();
      const data = await mustQuery(world.notification.url, ENTITIES, { r });
      return { entities: data._entities as any[], statements: world.queries.count };
    };
    const five = await measure(5);
    const fifty = await measure(50);
    expect(fifty.entities).toHaveLength(50);
    expect(fifty.entities.every((b) => b.notifications.totalCount === 2 && b.notifications.edges.length === 2)).toBe(true);
    expect(fifty.entities[1].notificationCounts).toEqual({ sent: 0, failed: 0, pending: 0, notSent: 2 });
    expect(five.statements).toBeGreaterThan(0);
    expect(fifty.statements).toBe(five.statements);
    // One statement for the pages, one for the counts (which also answer totalCount).
    expect(fifty.statements).toBeLessThanOrEqual(2);
  });
});

/** A transport whose bulk append fails, or that sends one message at a time (like SMTP). */
class BulkTestTransport implements NotificationTransport {
  appendError: string | null = "ENOSPC: no space left on device, write";
  readonly single: OutgoingMessage[] = [];
  bulkCalls = 0;
  async send(message: OutgoingMessage): Promise<void> {
    this.single.push(message);
  }
  async sendMany(): Promise<void> {
    this.bulkCalls += 1;
    if (this.appendError) throw new Error(this.appendError);
  }
}

describe("bulk hand-over outcomes", () => {
  let other: World;
  const transport = new BulkTestTransport();
  beforeAll(async () => {
    other = await startWorld({ transport });
  });
  afterAll(() => other.stop());

  it("records FAILED with the reason for the whole chunk when the append fails (and a FAILED one can be resent)", async () => {
    const ids = range(600_001, 50);
    await postEvent(other, JSON.stringify(importEvent("batch-disk-full", "EACH", ids)));
    await waitFor("the chunk to be FAILED", async () => (await countNotifications(other.notification.database, { batchId: "batch-disk-full", status: "FAILED" })) === 50);
    expect(transport.bulkCalls).toBe(1);
    const failed = await findNotifications(other.notification.database, { batchId: "batch-disk-full" });
    expect(failed.every((n) => n.failureReason === "ENOSPC: no space left on device, write" && n.attemptCount === 1 && n.sentAt === null)).toBe(true);
    const resent = await mustQuery(other.notification.url, `mutation { resendNotification(id: "${failed[0]!.id}") { status attemptCount } }`);
    expect(resent.resendNotification).toEqual({ status: "SENT", attemptCount: 2 });
  });

  it("a transport without sendMany gets one message at a time, each once", async () => {
    const plain: World = await startWorld({ transport: { send: (m) => transport.send(m) } });
    try {
      const ids = range(700_001, 40);
      transport.single.length = 0;
      await postEvent(plain, JSON.stringify(importEvent("batch-smtp", "EACH", ids)));
      await waitFor("40 SENT", async () => (await countNotifications(plain.notification.database, { batchId: "batch-smtp", status: "SENT" })) === 40);
      expect(transport.single).toHaveLength(40);
      expect(new Set(transport.single.map((m) => m.notificationId)).size).toBe(40);
    } finally {
      await plain.stop();
    }
  });
});

describe("speed (a measurement, printed; not a timed test)", () => {
  it("absorbs a 100k-row import's 33,000 orders (17 chunks) with EACH", async () => {
    const total = 33_000;
    const chunk = 2000;
    const bodies: string[] = [];
    for (let from = 0; from < total; from += chunk) {
      bodies.push(JSON.stringify(importEvent("batch-speed", "EACH", range(1_000_001 + from, Math.min(chunk, total - from)), 9)));
    }
    const lines = outboxLines(world).length;
    const started = performance.now();
    let acknowledged = 0;
    // As the order service's dispatcher delivers them: one chunk after another.
    for (const body of bodies) {
      const t = performance.now();
      const answer = await postEvent(world, body);
      acknowledged += performance.now() - t;
      expect(answer.json.status).toBe("applied");
    }
    const stored = performance.now() - started;
    await waitFor("33,000 SENT", async () => (await countWhere({ batchId: "batch-speed", status: "SENT" })) === total, 60_000);
    const sent = performance.now() - started;
    const added = outboxLines(world).length - lines;
    console.log(
      `[import confirmations] ${total} orders in ${bodies.length} events: stored (all acknowledged) in ${(stored / 1000).toFixed(2)} s ` +
        `(webhook round trips ${(acknowledged / 1000).toFixed(2)} s, ${Math.round(total / (stored / 1000))} orders/s); ` +
        `all SENT with ${added} outbox lines after ${(sent / 1000).toFixed(2)} s`,
    );
    expect(added).toBe(total);
  }, 120_000);
});
