/**
 * Rendering is bounded (renderLimits.ts), over HTTP against the real order and notification
 * services: the 4^13 attack of nested `{{#each}}` answers at once with BAD_USER_INPUT instead of
 * exhausting the service's memory; each limit (depth, iterations, output length, render time) is
 * named in `extensions.params`; saving refuses blocks nested too deeply and keeps what was stored;
 * previews are held to the source length limits of saving.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { countTemplates, plantTemplate } from "./rows.js";
import { templateByName } from "../db/templates.js";
import { startWorld, type World } from "./world.js";

let world: World;
let url: string;
let viewer: Record<string, string>;
/** Orders of 4, 90 and 100 items (an order holds at most 100). */
let small: string;
let large: string;
let largest: string;

const itemsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ productName: `商品${i + 1}`, quantity: 1, unitPrice: 100 + i }));

beforeAll(async () => {
  world = await startWorld();
  url = world.notification.url;
  viewer = await world.security.headersFor("viewer");
  [small, large, largest] = await Promise.all([world.createOrder({ items: itemsOf(4) }), world.createOrder({ items: itemsOf(90) }), world.createOrder({ items: itemsOf(100) })]);
  // One ordinary preview first, so the timings below measure the attack, not the first request's warm-up.
  await mustQuery(url, PREVIEW, { input: { subjectTemplate: "#{{order_id}}", bodyTemplate: "{{customer_name}} 様", orderId: small } }, viewer);
});
afterAll(() => world.stop());

const PREVIEW = `query ($input: PreviewTemplateInput!) { previewTemplate(input: $input) { subject body characterCount } }`;
const CREATE = `mutation ($input: CreateNotificationTemplateInput!) { createNotificationTemplate(input: $input) { name bodyTemplate } }`;
const UPDATE = `mutation ($input: UpdateNotificationTemplateInput!) { updateNotificationTemplate(input: $input) { name bodyTemplate } }`;
const MB = 1024 * 1024;

/** `inner` wrapped in `{{#each items}}` and `levels - 1` more `{{#each @root.items}}` inside it. */
const nestedEach = (levels: number, inner: string) => `{{#each items}}${"{{#each @root.items}}".repeat(levels - 1)}${inner}${"{{/each}}".repeat(levels)}`;
/** An inline e-mail preview as the viewer asks for it. */
const preview = (bodyTemplate: string, extra: Record<string, unknown> = {}) =>
  graphqlRequest(url, PREVIEW, { input: { subjectTemplate: "ご注文 #{{order_id}}", bodyTemplate, channel: "EMAIL", ...extra } }, viewer);

/** Runs `request`, answering how long it took and how much the heap grew meanwhile. */
async function measured<T>(request: () => Promise<T>): Promise<{ result: T; ms: number; heapGrowth: number }> {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = await request();
  return { result, ms: performance.now() - started, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
}

describe("the nested {{#each}} attack", () => {
  it("a viewer's 13 nested {{#each}} over a 4-item order answers BAD_USER_INPUT (depth) within 1 s, the heap staying small", async () => {
    const attack = nestedEach(13, "{{product_name}}");
    const { result, ms, heapGrowth } = await measured(() => preview(attack, { orderId: small }));
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "depth", max: 4, line: 1 } });
    expect(ms).toBeLessThan(1000);
    expect(heapGrowth).toBeLessThan(50 * MB);
  });

  it("the deepest nesting allowed over the largest order stops at the iteration limit within 1 s, the heap staying small", async () => {
    // 100 + 100² + 100³ + 100⁴ runs unbounded; the budget stops the rendering after 10,000.
    const { result, ms, heapGrowth } = await measured(() => preview(nestedEach(4, "{{product_name}} {{yen unit_price}}\n"), { orderId: largest }));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "iterations", max: 10_000 } });
    expect(ms).toBeLessThan(1000);
    expect(heapGrowth).toBeLessThan(50 * MB);
  });
});

