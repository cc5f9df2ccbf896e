/**
 * The background consistency check over a real order database and fake peers: it walks the
 * orders in bounded ranges, finds what disagrees across range boundaries and above the last
 * order, keeps what a service it could not read had shown, and serves its time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, type OrderIdRange } from "@ops/service-kit";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import type { NotificationView, PaymentView } from "../../domain/consistency.js";
import type { PeerReader } from "../../peerReader.js";
import { startConsistencyChecker, type ConsistencyChecker } from "../consistencyChecker.js";
import { createConsistencyStore, type ConsistencyStore } from "../consistencyStore.js";

const world = tempDir();
let database: OrderServiceDb;
let store: ConsistencyStore;
const ORDERS = 4_500; // three ranges of 2,000 ids
const at = new Date("2026-12-01T00:00:00Z");

/** Peers answering from arrays, recording each range asked; `down` makes one fail. */
const peer = {
  payments: [] as PaymentView[],
  notifications: [] as NotificationView[],
  ranges: [] as OrderIdRange[],
  down: null as null | "payment" | "notification",
};
const inRange = (id: number, r: OrderIdRange) => id > r.after && (r.through === null || id <= r.through);
const peers: PeerReader = {
  async payments(range) {
    peer.ranges.push(range);
    if (peer.down === "payment") throw new Error("payment service down");
    return peer.payments.filter((p) => inRange(p.orderId, range));
  },
  async notifications(range) {
    if (peer.down === "notification") throw new Error("notification service down");
    return peer.notifications.filter((n) => inRange(n.orderId, range));
  },
  async outboxFigures(service) {
    return { service, pending: 0, retrying: 0, dead: 0, delivered: 0 };
  },
};

beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir));
  const stamp = at.toISOString();
  const rows = Array.from({ length: ORDERS }, (_, i) => ({ id: i + 1, customer_email: "c@example.jp", customer_name: "整合 太郎", total_amount: 1000, status: "confirmed" as const, created_at: stamp, updated_at: stamp }));
  await database.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto("orders").values(rows.slice(i, i + 500)).execute();
  });
  for (let id = 1; id <= ORDERS; id++) {
    peer.payments.push({ orderId: id, status: "COMPLETED", updatedAt: at });
    peer.notifications.push({ orderId: id, templateName: "ORDER_CONFIRMATION", matched: true, createdAt: at });
  }
  store = createConsistencyStore(database);
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

/** Runs the checker until one pass has finished after `since`. */
async function onePass(): Promise<void> {
  const since = new Date();
  const checker: ConsistencyChecker = startConsistencyChecker(store, peers, createLogger("order", "silent"), { intervalMs: 60_000, pollMs: 10, pace: 0 });
  try {
    await checker.request();
    for (let i = 0; i < 500; i++) {
      const state = await store.state();
      if (state.lastStartedAt && state.lastStartedAt >= since && !state.startedAt) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("no pass finished");
  } finally {
    await checker.stop();
  }
}

describe("the background consistency check", () => {
  it("walks every order in bounded ranges and finds nothing when the services agree", async () => {
    peer.ranges = [];
    await onePass();
    expect(await store.counts(new Date())).toEqual([]);
    // Ranges of at most 2,000 ids cover every order, then one open range above the last.
    expect(peer.ranges).toEqual([
      { after: 0, through: 2000 },
      { after: 2000, through: 4000 },
      { after: 4000, through: 6000 },
      { after: 6000, through: null },
    ]);
    expect((await store.state()).lastUnavailable).toEqual([]);
  });

  it("finds disagreements in every range and above the last order, and clears them when fixed", async () => {
    peer.notifications = peer.notifications.filter((n) => n.orderId !== 2_001 && n.orderId !== 4_500);
    peer.payments.push({ orderId: 9_999, status: "COMPLETED", updatedAt: at });
    await onePass();
    expect((await store.issues(new Date(), 10)).map((i) => [i.kind, i.orderId])).toEqual([
      ["MISSING_NOTIFICATION", 2_001],
      ["MISSING_NOTIFICATION", 4_500],
      ["PAYMENT_WITHOUT_ORDER", 9_999],
    ]);
    peer.notifications.push({ orderId: 2_001, templateName: "ORDER_CONFIRMATION", matched: true, createdAt: at });
    peer.payments.pop();
    await onePass();
    expect((await store.issues(new Date(), 10)).map((i) => [i.kind, i.orderId])).toEqual([["MISSING_NOTIFICATION", 4_500]]);
  });

  it("keeps what it knew about a service it cannot read, and says which", async () => {
    peer.down = "notification";
    try {
      await onePass();
    } finally {
      peer.down = null;
    }
    expect((await store.state()).lastUnavailable).toEqual(["notification"]);
    expect(await store.counts(new Date())).toEqual([{ kind: "MISSING_NOTIFICATION", count: 1 }]);
  });
});
