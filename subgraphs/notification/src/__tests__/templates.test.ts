/** Templates over HTTP: list, read, create, update, delete, refusals, variables and previews. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { countTemplates } from "./rows.js";
import { templateByName } from "../db/templates.js";
import { startWorld, TEST_ORDER, type World } from "./world.js";

let world: World;
let url: string;
beforeAll(async () => {
  world = await startWorld();
  url = world.notification.url;
});
afterAll(() => world.stop());

const TEMPLATE_FIELDS = "id name subjectTemplate bodyTemplate channel language variables";
const CREATE = `mutation ($input: CreateNotificationTemplateInput!) { createNotificationTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const UPDATE = `mutation ($input: UpdateNotificationTemplateInput!) { updateNotificationTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const PREVIEW = `query ($input: PreviewTemplateInput!) { previewTemplate(input: $input) { subject body characterCount smsSegments } }`;
const delayed = { name: "ORDER_DELAYED", subjectTemplate: "お届け遅延 #{{order_id}}", bodyTemplate: "{{customer_name}} 様\n{{yen total_amount}}", channel: "EMAIL" };

describe("templates", () => {
  it("lists the three seeded templates with the variables they use", async () => {
    const data = await mustQuery(url, `{ notificationTemplates { ${TEMPLATE_FIELDS} } templateVariables { name description example } }`);
    expect(data.notificationTemplates.map((t: any) => t.name)).toEqual(["ORDER_CANCELLED", "ORDER_CONFIRMATION", "ORDER_SHIPPED"]);
    const confirmation = data.notificationTemplates.find((t: any) => t.name === "ORDER_CONFIRMATION");
    expect(confirmation).toMatchObject({ channel: "EMAIL", language: "ja", subjectTemplate: "ご注文確認 — 注文番号 #{{ order_id }}" });
    expect(confirmation.variables).toEqual(expect.arrayContaining(["order_id", "customer_name", "items", "total_amount", "items.product_name", "items.quantity", "items.unit_price"]));
    const names = data.templateVariables.map((v: any) => v.name);
    expect(names).toEqual(expect.arrayContaining(["order_id", "customer_name", "customer_email", "items", "total_amount", "currency", "status", "created_at", "updated_at", "order_date", "items.product_name"]));
    expect(data.templateVariables.every((v: any) => v.description && v.example)).toBe(true);
  });

  it("creates, reads, updates and deletes a template", async () => {
    const created = (await mustQuery(url, CREATE, { input: delayed })).createNotificationTemplate;
    expect(created).toMatchObject({ ...delayed, language: "ja", variables: ["order_id", "customer_name", "total_amount"] });
    const updated = (await mustQuery(url, UPDATE, { input: { name: "ORDER_DELAYED", channel: "SMS", bodyTemplate: "{{customer_name}}様 ご注文#{{order_id}}" } })).updateNotificationTemplate;
    expect(updated).toMatchObject({ id: created.id, channel: "SMS", subjectTemplate: delayed.subjectTemplate, variables: ["order_id", "customer_name"] });
    const read = await mustQuery(url, `{ notificationTemplate(name: "ORDER_DELAYED") { channel bodyTemplate } }`);
    expect(read.notificationTemplate).toEqual({ channel: "SMS", bodyTemplate: "{{customer_name}}様 ご注文#{{order_id}}" });
    expect((await mustQuery(url, `mutation { deleteNotificationTemplate(name: "ORDER_DELAYED") }`)).deleteNotificationTemplate).toBe(true);
    expect((await mustQuery(url, `{ notificationTemplate(name: "ORDER_DELAYED") { id } }`)).notificationTemplate).toBeNull();
  });

  it("saves an SMS template without a subject, previews and sends it as SMS, and refuses it as EMAIL", async () => {
    const sms = { name: "SHIPPED_SMS", bodyTemplate: "{{customer_name}}様 ご注文#{{order_id}}を発送しました", channel: "SMS" };
    const created = (await mustQuery(url, CREATE, { input: sms })).createNotificationTemplate;
    expect(created).toMatchObject({ ...sms, subjectTemplate: "", variables: ["order_id", "customer_name"] });
    // An EMAIL template still needs one, named as the field.
    const email = await graphqlRequest(url, CREATE, { input: { ...sms, name: "SHIPPED_MAIL", channel: "EMAIL" } });
    expect(email.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate" });
    const switched = await graphqlRequest(url, UPDATE, { input: { name: "SHIPPED_SMS", channel: "EMAIL" } });
    expect(switched.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate" });

    const orderId = await world.createOrder();
    const inline = await mustQuery(url, PREVIEW, { input: { bodyTemplate: sms.bodyTemplate, channel: "SMS", orderId } });
    expect(inline.previewTemplate).toMatchObject({ subject: null, smsSegments: 1 });
    const SEND = `mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { channel subject body status } }`;
    const sent = await mustQuery(url, SEND, { input: { orderId, templateName: "SHIPPED_SMS", phoneNumber: "090-1234-5678" } });
    expect(sent.sendNotification).toMatchObject({ channel: "SMS", subject: null, body: `${TEST_ORDER.customerName}様 ご注文#${orderId}を発送しました`, status: "SENT" });
    const asMail = await graphqlRequest(url, SEND, { input: { orderId, templateName: "SHIPPED_SMS", channel: "EMAIL" } });
    expect(asMail.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.channel" });
    await mustQuery(url, `mutation { deleteNotificationTemplate(name: "SHIPPED_SMS") }`);
  });

  it("refuses a duplicate name with CONFLICT and missing templates with NOT_FOUND", async () => {
    const dup = await graphqlRequest(url, CREATE, { input: { ...delayed, name: "ORDER_SHIPPED" } });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.name", params: { name: "ORDER_SHIPPED" } });
    expect(await countTemplates(world.notification.database, "ORDER_SHIPPED")).toBe(1);
    const upd = await graphqlRequest(url, UPDATE, { input: { name: "NOPE", channel: "SMS" } });
    expect(upd.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.name" });
    const del = await graphqlRequest(url, `mutation { deleteNotificationTemplate(name: "NOPE") }`);
    expect(del.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(del.data).toBeNull();
  });

  it("refuses a template that does not compile, naming the field and reason", async () => {
    const res = await graphqlRequest(url, CREATE, { input: { ...delayed, name: "BROKEN", bodyTemplate: "{{#each items}}{{product_name}}" } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { reason: expect.stringContaining("Parse error") } });
    expect(res.errors?.[0]?.message).toContain("does not compile");
    expect(await countTemplates(world.notification.database, "BROKEN")).toBe(0);
  });

  it("refuses an unknown variable on create and on update, and keeps the stored template", async () => {
    const res = await graphqlRequest(url, CREATE, { input: { ...delayed, name: "COUPON", subjectTemplate: "{{coupon_code}} をどうぞ" } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.subjectTemplate",
      params: { variable: "coupon_code", allowed: expect.arrayContaining(["order_id", "customer_name"]) },
    });
    const upd = await graphqlRequest(url, UPDATE, { input: { name: "ORDER_SHIPPED", bodyTemplate: "{{#each items}}{{tracking_number}}{{/each}}" } });
    expect(upd.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { variable: "tracking_number" } });
    const stored = (await templateByName(world.notification.database.db, "ORDER_SHIPPED"))!;
    expect(stored.bodyTemplate).not.toContain("tracking_number");
  });
});

describe("previewTemplate", () => {
  it("renders a stored template against the documented sample order", async () => {
    const { previewTemplate } = await mustQuery(url, PREVIEW, { input: { templateName: "ORDER_CONFIRMATION" } });
    expect(previewTemplate.subject).toBe("ご注文確認 — 注文番号 #1024");
    expect(previewTemplate.body).toContain("山田 花子 様");
    expect(previewTemplate.body).toContain("・有機緑茶 100g　¥1,200 × 2点　小計 ¥2,400");
    expect(previewTemplate.body).toContain("合計金額：¥10,900");
    expect(previewTemplate.characterCount).toBe([...previewTemplate.body].length);
    expect(previewTemplate.smsSegments).toBeNull();
  });

  it("renders an inline SMS template against a real order from the order service", async () => {
    const orderId = await world.createOrder();
    const input = { subjectTemplate: "-", bodyTemplate: "{{customer_name}}様 注文#{{order_id}} {{yen total_amount}} {{items.length}}点", channel: "SMS", orderId };
    const { previewTemplate } = await mustQuery(url, PREVIEW, { input });
    const body = `${TEST_ORDER.customerName}様 注文#${orderId} ¥4,640 2点`;
    expect(previewTemplate).toEqual({ subject: null, body, characterCount: [...body].length, smsSegments: 1 });
  });

  it("refuses invalid inline templates, unknown orders and ambiguous input", async () => {
    const bad = await graphqlRequest(url, PREVIEW, { input: { subjectTemplate: "{{order_id}}", bodyTemplate: "{{password}}", channel: "EMAIL" } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { variable: "password" } });
    const missing = await graphqlRequest(url, PREVIEW, { input: { templateName: "ORDER_SHIPPED", orderId: "999999" } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.orderId" });
    const both = await graphqlRequest(url, PREVIEW, { input: { templateName: "ORDER_SHIPPED", bodyTemplate: "x" } });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.templateName" });
    const neither = await graphqlRequest(url, PREVIEW, { input: { bodyTemplate: "x" } });
    expect(neither.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate" });
  });
});
