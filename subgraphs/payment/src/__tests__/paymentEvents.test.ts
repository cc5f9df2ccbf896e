/**
 * The payment service's cross-service flows over HTTP, with the real order service: payment.completed
 * confirms the order, order.cancelled refunds or fails the payment, exactly once whatever the
 * redeliveries, and the webhook refuses what is not signed by a peer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_PAYMENTS } from "@ops/contracts";
import { enqueueEvent, newEvent, signWebhook } from "@ops/service-kit";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { stamp } from "../db/database.js";
import { attemptsOf, countOf, paymentOf, refundsOf, run } from "./rows.js";
import { cancelledSnapshot, isProcessed, selectRows, type AnyDb, orderBecomes, orderStatus, outboxCount, outboxRows, paymentBecomes, pollUntil, postEvent } from "./eventHelpers.js";
import { COMPLETE_PAYMENT, CREATE_PAYMENT, FAIL_PAYMENT, RETRY_PAYMENT, startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
let secret: string;
beforeAll(async () => {
  world = await startWorld();
  secret = world.security.secrets.webhookSecret;
});
afterAll(() => world.stop());

const CANCEL = `mutation($id: ID!, $reason: String!) { cancelOrder(input: { id: $id, reason: $reason }) { status cancelReason } }`;

async function pendingPayment(total = 8_000): Promise<{ id: string; orderId: string }> {
  const orderId = await world.createOrder(total);
  const { createPayment } = await mustQuery(world.payment.url, CREATE_PAYMENT, { input: { orderId } });
  return { id: createPayment.id, orderId };
}

/** A payment completed through the API, and its order CONFIRMED by the event. */
async function paidOrder(total = 8_000) {
  const payment = await pendingPayment(total);
  await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id: payment.id });
  await orderBecomes(world, payment.orderId, "CONFIRMED");
  return payment;
}

const completedEvents = (paymentId: string) =>
  outboxRows(world.payment.database, "payment.completed", (e) => e.data.payments.some((p: { paymentId: number }) => p.paymentId === Number(paymentId)));
const refunds = (paymentId: string) => refundsOf(world.payment.database, Number(paymentId));

