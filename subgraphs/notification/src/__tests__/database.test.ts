/** The seed's constraints hold in the migrated database (either kind), and seeding at start is idempotent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, tempDir, testSecurity } from "@ops/service-kit/testing";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { openNotificationDatabase, type NotificationDatabase } from "../db/database.js";
import { listTemplates } from "../db/templates.js";
import { DEFAULT_TEMPLATES } from "../domain/defaultTemplates.js";
import { seedTemplates } from "../domain/templateOperations.js";
import { startNotificationService } from "../server.js";
import { changeTemplate, findNotifications, plantNotification, removeTemplate } from "./rows.js";

let database: NotificationDatabase;
let target: DatabaseTarget;
let cleanup: () => void;
let dir: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("notification-db-"));
  target = await freshTarget("notification", dir);
  database = await openNotificationDatabase(target);
});

afterAll(async () => {
  await database.close();
  cleanup();
});

describe("notification database (seed section 5)", () => {
  it("holds UNIQUE template names and defaults language to 'ja'", async () => {
    const insert = (channel: "email" | "sms") =>
      database.db.insertInto("notification_templates").values({ name: "RAW", subject_template: "s", body_template: "b", channel }).execute();
    await insert("email");
    const rows = await database.db.selectFrom("notification_templates").select(["language", "channel"]).where("name", "=", "RAW").execute();
    expect(rows).toEqual([{ language: "ja", channel: "email" }]);
    await expect(insert("sms")).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE|duplicate key/i) });
    await removeTemplate(database, "RAW");
  });

  it("allows many notifications per order, with status 'pending' and nullable subject, body, sent_at", async () => {
    for (let i = 0; i < 2; i += 1) {
      await database.db.insertInto("notifications").values({ order_id: 7, channel: "sms", template_name: "ORDER_SHIPPED", recipient: "+819012345678" }).execute();
    }
    const rows = await database.db
      .selectFrom("notifications")
      .select(["status", "subject", "body", "sent_at", "failure_reason", "attempt_count", "created_at"])
      .where("order_id", "=", 7)
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ status: "pending", subject: null, body: null, sent_at: null, failure_reason: null });
    expect(Number(rows[0]!.attempt_count)).toBe(0);
    expect(rows[0]!.created_at).toBeTruthy();
    // The service reads the lowercase database values as the upper-case enum.
    const read = await findNotifications(database, { orderId: 7 });
    expect(read.map((n) => [n.status, n.channel])).toEqual([["PENDING", "SMS"], ["PENDING", "SMS"]]);
  });

  it("stores enum values lowercase through the service's writes", async () => {
    await plantNotification(database, { orderId: 8, channel: "EMAIL", templateName: "X", recipient: "a@example.jp", subject: null, body: null, status: "FAILED" });
    const rows = await database.db.selectFrom("notifications").select(["status", "channel"]).where("order_id", "=", 8).execute();
    expect(rows).toEqual([{ status: "failed", channel: "email" }]);
  });
});

describe("seeding the default templates", () => {
  it("inserts the three Japanese templates once and never overwrites an operator's edit", async () => {
    expect(await seedTemplates(database)).toBe(3);
    const seeded = (await listTemplates(database.db)).sort((a, b) => a.id - b.id);
    expect(seeded.map((t) => [t.name, t.subjectTemplate, t.channel, t.language])).toEqual([
      ["ORDER_CONFIRMATION", "ご注文確認 — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
      ["ORDER_SHIPPED", "発送のお知らせ — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
      ["ORDER_CANCELLED", "ご注文キャンセルのお知らせ — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
    ]);
    await changeTemplate(database, "ORDER_SHIPPED", { bodyTemplate: "{{customer_name}} 様 発送しました" });
    await removeTemplate(database, "ORDER_CANCELLED");

    expect(await seedTemplates(database)).toBe(1);
    expect(await seedTemplates(database)).toBe(0);
    const after = await listTemplates(database.db);
    expect(after).toHaveLength(3);
    expect(after.find((t) => t.name === "ORDER_SHIPPED")?.bodyTemplate).toBe("{{customer_name}} 様 発送しました");
    expect(after.find((t) => t.name === "ORDER_CANCELLED")?.bodyTemplate).toBe(DEFAULT_TEMPLATES[2]!.bodyTemplate);
  });

  it("runs at service start: starting twice (and two replicas at once) changes nothing", async () => {
    const before = await listTemplates(database.db);
    const start = () =>
      startNotificationService({
        database: target,
        port: 0,
        logLevel: "silent",
        orderServiceUrl: "http://127.0.0.1:9/graphql",
        outboxDir: dir,
        security: testSecurity(dir).forService("notification"),
        webhookUrls: () => ({}),
        outbox: { pollMs: 50, baseDelayMs: 20, maxDelayMs: 200 },
      });
    for (let i = 0; i < 2; i += 1) await (await start()).stop();
    await removeTemplate(database, "ORDER_CANCELLED");
    const both = await Promise.all([start(), start()]);
    for (const service of both) await service.stop();
    const after = await listTemplates(database.db);
    expect(after.map((t) => t.name).sort()).toEqual(before.map((t) => t.name).sort());
    expect(after.find((t) => t.name === "ORDER_SHIPPED")).toEqual(before.find((t) => t.name === "ORDER_SHIPPED"));
  });
});