describe("each rendering limit, named in the error", () => {
  it("depth: a fifth block inside four is refused, whatever the blocks; an {{else if}} chain adds no depth", async () => {
    const fifth = "{{#if order_id}}{{#with customer_name}}{{#unless status}}{{#each items}}\n{{#if @first}}最初{{/if}}{{/each}}{{/unless}}{{/with}}{{/if}}";
    const res = await preview(fifth);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "depth", max: 4, line: 2 } });
    expect(res.errors?.[0]?.message).toContain("nested more than 4 deep");
    const subject = await graphqlRequest(url, PREVIEW, { input: { subjectTemplate: fifth.replace("\n", ""), bodyTemplate: "本文", channel: "EMAIL" } }, viewer);
    expect(subject.errors?.[0]?.extensions).toMatchObject({ field: "input.subjectTemplate", params: { limit: "depth", max: 4 } });

    const chain = `{{#each items}}{{#if @first}}{{#unless @last}}{{#if quantity}}a{{else if unit_price}}b{{else if subtotal}}c{{else if product_name}}d{{else}}e{{/if}}{{/unless}}{{/if}}{{/each}}`;
    expect((await mustQuery(url, PREVIEW, { input: { subjectTemplate: "-", bodyTemplate: chain } }, viewer)).previewTemplate.body).toBe("a");
  });

  it("iterations: two nested {{#each}} render for the sample order but not for a 100-item one (100 + 100² runs)", async () => {
    const pairs = nestedEach(2, "{{product_name}}×{{@root.items.length}};");
    expect((await mustQuery(url, PREVIEW, { input: { subjectTemplate: "-", bodyTemplate: pairs } }, viewer)).previewTemplate.body).toBe(
      "有機緑茶 100g×2;南部鉄器 急須×2;".repeat(2),
    );
    const res = await preview(pairs, { orderId: largest });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "iterations", max: 10_000 } });
    expect(res.errors?.[0]?.message).toContain("more than 10,000 times");
  });

  it("outputLength: a body past 100,000 characters and a subject past 1,000 are refused while they grow", async () => {
    // 8 copies of 19,000 characters: 152,000, from only 14 iterations.
    const body = await preview(nestedEach(3, "あ".repeat(19_000)));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "outputLength", max: 100_000 } });
    // Four copies of 300 characters.
    const subject = await graphqlRequest(url, PREVIEW, { input: { subjectTemplate: nestedEach(2, "件".repeat(300)), bodyTemplate: "本文", channel: "EMAIL" } }, viewer);
    expect(subject.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate", params: { limit: "outputLength", max: 1_000 } });
    // Just inside both limits, it renders.
    const fits = await mustQuery(url, PREVIEW, { input: { subjectTemplate: nestedEach(2, "件".repeat(250)), bodyTemplate: nestedEach(2, "あ".repeat(19_000)) } }, viewer);
    expect(fits.previewTemplate).toMatchObject({ subject: "件".repeat(1000), characterCount: 76_000 });
  });

  it("renderTime: a template doing too much work per iteration is stopped after 250 ms", async () => {
    // 90 + 90² = 8,190 iterations (under the limit), each formatting the date 100 times: seconds of work, no output.
    const busy = nestedEach(2, "{{#if (datetime @root.updated_at)}}{{/if}}".repeat(100));
    const { result, ms } = await measured(() => preview(busy, { orderId: large }));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "renderTime", max: 250 } });
    // Parsing and compiling come on top of the 250 ms of rendering; a loaded machine is slower still.
    expect(ms).toBeLessThan(5000);
  });

  it("a stored template is held to the limits when it renders, even one saved before them", async () => {
    // Written straight into the database, as a template saved before the limit existed would be.
    await plantTemplate(world.notification.database, { name: "LEGACY_DEEP", subjectTemplate: "#{{order_id}}", bodyTemplate: nestedEach(13, "x"), channel: "EMAIL" });
    const res = await graphqlRequest(url, PREVIEW, { input: { templateName: "LEGACY_DEEP", orderId: small } }, viewer);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.templateName", params: { limit: "depth", max: 4 } });
  });
});

describe("saving", () => {
  const template = { name: "TOO_DEEP", subjectTemplate: "#{{order_id}}", channel: "EMAIL" };

  it("refuses to create or update a template whose blocks nest more than four deep, and keeps the stored one", async () => {
    const five = nestedEach(5, "{{product_name}}");
    const created = await graphqlRequest(url, CREATE, { input: { ...template, bodyTemplate: five } });
    expect(created.data).toBeNull();
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "depth", max: 4, line: 1 } });
    expect(await countTemplates(world.notification.database, "TOO_DEEP")).toBe(0);

    const four = nestedEach(4, "{{product_name}}");
    expect((await mustQuery(url, CREATE, { input: { ...template, bodyTemplate: four } })).createNotificationTemplate.bodyTemplate).toBe(four);
    const updated = await graphqlRequest(url, UPDATE, { input: { name: "TOO_DEEP", bodyTemplate: five } });
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "depth", max: 4 } });
    const stored = (await templateByName(world.notification.database.db, "TOO_DEEP"))!;
    expect(stored.bodyTemplate).toBe(four);
  });
});

describe("preview input length", () => {
  it("refuses an inline body over 20,000 characters or subject over 500, as saving does", async () => {
    const body = await preview("x".repeat(20_001));
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { max: 20_000 } });
    const subject = await graphqlRequest(url, PREVIEW, { input: { subjectTemplate: "件".repeat(501), bodyTemplate: "本文" } }, viewer);
    expect(subject.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate", params: { max: 500 } });
    // An SMS ignores its subject, but an oversized one is still refused rather than parsed.
    const sms = await graphqlRequest(url, PREVIEW, { input: { subjectTemplate: "件".repeat(501), bodyTemplate: "本文", channel: "SMS" } }, viewer);
    expect(sms.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate", params: { max: 500 } });
    // At the limit it renders.
    expect((await preview("x".repeat(20_000))).data?.previewTemplate.characterCount).toBe(20_000);
  });
});
