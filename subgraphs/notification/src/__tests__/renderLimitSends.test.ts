/**
 * Real sends under the rendering limits, over HTTP: a stored template that is too much for one
 * order (a huge order) records that order's notification as FAILED with the reason and sends
 * nothing for it — through sendNotification and through the bulk paths (an import's
 * confirmations, an order event) —, while every other order of the batch is rendered and sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "@ops/service-kit";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { orderEvent, postEvent, sendsPerNotification, snapshot, waitFor } from "./eventHelpers.js";
import { changeTemplate, countNotifications, findNotifications } from "./rows.js";
import { NOTIFICATION_FIELDS, startWorld, type World } from "./world.js";

let world: World;
let url: string;
beforeAll(async () => {
  world = await startWorld();
  url = world.notification.url;
});
afterAll(() => world.stop());

const db = () => world.notification.database;
const itemsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ productName: `商品${i + 1}`, quantity: 1, unitPrice: 100 + i }));
/** Every item beside every other: 100 + 100² = 10,100 runs for a 100-item order, 6 for a 2-item one. */
const PAIRS = "{{customer_name}} 様\n{{#each items}}{{product_name}}: {{#each @root.items}}{{product_name}} {{/each}}\n{{/each}}";
const SEND = `mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { ${NOTIFICATION_FIELDS} } }`;
const CREATE = `mutation ($input: CreateNotificationTemplateInput!) { createNotificationTemplate(input: $input) { name } }`;

describe("sendNotification", () => {
  it("records FAILED with the limit in the reason for the order the template is too much for, and sends the others", async () => {
    await mustQuery(url, CREATE, { input: { name: "PAIRS", subjectTemplate: "#{{order_id}}", bodyTemplate: PAIRS, channel: "EMAIL" } });
    const huge = await world.createOrder({ items: itemsOf(100) });
    const usual = await world.createOrder({ items: itemsOf(2) });

    const failed = (await mustQuery(url, SEND, { input: { orderId: huge, templateName: "PAIRS", idempotencyKey: "pairs-huge" } })).sendNotification;
    expect(failed).toMatchObject({ orderId: huge, templateName: "PAIRS", status: "FAILED", subject: null, body: null, sentAt: null, attemptCount: 0 });
    expect(failed.failureReason).toMatch(/^Template "PAIRS" could not be rendered for order \d+: .*more than 10,000 times/);
    expect(sendsPerNotification(world).has(Number(failed.id))).toBe(false);
    // The same request again is the same notification, not a second row.
    const again = (await mustQuery(url, SEND, { input: { orderId: huge, templateName: "PAIRS", idempotencyKey: "pairs-huge" } })).sendNotification;
    expect(again.id).toBe(failed.id);
    expect(await countNotifications(db(), { orderId: Number(huge) })).toBe(1);
    // Nothing was rendered, so there is nothing to resend.
    const resend = await graphqlRequest(url, `mutation { resendNotification(id: "${failed.id}") { id } }`);
    expect(resend.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { reason: "NOT_RENDERED" } });

    const sent = (await mustQuery(url, SEND, { input: { orderId: usual, templateName: "PAIRS" } })).sendNotification;
    expect(sent).toMatchObject({ status: "SENT", failureReason: null, body: expect.stringContaining("商品1: 商品1 商品2 \n商品2: 商品1 商品2 \n") });
    expect(sendsPerNotification(world).get(Number(sent.id))).toBe(1);
  });
});

describe("bulk rendering", () => {
  it("an import's confirmations: the huge order's notification is FAILED, the rest of the chunk is SENT", async () => {
    await mustQuery(url, `mutation ($input: UpdateNotificationTemplateInput!) { updateNotificationTemplate(input: $input) { name } }`, {
      input: { name: "ORDER_CONFIRMATION", bodyTemplate: PAIRS },
    });
    const orders = [snapshot(7001), snapshot(7002, { items: itemsOf(100).map((i) => ({ ...i, subtotal: i.unitPrice })) }), snapshot(7003)];
    const event = newEvent("order", "import.confirmations", { batchId: "batch-huge", importId: 7, sendConfirmations: "EACH", orders });
    const answer = await postEvent(world, JSON.stringify(event));
    expect(answer).toMatchObject({ status: 200, json: { status: "applied" } });

    await waitFor("the two usual orders to be SENT", async () => (await countNotifications(db(), { batchId: "batch-huge", status: "SENT" })) === 2);
    const stored = await findNotifications(db(), { batchId: "batch-huge" });
    expect(stored.map((n) => [n.orderId, n.status])).toEqual([
      [7001, "SENT"],
      [7002, "FAILED"],
      [7003, "SENT"],
    ]);
    const [first, huge] = stored;
    expect(first!.body).toContain("抹茶ラテ: 抹茶ラテ 信楽焼 湯呑み");
    expect(huge).toMatchObject({ body: null, subject: null, attemptCount: 0 });
    expect(huge!.failureReason).toMatch(/^Template "ORDER_CONFIRMATION" could not be rendered: .*more than 10,000 times/);
    expect(sendsPerNotification(world).has(huge!.id)).toBe(false);
  });

  it("an order event with a stored template nested too deep: every notification FAILED naming the depth, the event acknowledged", async () => {
    // Written straight into the database, as a template saved before the limit existed would be.
    const deep = `{{#each items}}${"{{#each @root.items}}".repeat(12)}x${"{{/each}}".repeat(13)}`;
    await changeTemplate(db(), "ORDER_SHIPPED", { bodyTemplate: deep });
    const answer = await postEvent(world, JSON.stringify(orderEvent("order.shipped", [snapshot(7101), snapshot(7102)])));
    expect(answer).toMatchObject({ status: 200, json: { status: "applied" } });
    const stored = await findNotifications(db(), { orderIds: [7101, 7102] });
    expect(stored.map((n) => [n.orderId, n.templateName, n.status, n.body])).toEqual([
      [7101, "ORDER_SHIPPED", "FAILED", null],
      [7102, "ORDER_SHIPPED", "FAILED", null],
    ]);
    for (const n of stored) expect(n.failureReason).toMatch(/could not be rendered: Blocks are nested more than 4 deep/);
  });
});
