/**
 * The notification service's db/ layer on the database of this run (SQLite, or PostgreSQL under
 * `npm run test:pg`): bulk inserts keep ids in row order in a few statements, the hot reads are
 * one statement each, and delivery claims never hand one notification to two replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, PG_ADMIN_URL_VARIABLE, tempDir } from "@ops/service-kit/testing";
import type { DatabaseTarget, QueryEvent } from "@ops/service-kit/data";
import { insertNotifications, ordersWithTemplate, pendingIdsBefore } from "../db/bulkNotifications.js";
import { openNotificationDatabase, type NotificationDatabase } from "../db/database.js";
import { deliverClaimed } from "../db/deliveryClaims.js";
import { countNotifications as countListed, notificationPage } from "../db/notificationList.js";
import { notificationCountsByBatch, notificationsByBatchIds, notificationStatesByOrderRange } from "../db/notificationReads.js";
import type { NewNotificationRow, PendingMessage } from "../domain/notification.js";
import { findNotifications } from "./rows.js";

const files = tempDir("notification-data-");
let target: DatabaseTarget;
let database: NotificationDatabase;
const statements: QueryEvent[] = [];

beforeAll(async () => {
  target = await freshTarget("notification", files.dir);
  database = await openNotificationDatabase(target, { onQuery: (e) => statements.push(e) });
});
afterAll(async () => {
  await database?.close();
  files.cleanup();
});

const row = (orderId: number, over: Partial<NewNotificationRow> = {}): NewNotificationRow => ({
  orderId,
  templateName: "ORDER_CONFIRMATION",
  recipient: `buyer${orderId}@example.jp`,
  subject: `件名 #${orderId}`,
  body: `本文 #${orderId}`,
  status: "PENDING",
  failureReason: null,
  batchId: "b-1",
  ...over,
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("bulk insert of an import chunk", () => {
  it("stores 2,000 rows in a few statements and returns each PENDING one with its own id", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(10_001 + i, i % 10 === 0 ? { status: "NOT_SENT" } : {}));
    statements.length = 0;
    const pending = await database.transaction((trx) => insertNotifications(trx, rows));
    const inserts = statements.filter((s) => /^insert into "notifications"/i.test(s.query));
    expect(inserts.length).toBe(database.dialect === "sqlite" ? 4 : 1);
    expect(pending).toHaveLength(1800);
    const stored = new Map((await findNotifications(database, { batchId: "b-1" })).map((n) => [n.id, n]));
    expect(stored.size).toBe(2000);
    // Every returned id is the row that was given for it.
    for (const m of pending) expect(stored.get(m.id)).toMatchObject({ recipient: m.recipient, subject: m.subject, body: m.body, status: "PENDING", channel: "EMAIL" });
  });

  it("finds the orders that already have a template's notification in one statement", async () => {
    statements.length = 0;
    const have = await ordersWithTemplate(database.db, database.helpers, [10_001, 10_002, 99_999], "ORDER_CONFIRMATION");
    expect([...have].sort()).toEqual([10_001, 10_002]);
    expect(await ordersWithTemplate(database.db, database.helpers, [10_001], "ORDER_SHIPPED")).toEqual(new Set());
    expect(statements).toHaveLength(2);
  });
});

describe("hot reads", () => {
  it("a batch's counts and first page, a filtered list and its total, the consistency states: one statement each", async () => {
    statements.length = 0;
    expect(await notificationCountsByBatch(database.db, database.helpers, ["b-1", "none"])).toEqual(
      expect.arrayContaining([
        { batchId: "b-1", status: "pending", count: 1800 },
        { batchId: "b-1", status: "not_sent", count: 200 },
      ]),
    );
    const page = await notificationsByBatchIds(database.db, ["b-1", "none"], 3, null);
    expect(page.map((n) => n.orderId)).toEqual([12_000, 11_999, 11_998]);
    const next = await notificationsByBatchIds(database.db, ["b-1"], 2, { createdAt: page[2]!.createdAt, id: page[2]!.id });
    expect(next.map((n) => n.orderId)).toEqual([11_997, 11_996]);
    const listed = await notificationPage(database.db, { statuses: ["NOT_SENT"], batchId: "b-1" }, 2, null);
    expect(listed.map((n) => [n.orderId, n.status])).toEqual([
      [11_991, "NOT_SENT"],
      [11_981, "NOT_SENT"],
    ]);
    expect(await countListed(database.db, { statuses: ["NOT_SENT"], channel: "EMAIL" })).toBe(200);
    expect(await countListed(database.db, { orderId: 10_001 })).toBe(1);
    const states = JSON.parse(await notificationStatesByOrderRange(database.db, { after: 10_000, through: 10_002 })) as unknown[][];
    expect(states.map((s) => s.slice(0, 3))).toEqual([
      [10_001, "ORDER_CONFIRMATION", 1],
      [10_002, "ORDER_CONFIRMATION", 0],
    ]);
    expect(typeof states[0]![3]).toBe("number");
    expect(statements).toHaveLength(7);
  });
});

/** Replicas share a database only on PostgreSQL: a SQLite file belongs to one process, whose
 * NotificationDelivery keeps one attempt per notification (pendingSweeper.test.ts). */
const onPostgres = Boolean(process.env[PG_ADMIN_URL_VARIABLE]);

describe("delivery claims", () => {
  it.runIf(onPostgres)("two replicas sweeping the same PENDING notifications at once send each exactly once", async () => {
    const other = await openNotificationDatabase(target);
    try {
      const ids = await pendingIdsBefore(database.db, new Date(Date.now() + 60_000), 300);
      expect(ids).toHaveLength(300);
      const sent: number[] = [];
      // A slow transport: the two hand-overs overlap for its whole duration.
      const hand = async (messages: PendingMessage[]) => {
        await pause(100);
        sent.push(...messages.map((m) => m.id));
        return { ok: true as const, at: new Date() };
      };
      const [a, b] = await Promise.all([deliverClaimed(database, ids, hand), deliverClaimed(other, ids, hand)]);
      expect(a.length + b.length).toBe(300);
      // Each hand-over took what the other had not locked: together all 300, none twice.
      expect(sent).toHaveLength(300);
      expect(new Set(sent).size).toBe(300);
      const after = await findNotifications(database, { ids });
      expect(after.every((n) => n.status === "SENT" && n.attemptCount === 1 && n.sentAt !== null)).toBe(true);
      // Nothing is left to claim.
      expect(await deliverClaimed(other, ids, hand)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("records a failed hand-over on every claimed row with the reason, once", async () => {
    const [id] = await pendingIdsBefore(database.db, new Date(Date.now() + 60_000), 1000);
    const claimed = await deliverClaimed(database, [id!, id!], async () => ({ ok: false, reason: "ENOSPC: no space left on device" }));
    expect(claimed).toEqual([id]);
    const [n] = await findNotifications(database, { ids: [id!] });
    expect(n).toMatchObject({ status: "FAILED", failureReason: "ENOSPC: no space left on device", attemptCount: 1, sentAt: null });
  });
});
