/** The seed's constraints hold in the migrated database, and seeding at start is idempotent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, tempDir, testSecurity } from "@ops/service-kit/testing";
import { createNotificationDb, type NotificationDb } from "../db.js";
import { DEFAULT_TEMPLATES } from "../domain/defaultTemplates.js";
import { seedTemplates } from "../domain/templateOperations.js";
import { startNotificationService } from "../server.js";

let db: NotificationDb;
let dbPath: string;
let cleanup: () => void;
let dir: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("notification-db-"));
  dbPath = await freshDatabase("notification", dir);
  db = await createNotificationDb(dbPath);
});

afterAll(async () => {
  await db.$disconnect();
  cleanup();
});

describe("notification database (seed section 5)", () => {
  it("holds UNIQUE template names and defaults language to 'ja'", async () => {
    await db.$executeRawUnsafe(`INSERT INTO notification_templates (name, subject_template, body_template, channel) VALUES ('RAW', 's', 'b', 'email')`);
    const rows = await db.$queryRawUnsafe<{ language: string; channel: string }[]>(`SELECT language, channel FROM notification_templates WHERE name = 'RAW'`);
    expect(rows).toEqual([{ language: "ja", channel: "email" }]);
    await expect(
      db.$executeRawUnsafe(`INSERT INTO notification_templates (name, subject_template, body_template, channel) VALUES ('RAW', 's2', 'b2', 'sms')`),
    ).rejects.toThrow(/UNIQUE/);
    await db.$executeRawUnsafe(`DELETE FROM notification_templates WHERE name = 'RAW'`);
  });

  it("allows many notifications per order, with status 'pending' and nullable subject, body, sent_at", async () => {
    for (let i = 0; i < 2; i += 1) {
      await db.$executeRawUnsafe(
        `INSERT INTO notifications (order_id, channel, template_name, recipient) VALUES (7, 'sms', 'ORDER_SHIPPED', '+819012345678')`,
      );
    }
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT status, subject, body, sent_at, failure_reason, attempt_count, created_at FROM notifications WHERE order_id = 7`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ status: "pending", subject: null, body: null, sent_at: null, failure_reason: null });
    expect(Number(rows[0]!.attempt_count)).toBe(0);
    expect(rows[0]!.created_at).toBeTruthy();
    // Prisma reads the lowercase database values as the upper-case enum.
    const read = await db.notification.findMany({ where: { orderId: 7 } });
    expect(read.map((n) => [n.status, n.channel])).toEqual([["PENDING", "SMS"], ["PENDING", "SMS"]]);
  });

  it("stores enum values lowercase through Prisma", async () => {
    await db.notification.create({ data: { orderId: 8, channel: "EMAIL", templateName: "X", recipient: "a@example.jp", status: "FAILED" } });
    const rows = await db.$queryRawUnsafe<{ status: string; channel: string }[]>(`SELECT status, channel FROM notifications WHERE order_id = 8`);
    expect(rows).toEqual([{ status: "failed", channel: "email" }]);
  });
});

describe("seeding the default templates", () => {
  it("inserts the three Japanese templates once and never overwrites an operator's edit", async () => {
    expect(await seedTemplates(db)).toBe(3);
    const seeded = await db.notificationTemplate.findMany({ orderBy: { id: "asc" } });
    expect(seeded.map((t) => [t.name, t.subjectTemplate, t.channel, t.language])).toEqual([
      ["ORDER_CONFIRMATION", "ご注文確認 — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
      ["ORDER_SHIPPED", "発送のお知らせ — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
      ["ORDER_CANCELLED", "ご注文キャンセルのお知らせ — 注文番号 #{{ order_id }}", "EMAIL", "ja"],
    ]);
    await db.notificationTemplate.update({ where: { name: "ORDER_SHIPPED" }, data: { bodyTemplate: "{{customer_name}} 様 発送しました" } });
    await db.notificationTemplate.delete({ where: { name: "ORDER_CANCELLED" } });

    expect(await seedTemplates(db)).toBe(1);
    expect(await seedTemplates(db)).toBe(0);
    const after = await db.notificationTemplate.findMany();
    expect(after).toHaveLength(3);
    expect(after.find((t) => t.name === "ORDER_SHIPPED")?.bodyTemplate).toBe("{{customer_name}} 様 発送しました");
    expect(after.find((t) => t.name === "ORDER_CANCELLED")?.bodyTemplate).toBe(DEFAULT_TEMPLATES[2]!.bodyTemplate);
  });

  it("runs at service start: starting twice changes nothing", async () => {
    const before = await db.notificationTemplate.findMany({ orderBy: { id: "asc" } });
    for (let i = 0; i < 2; i += 1) {
      const service = await startNotificationService({
        dbPath,
        port: 0,
        logLevel: "silent",
        orderServiceUrl: "http://127.0.0.1:9/graphql",
        outboxDir: dir,
        security: testSecurity(dir).forService("notification"),
        webhookUrls: () => ({}),
        outbox: { pollMs: 50, baseDelayMs: 20, maxDelayMs: 200 },
      });
      await service.stop();
    }
    expect(await db.notificationTemplate.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});
