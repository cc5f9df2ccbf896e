import { describe, expect, it } from "vitest";
import { EVENT_CONTRACTS, eventProblems, isEvent, type EventType } from "../events/eventContracts.js";
import { EVENT_ITEMS, EVENT_ORDERS, EVENT_PAYMENTS, MAX_TEXT } from "../events/eventLimits.js";
import { describeProblems, MAX_PROBLEMS } from "../validation/validator.js";
import { SAMPLES, snapshot } from "./samples.js";

/** A deep copy of a sample, to break in one place. */
const sample = <K extends EventType>(type: K) => structuredClone(SAMPLES[type]);

describe("event contracts", () => {
  it("pass every event as its producer writes it", () => {
    for (const type of Object.keys(EVENT_CONTRACTS) as EventType[]) expect(eventProblems(type, SAMPLES[type]), type).toEqual([]);
  });

  it("know nothing of an unknown event type (receivers ignore it)", () => {
    expect(eventProblems("payment.refunded", { anything: true })).toBeNull();
    expect(eventProblems("__proto__", {})).toBeNull();
    expect(eventProblems("constructor", {})).toBeNull();
  });

  it("report a missing field, a wrong type and a bad enum value with their paths", () => {
    const data = sample("order.cancelled") as unknown as { orders: Record<string, unknown>[] };
    delete data.orders[0]!.customerEmail;
    data.orders[0]!.id = "4";
    data.orders[0]!.status = "cancelled";
    expect(eventProblems("order.cancelled", data)).toEqual([
      { path: "orders[0].id", problem: "must be an integer, got a string" },
      { path: "orders[0].customerEmail", problem: "must be a string, got missing" },
      { path: "orders[0].status", problem: 'must be one of PENDING, CONFIRMED, SHIPPED, DELIVERED, CANCELLED, got "cancelled"' },
    ]);
  });

  it("report problems deep in nested arrays", () => {
    const data = sample("order.confirmed");
    (data.orders[1]!.items[0] as { quantity: unknown }).quantity = 1.5;
    (data.orders[1]!.items[1] as { unitPrice: unknown }).unitPrice = -1;
    expect(eventProblems("order.confirmed", data)).toEqual([
      { path: "orders[1].items[0].quantity", problem: "must be an integer, got 1.5" },
      { path: "orders[1].items[1].unitPrice", problem: "must be at least 0, got -1" },
    ]);
  });

  it("refuse ids that are not positive safe integers and amounts beyond 2^53", () => {
    const data = sample("payment.completed");
    data.payments.push({ paymentId: 0, orderId: 2 ** 53, amount: Number.MAX_SAFE_INTEGER + 2 });
    expect(eventProblems("payment.completed", data)).toEqual([
      { path: "payments[1].paymentId", problem: "must be at least 1, got 0" },
      { path: "payments[1].orderId", problem: `must be an integer, got ${2 ** 53}` },
      { path: "payments[1].amount", problem: `must be an integer, got ${Number.MAX_SAFE_INTEGER + 2}` },
    ]);
  });

  it("refuse data that is not an object, and lists that are not arrays or are empty", () => {
    expect(eventProblems("order.shipped", null)).toEqual([{ path: "", problem: "must be an object, got null" }]);
    expect(eventProblems("order.shipped", [])).toEqual([{ path: "", problem: "must be an object, got an array" }]);
    expect(eventProblems("order.shipped", { orders: { 0: snapshot(1) } })).toEqual([{ path: "orders", problem: "must be an array, got an object" }]);
    expect(eventProblems("import.payments", { ...sample("import.payments"), payments: [] })).toEqual([{ path: "payments", problem: "must not be empty" }]);
  });

  it("refuse dates that are not ISO 8601 instants, and null where null is not allowed", () => {
    const data = sample("order.payment_refused") as unknown as { payments: Record<string, unknown>[] };
    data.payments[0]!.cancelledAt = "yesterday";
    data.payments[1]!.cancelledAt = "2026-02-30T10:00:00Z";
    const snap = snapshot(1, { createdAt: null as never });
    expect(eventProblems("order.payment_refused", data)!.map((p) => p.path)).toEqual(["payments[0].cancelledAt", "payments[1].cancelledAt"]);
    expect(eventProblems("order.confirmed", { orders: [snap] })).toEqual([
      { path: "orders[0].createdAt", problem: "must be an ISO 8601 date-time such as 2026-04-01T09:30:00.000Z, got null" },
    ]);
  });

  it("take an optional field absent but not of the wrong type, and ignore fields they do not know", () => {
    expect(eventProblems("payment.completed", { ...sample("payment.completed"), batchId: "b-1", addedLater: [1, 2] })).toEqual([]);
    expect(eventProblems("payment.completed", { ...sample("payment.completed"), batchId: 12 })).toEqual([{ path: "batchId", problem: "must be a string, got a number" }]);
    expect(eventProblems("import.confirmations", { ...sample("import.confirmations"), sendConfirmations: "SOME" })![0]!.path).toBe("sendConfirmations");
  });

  it("refuse an inherited field as if it were missing", () => {
    const data = Object.create({ batchId: "inherited" }) as Record<string, unknown>;
    Object.assign(data, { importId: 1, payments: sample("import.payments").payments });
    expect(eventProblems("import.payments", data)).toEqual([{ path: "batchId", problem: "must be a string, got missing" }]);
  });

  it("refuse oversize lists without walking them", () => {
    const orders = Array.from({ length: EVENT_ORDERS + 1 }, () => null);
    expect(eventProblems("order.confirmed", { orders })).toEqual([{ path: "orders", problem: `must have at most ${EVENT_ORDERS} items, got ${EVENT_ORDERS + 1}` }]);
    const payments = Array.from({ length: EVENT_PAYMENTS + 1 }, () => null);
    expect(eventProblems("import.payments", { ...sample("import.payments"), payments })).toEqual([
      { path: "payments", problem: `must have at most ${EVENT_PAYMENTS} items, got ${EVENT_PAYMENTS + 1}` },
    ]);
  });

  it("refuse an order event whose orders carry more than EVENT_ITEMS items in all", () => {
    const items = Array.from({ length: 1_000 }, () => ({ productName: "箸", quantity: 1, unitPrice: 100, subtotal: 100 }));
    const orders = Array.from({ length: EVENT_ITEMS / 1_000 + 1 }, (_, i) => snapshot(i + 1, { items }));
    expect(eventProblems("order.shipped", { orders })).toEqual([{ path: "orders", problem: `must carry at most ${EVENT_ITEMS} items in all, got ${EVENT_ITEMS + 1_000}` }]);
    expect(eventProblems("order.shipped", { orders: orders.slice(1) })).toEqual([]);
  });

  it("refuse oversize strings and report them without echoing them", () => {
    const long = "あ".repeat(MAX_TEXT + 1);
    const problems = eventProblems("order.cancelled", { orders: [snapshot(1, { cancelReason: long })] })!;
    expect(problems).toEqual([{ path: "orders[0].cancelReason", problem: `must have at most ${MAX_TEXT} characters, got ${MAX_TEXT + 1}` }]);
    const huge = eventProblems("import.payments", { ...sample("import.payments"), batchId: "x".repeat(1_000_000) })!;
    expect(describeProblems(huge).length).toBeLessThan(100);
  });

  it("stop at MAX_PROBLEMS however broken the event", () => {
    const orders = Array.from({ length: EVENT_ORDERS }, () => ({}));
    const problems = eventProblems("order.confirmed", { orders })!;
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[0]).toEqual({ path: "orders[0].id", problem: "must be an integer, got missing" });
  });

  it("check a full event of EVENT_ORDERS orders quickly", () => {
    const orders = Array.from({ length: EVENT_ORDERS }, (_, i) => snapshot(i + 1, { items: Array.from({ length: 10 }, () => snapshot(1).items[0]!) }));
    const started = performance.now();
    expect(eventProblems("order.confirmed", { orders })).toEqual([]);
    // 2,000 orders and 20,000 items: a few milliseconds; the bound leaves room for a busy machine.
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("narrow an event by its name", () => {
    const event: { type: string; data: unknown } = { type: "payment.completed", data: SAMPLES["payment.completed"] };
    if (isEvent(event, "payment.completed")) expect(event.data.payments[0]!.orderId).toBe(4);
    else expect.unreachable();
    expect(isEvent(event, "order.cancelled")).toBe(false);
  });
});

describe("describeProblems", () => {
  it("writes one line per problem, the path first", () => {
    expect(describeProblems([{ path: "orders[3].id", problem: "must be an integer, got a string" }, { path: "", problem: "must be an object, got null" }])).toBe(
      "orders[3].id: must be an integer, got a string; must be an object, got null",
    );
  });
});