describe("payment.completed", () => {
  it("is written with the completion in one outbox row, delivered, and confirms the order", async () => {
    const { id, orderId } = await pendingPayment(12_345);
    expect(await completedEvents(id)).toHaveLength(0);
    await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id });

    const [row, ...more] = await completedEvents(id);
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({ destination: "order", type: "payment.completed", eventId: row!.event.id });
    expect(row!.event).toMatchObject({ source: "payment", type: "payment.completed", data: { payments: [{ paymentId: Number(id), orderId: Number(orderId), amount: 12_345 }] } });

    expect(await orderBecomes(world, orderId, "CONFIRMED")).toBe("CONFIRMED");
    await pollUntil(() => completedEvents(id), ([r]) => r?.status === "delivered");
    expect(await isProcessed(world.order.database, row!.eventId)).toBe(true);
    const figures = await mustQuery(world.payment.url, `{ paymentOutboxFigures { service delivered dead } }`);
    expect(figures.paymentOutboxFigures).toMatchObject({ service: "payment", dead: 0 });
    expect(figures.paymentOutboxFigures.delivered).toBeGreaterThanOrEqual(1);
  });

  it("leaves no outbox row when the state change fails (CONFLICT rolls the transaction back)", async () => {
    const { id } = await paidOrder();
    const before = await outboxCount(world.payment.database);
    const again = await graphqlRequest(world.payment.url, COMPLETE_PAYMENT, { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "COMPLETED" } });
    expect(await outboxCount(world.payment.database)).toBe(before);
    expect(await completedEvents(id)).toHaveLength(1);
  });

  it("leaves the payment PENDING when its event cannot be written", async () => {
    const { id, orderId } = await pendingPayment();
    // Only this payment's event is refused, inside the completion's transaction.
    const database = world.payment.database;
    if (database.dialect === "sqlite") {
      await run(
        database,
        `CREATE TRIGGER refuse_event BEFORE INSERT ON outbox WHEN json_extract(NEW.payload, '$.data.payments[0].paymentId') = ${Number(id)}
         BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`,
      );
    } else {
      await run(
        database,
        `CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           IF (NEW.payload::jsonb #>> '{data,payments,0,paymentId}')::bigint = ${Number(id)} THEN RAISE EXCEPTION 'outbox refused'; END IF;
           RETURN NEW; END $$`,
      );
      await run(database, `CREATE TRIGGER refuse_event BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_event()`);
    }
    try {
      const res = await graphqlRequest(world.payment.url, COMPLETE_PAYMENT, { id });
      expect(res.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      await run(database, database.dialect === "sqlite" ? `DROP TRIGGER refuse_event` : `DROP FUNCTION refuse_event() CASCADE`);
    }
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "PENDING" });
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payment_attempts WHERE payment_id = ?", Number(id))).toBe(0);
    expect(await completedEvents(id)).toHaveLength(0);
    expect(await orderStatus(world, orderId)).toBe("PENDING");
  });

  it("a failed payment leaves the order PENDING with the failure visible; the retried payment confirms it", async () => {
    const { id, orderId } = await pendingPayment(20_000);
    await mustQuery(world.payment.url, FAIL_PAYMENT, { input: { id, reason: "カード認証エラー" } });
    await new Promise((r) => setTimeout(r, 200));
    expect(await orderStatus(world, orderId)).toBe("PENDING");
    expect(await completedEvents(id)).toHaveLength(0);
    const seen = await mustQuery(world.payment.url, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { payment { status failureReason attempts { status } } } } }`, {
      reps: [{ __typename: "Order", id: orderId }],
    });
    expect(seen._entities[0].payment).toEqual({ status: "FAILED", failureReason: "カード認証エラー", attempts: [{ status: "FAILED" }] });

    await mustQuery(world.payment.url, RETRY_PAYMENT, { id });
    await mustQuery(world.payment.url, COMPLETE_PAYMENT, { id });
    expect(await orderBecomes(world, orderId, "CONFIRMED")).toBe("CONFIRMED");
    expect(await completedEvents(id)).toHaveLength(1);
  });
});

describe("order.cancelled", () => {
  it("refunds a paid CONFIRMED order in full with the cancel reason, once, however often and late it arrives", async () => {
    const { id, orderId } = await paidOrder(15_400);
    const cancelled = await mustQuery(world.order.url, CANCEL, { id: orderId, reason: "在庫切れのため" });
    expect(cancelled.cancelOrder).toEqual({ status: "CANCELLED", cancelReason: "在庫切れのため" });
    expect(await paymentBecomes(world, id, "REFUNDED")).toMatchObject({ amount: 15_400 });
    expect(await refunds(id)).toMatchObject([{ amount: 15_400, reason: "在庫切れのため", status: "completed" }]);

    const [row] = await outboxRows(world.order.database, "order.cancelled", (e) => e.data.orders.some((o: { id: number }) => o.id === Number(orderId)));
    const event = row!.event;
    // The very event again, five times, some at once: each a duplicate.
    const replies = await Promise.all(Array.from({ length: 5 }, () => postEvent(world.payment.url, event, { secret })));
    expect(replies.map((r) => [r.status, r.body.status])).toEqual(Array.from({ length: 5 }, () => [200, "duplicate"]));
    // The same cancellation under a new id, and a batch naming the order twice: nothing more to refund.
    const copy = { ...event, id: `${event.id}-copy` };
    expect((await postEvent(world.payment.url, copy, { secret })).body.status).toBe("applied");
    const twice = newEvent("order", "order.cancelled", { orders: [...event.data.orders, ...event.data.orders] });
    expect((await postEvent(world.payment.url, twice, { secret })).body.status).toBe("applied");
    expect(await refunds(id)).toHaveLength(1);
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "REFUNDED" });

    // Out of order on the other side: a payment.completed arriving after the cancellation moves nothing back.
    const [completed] = await completedEvents(id);
    const late = { ...completed!.event, id: `${completed!.event.id}-late` };
    expect((await postEvent(world.order.url, late, { secret })).status).toBe(200);
    expect(await orderStatus(world, orderId)).toBe("CANCELLED");
    expect(await refunds(id)).toHaveLength(1);
  });

  it("fails the PENDING payment of a cancelled PENDING order", async () => {
    const { id, orderId } = await pendingPayment();
    await mustQuery(world.order.url, CANCEL, { id: orderId, reason: "顧客都合" });
    const failed = await paymentBecomes(world, id, "FAILED");
    expect(failed?.failureReason).toBe("order cancelled");
    expect(await attemptsOf(world.payment.database, Number(id))).toMatchObject([{ status: "FAILED", failureReason: "order cancelled" }]);
    expect(await refunds(id)).toHaveLength(0);
    expect(await orderStatus(world, orderId)).toBe("CANCELLED");
  });

  it("settles a batch in one event: refund, fail, and nothing for FAILED, REFUNDED or no payment", async () => {
    const completed = await paidOrder(3_000);
    const pending = await pendingPayment(4_000);
    const failed = await pendingPayment(5_000);
    await mustQuery(world.payment.url, FAIL_PAYMENT, { input: { id: failed.id, reason: "残高不足" } });
    const refunded = await paidOrder(6_000);
    await mustQuery(world.payment.url, `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { status } }`, { input: { paymentId: refunded.id, reason: "返品" } });
    const event = newEvent("order", "order.cancelled", {
      orders: [
        cancelledSnapshot(Number(completed.orderId), { cancelReason: "  " }),
        cancelledSnapshot(Number(pending.orderId), { cancelReason: "x" }),
        // Named twice in one batch: settled once, by its first mention.
        cancelledSnapshot(Number(completed.orderId), { cancelReason: "second mention" }),
        cancelledSnapshot(Number(failed.orderId), { cancelReason: "x" }),
        cancelledSnapshot(Number(refunded.orderId), { cancelReason: "x" }),
        cancelledSnapshot(987_654, { cancelReason: "x" }),
      ],
    });
    expect(await postEvent(world.payment.url, event, { secret })).toEqual({ status: 200, body: { status: "applied", id: event.id } });
    expect(await refunds(completed.id)).toMatchObject([{ amount: 3_000, reason: "order cancelled" }]);
    const status = async (id: string) => (await paymentOf(world.payment.database, Number(id))).status;
    expect([await status(completed.id), await status(pending.id), await status(failed.id), await status(refunded.id)]).toEqual(["REFUNDED", "FAILED", "FAILED", "REFUNDED"]);
    expect(await refunds(refunded.id)).toMatchObject([{ reason: "返品" }]);
    expect(await attemptsOf(world.payment.database, Number(failed.id))).toMatchObject([{ failureReason: "残高不足" }]);
  });

  it("applies a batch all or nothing: one failing effect rolls back the others and asks for a retry", async () => {
    const completed = await paidOrder(6_000);
    const pending = await pendingPayment();
    // A refund row the status does not reflect makes this payment's refund fail (UNIQUE payment_id).
    await world.payment.database.db.insertInto("refunds").values({ payment_id: Number(completed.id), amount: 6_000, reason: "manual", created_at: stamp() }).execute();
    const event = newEvent("order", "order.cancelled", { orders: [cancelledSnapshot(Number(pending.orderId)), cancelledSnapshot(Number(completed.orderId))] });
    expect((await postEvent(world.payment.url, event, { secret })).status).toBe(500);
    expect(await isProcessed(world.payment.database, event.id)).toBe(false);
    expect(await paymentOf(world.payment.database, Number(pending.id))).toMatchObject({ status: "PENDING" });
    expect(await paymentOf(world.payment.database, Number(completed.id))).toMatchObject({ status: "COMPLETED" });
  });

  it("acknowledges an event type it does not act on, once", async () => {
    const event = newEvent("order", "order.shipped", { orders: [cancelledSnapshot(1, { status: "SHIPPED" })] });
    expect((await postEvent(world.payment.url, event, { secret })).body.status).toBe("ignored");
    expect((await postEvent(world.payment.url, event, { secret })).body.status).toBe("duplicate");
    expect(await isProcessed(world.payment.database, event.id)).toBe(true);
  });
});

describe("webhook security", () => {
  it("refuses a bad, missing or old signature with 401 and changes nothing", async () => {
    const { id, orderId } = await paidOrder(7_000);
    const event = newEvent("order", "order.cancelled", { orders: [cancelledSnapshot(Number(orderId), { cancelReason: "偽物" })] });
    const refused = [
      await postEvent(world.payment.url, event, { secret: "not-the-secret" }),
      await postEvent(world.payment.url, event, { secret, at: Date.now() - 10 * 60_000 }),
      await postEvent(world.payment.url, event, { secret, at: Date.now() + 10 * 60_000 }),
      await postEvent(world.payment.url, event, { secret, header: null }),
      await postEvent(world.payment.url, event, { secret, header: "t=1,v1=00" }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // A body altered after signing is refused too.
    const body = JSON.stringify(event);
    const tampered = await postEvent(world.payment.url, body.replace("偽物", "改竄"), { secret, header: signWebhook(secret, body) });
    expect(tampered.status).toBe(401);

    expect(await isProcessed(world.payment.database, event.id)).toBe(false);
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "COMPLETED" });
    expect(await refunds(id)).toHaveLength(0);
    // The same event, properly signed, is accepted: only the signature was wrong.
    expect((await postEvent(world.payment.url, event, { secret })).status).toBe(200);
    expect(await refunds(id)).toMatchObject([{ amount: 7_000, reason: "偽物" }]);
  });
});

describe("malformed events", () => {
  /** Where `db`'s outbox row for `eventId` stands once it is dead, and the HTTP statuses of its attempts. */
  async function deadLetter(db: AnyDb, eventId: string) {
    const row = await pollUntil(
      async () => (await selectRows<{ id: number; status: string; attempts: number; last_error: string }>(db, `SELECT id, status, attempts, last_error FROM outbox WHERE event_id = ?`, eventId))[0],
      (r) => r?.status === "dead",
    );
    // The worlds retry after 20–40 ms: give a wrong retry the time to happen.
    await new Promise((r) => setTimeout(r, 300));
    const attempts = await selectRows<{ http_status: number }>(db, `SELECT http_status FROM outbox_attempts WHERE outbox_id = ?`, row!.id);
    return { attempts: Number(row!.attempts), lastError: row!.last_error, statuses: attempts.map((a) => Number(a.http_status)) };
  }

  it("order.cancelled that breaks its contract settles nothing, and the order service dead-letters it at once", async () => {
    const { id, orderId } = await paidOrder(9_000);
    // The first order is well-formed; the second has no cancellation time: none is applied.
    const good = cancelledSnapshot(Number(orderId), { cancelReason: "在庫切れ" });
    const event = { ...newEvent("order", "order.cancelled", { orders: [good] }), data: { orders: [good, { ...good, id: 987_001, updatedAt: undefined }] } };
    await enqueueEvent(world.order.database.db, event, ["payment"]);
    world.order.events.wake();
    const dead = await deadLetter(world.order.database, event.id);
    expect(dead).toMatchObject({ attempts: 1, statuses: [422] });
    expect(dead.lastError).toBe(`HTTP 422: event ${event.id} (order.cancelled) does not match its contract: orders[1].updatedAt: must be an ISO 8601 date-time such as 2026-04-01T09:30:00.000Z, got missing`);
    expect(await paymentOf(world.payment.database, Number(id))).toMatchObject({ status: "COMPLETED" });
    expect(await refunds(id)).toHaveLength(0);
    expect(await isProcessed(world.payment.database, event.id)).toBe(false);
  });

  it("payment.completed that breaks its contract confirms nothing, and the payment service dead-letters it at once", async () => {
    const { orderId } = await pendingPayment(5_500);
    const event = { ...newEvent("payment", "payment.completed", { payments: [] }), data: { payments: [{ paymentId: 1, orderId: Number(orderId), amount: "5500" }] } };
    await enqueueEvent(world.payment.database.db, event, ["order"]);
    world.payment.events.wake();
    const dead = await deadLetter(world.payment.database, event.id);
    expect(dead).toMatchObject({ attempts: 1, statuses: [422] });
    expect(dead.lastError).toContain("payments[0].amount: must be an integer, got a string");
    expect(await orderStatus(world, orderId)).toBe("PENDING");
    expect(await isProcessed(world.order.database, event.id)).toBe(false);
    // The operator sees it among the dead letters, with the reason.
    const listed = await mustQuery(world.payment.url, `{ paymentOutbox(status: DEAD) { eventId attempts lastError } }`);
    expect(listed.paymentOutbox).toContainEqual({ eventId: event.id, attempts: 1, lastError: dead.lastError });
  });

  it("an oversize import.payments is refused before any item is looked at", async () => {
    const payments = Array.from({ length: EVENT_PAYMENTS + 1 }, (_, i) => ({ orderId: 990_001 + i, amount: 1_000, currency: "JPY", paymentMethod: "konbini", status: "COMPLETED" as const }));
    const event = newEvent("order", "import.payments", { batchId: "oversize", importId: 1, payments });
    const reply = await postEvent(world.payment.url, event, { secret });
    expect(reply.status).toBe(422);
    expect(reply.body.problems).toEqual([{ path: "payments", problem: `must have at most ${EVENT_PAYMENTS} items, got ${EVENT_PAYMENTS + 1}` }]);
    expect(await countOf(world.payment.database, "SELECT COUNT(*) AS n FROM payments WHERE order_id >= ?", 990_001)).toBe(0);
    expect(await isProcessed(world.payment.database, event.id)).toBe(false);
  });
});
