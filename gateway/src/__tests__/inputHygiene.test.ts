import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { postGraphQL, send } from "./testGateway.js";

// Hostile text through the gateway, as API clients send it: every stored text field refuses each
// class of bad character with BAD_USER_INPUT naming the field and the reason, and nothing is
// written. Then the request itself: lone surrogates and documents with several operations.
let stack: InProcessStack;
let url: string;
let admin: Record<string, string>;

beforeAll(async () => {
  stack = await startInProcessStack();
  url = stack.gateway.url;
  admin = await stack.as("admin");
});
afterAll(() => stack?.stop());

const query = <T = any>(q: string, variables: Record<string, unknown> = {}) => mustQuery<T>(url, q, variables, admin);

/** The one error of a refused request, with the HTTP status. */
async function refused(q: string, variables: Record<string, unknown>): Promise<{ status: number; error: any }> {
  const res = await postGraphQL(url, q, admin, variables);
  expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
  return { status: res.status, error: res.body.errors[0] };
}

// [what, text, reason, position of the bad character, the character]
const BAD: [string, string, string, number, string][] = [
  ["NUL", "山田\u0000太郎", "controlCharacter", 2, "U+0000"],
  ["an escape sequence", "\u001b[2J山田", "controlCharacter", 0, "U+001B"],
  ["CR LF inside", "山田\r\n太郎", "controlCharacter", 2, "U+000D"],
  ["a C1 control", "山田\u0085太郎", "controlCharacter", 2, "U+0085"],
  ["an RTL override", "山田\u202E郎太", "bidiControl", 2, "U+202E"],
  ["an isolate", "\u2067山田", "bidiControl", 0, "U+2067"],
];

const CREATE_ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`;
const GOOD_ORDER = { customerEmail: "hanako@example.jp", customerName: "鈴木 花子", items: [{ productName: "緑茶", quantity: 1, unitPrice: 1200 }] };
const orderCount = async () => (await query(`{ orders { totalCount } }`)).orders.totalCount as number;

describe("orders", () => {
  const withName = (text: string) => ({ ...GOOD_ORDER, customerName: text });
  const withEmail = (text: string) => ({ ...GOOD_ORDER, customerEmail: `hanako${text}@example.jp` });
  const withProduct = (text: string) => ({ ...GOOD_ORDER, items: [{ productName: text, quantity: 1, unitPrice: 1200 }] });

  it.each(BAD)("refuses a customer name, an e-mail address and a product name with %s, storing nothing", async (_what, text, reason, position, character) => {
    const before = await orderCount();
    for (const [input, field, at, label] of [
      [withName(text), "input.customerName", position, "customer name"],
      [withEmail(text), "input.customerEmail", position + "hanako".length, "e-mail address"],
      [withProduct(text), "input.items.0.productName", position, "product name"],
    ] as const) {
      const { error } = await refused(CREATE_ORDER, { input });
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field, params: { reason, position: at, character } });
      // The message names the value in words and says where the character is.
      expect(error.message).toMatch(new RegExp(`${label} contains .* at position ${at}`, "i"));
    }
    expect(await orderCount()).toBe(before);
  });

  it("accepts a name pasted with its line break (trimmed as before) and the Japanese e-mail addresses shops see", async () => {
    const { createOrder } = await query(CREATE_ORDER, { input: { ...GOOD_ORDER, customerName: "鈴木 花子\r\n", customerEmail: "Taro.Yamada+shop@Example.co.jp" } });
    const { order } = await query(`query($id: ID!) { order(id: $id) { customerName customerEmail } }`, { id: createOrder.id });
    expect(order).toEqual({ customerName: "鈴木 花子", customerEmail: "taro.yamada+shop@example.co.jp" });
  });

  it.each([["Hanako <hanako@example.jp>"], ['"hanako yamada"@example.jp'], ["hanako@[192.0.2.1]"], [`${"h".repeat(65)}@example.jp`]])(
    "refuses the e-mail address %s, storing nothing",
    async (customerEmail) => {
      const before = await orderCount();
      const { error } = await refused(CREATE_ORDER, { input: { ...GOOD_ORDER, customerEmail } });
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.customerEmail" });
      expect(await orderCount()).toBe(before);
    },
  );

  it("refuses a cancel reason with a bidi override and keeps the order; a CRLF reason is stored with LF", async () => {
    const { createOrder } = await query(CREATE_ORDER, { input: GOOD_ORDER });
    const cancel = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { status cancelReason } }`;
    const { error } = await refused(cancel, { input: { id: createOrder.id, reason: "在庫切れ\u202Eのため" } });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason", params: { reason: "bidiControl", position: 4 } });
    expect((await query(`query($id: ID!) { order(id: $id) { status cancelReason } }`, { id: createOrder.id })).order).toEqual({ status: "PENDING", cancelReason: null });
    const { cancelOrder } = await query(cancel, { input: { id: createOrder.id, reason: "在庫切れ\r\nお客様に連絡済み" } });
    expect(cancelOrder).toEqual({ status: "CANCELLED", cancelReason: "在庫切れ\nお客様に連絡済み" });
  });

  it("refuses an upload file name with an RTL override (it would show as another file type), creating no upload", async () => {
    const dir = path.join(stack.dir, "imports");
    const files = () => (fs.existsSync(dir) ? fs.readdirSync(dir).length : 0);
    const before = files();
    const { error } = await refused(`mutation($f: String!) { createImportUpload(filename: $f) { id } }`, { f: "orders\u202Evsc.exe" });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filename", params: { reason: "bidiControl", position: 6, character: "U+202E" } });
    expect(files()).toBe(before);
  });
});

describe("payments", () => {
  it("refuses a failure reason and a refund reason with control characters, leaving the payment as it was", async () => {
    const { createOrder } = await query(CREATE_ORDER, { input: GOOD_ORDER });
    const { createPayment } = await query(`mutation($o: ID!) { createPayment(input: { orderId: $o }) { id } }`, { o: createOrder.id });
    const payment = async () => (await query(`query($id: ID!) { payment(id: $id) { status failureReason refunds { reason } } }`, { id: createPayment.id })).payment;

    const fail = await refused(`mutation($i: FailPaymentInput!) { failPayment(input: $i) { status } }`, { i: { id: createPayment.id, reason: "カード会社\u0000拒否" } });
    expect(fail.error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason", params: { reason: "controlCharacter", position: 5, character: "U+0000" } });
    expect(await payment()).toEqual({ status: "PENDING", failureReason: null, refunds: [] });

    await query(`mutation($id: ID!) { completePayment(id: $id) { status } }`, { id: createPayment.id });
    const refund = await refused(`mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { status } }`, { i: { paymentId: createPayment.id, reason: "返品\u001b[8m" } });
    expect(refund.error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason", params: { reason: "controlCharacter", position: 2, character: "U+001B" } });
    expect(await payment()).toEqual({ status: "COMPLETED", failureReason: null, refunds: [] });
  });
});

describe("notifications", () => {
  const CREATE_TEMPLATE = `mutation($i: CreateNotificationTemplateInput!) { createNotificationTemplate(input: $i) { name subjectTemplate bodyTemplate } }`;
  const GOOD_TEMPLATE = { name: "HYGIENE_TEST", subjectTemplate: "ご案内 #{{order_id}}", bodyTemplate: "{{customer_name}} 様\nありがとうございます。", channel: "EMAIL" };
  const templateNames = async () => (await query(`{ notificationTemplates { name } }`)).notificationTemplates.map((t: { name: string }) => t.name).sort();

  it.each([
    ["a name with NUL", { name: "PROMO\u0000" }, "input.name", "controlCharacter", 5],
    ["a subject with a line break inside (a header injection)", { subjectTemplate: "件名\nBcc: all@example.jp" }, "input.subjectTemplate", "controlCharacter", 2],
    ["a body with ESC", { bodyTemplate: "本文\u001b[31m" }, "input.bodyTemplate", "controlCharacter", 2],
    ["a body with an RTL override", { bodyTemplate: "本文\u202E" }, "input.bodyTemplate", "bidiControl", 2],
  ])("refuses a template with %s, saving nothing", async (_what, change, field, reason, position) => {
    const before = await templateNames();
    const { error } = await refused(CREATE_TEMPLATE, { i: { ...GOOD_TEMPLATE, ...change } });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field, params: { reason, position } });
    expect(await templateNames()).toEqual(before);
  });

  it("keeps line feeds and tabs in a body and reads CRLF as LF", async () => {
    const { createNotificationTemplate } = await query(CREATE_TEMPLATE, { i: { ...GOOD_TEMPLATE, bodyTemplate: "{{customer_name}} 様\r\n\tありがとうございます。\r\n" } });
    expect(createNotificationTemplate.bodyTemplate).toBe("{{customer_name}} 様\n\tありがとうございます。\n");
  });

  it("refuses a phone number with a line break inside, sending nothing", async () => {
    const { createOrder } = await query(CREATE_ORDER, { input: GOOD_ORDER });
    const send = `mutation($i: SendNotificationInput!) { sendNotification(input: $i) { status } }`;
    const { error } = await refused(send, { i: { orderId: createOrder.id, templateName: "ORDER_CONFIRMATION", channel: "SMS", phoneNumber: "090-1234\n-5678" } });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.phoneNumber", params: { reason: "controlCharacter", position: 8 } });
    expect((await query(`query($id: ID!) { order(id: $id) { notifications { id } } }`, { id: createOrder.id })).order.notifications).toEqual([]);
  });
});

describe("the request itself", () => {
  // JSON.stringify writes a lone surrogate as a \uXXXX escape, which JSON.parse on the server
  // turns back into one: what a hostile client sends.
  const post = (target: string, body: Record<string, unknown>, headers: Record<string, string>) =>
    send(target, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("refuses a lone surrogate in the variables with BAD_USER_INPUT naming its path, storing nothing", async () => {
    const before = await orderCount();
    const input = { customerEmail: "a@example.jp", customerName: "山田", items: [{ productName: "茶\ud800", quantity: 1, unitPrice: 100 }] };
    const res = await postGraphQL(url, CREATE_ORDER, admin, { input });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: "variables.input.items.0.productName contains a lone surrogate (not valid Unicode) (U+D800) at position 1: send well-formed text",
          extensions: { code: "BAD_USER_INPUT", field: "variables.input.items.0.productName", params: { reason: "loneSurrogate", position: 1, character: "U+D800" } },
        },
      ],
    });
    expect(await orderCount()).toBe(before);
  });

  it.each([
    ["as a GraphQL escape", "\\udc00"],
    ["as such", "\udc00"],
  ])("refuses a lone surrogate in a literal, written %s, with BAD_USER_INPUT on the query and its position", async (_how, name) => {
    const before = await orderCount();
    const literal = `mutation { createOrder(input: { customerEmail: "a@example.jp", customerName: "${name}", items: [{ productName: "茶", quantity: 1, unitPrice: 100 }] }) { id } }`;
    const res = await postGraphQL(url, literal, admin);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", field: "query", params: { reason: "loneSurrogate", position: literal.indexOf(name), character: "U+DC00" } });
    expect(await orderCount()).toBe(before);
  });

  it("answers a subgraph called directly the same way (any router in front gets it)", async () => {
    const res = await postGraphQL(stack.urls.order, CREATE_ORDER, await stack.security.headersFor("admin"), { input: { customerEmail: "a@example.jp", customerName: "\udfff", items: [] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", field: "variables.input.customerName", params: { reason: "loneSurrogate", position: 0, character: "U+DFFF" } });
  });

  it("answers two operations without operationName with 400 and their names, at the gateway and at a subgraph", async () => {
    const TWO = "query A { __typename } query B { orders { totalCount } }";
    const expected = {
      errors: [{ message: "The document holds 2 operations (A, B): say which one to run with operationName.", extensions: { code: "BAD_REQUEST", field: "operationName", params: { operationNames: ["A", "B"] } } }],
    };
    const gateway = await postGraphQL(url, TWO, admin);
    expect(gateway.status).toBe(400);
    expect(gateway.body).toEqual(expected);
    const subgraph = await postGraphQL(stack.urls.order, TWO, await stack.security.headersFor("admin"));
    expect(subgraph.status).toBe(400);
    expect(subgraph.body).toEqual(expected);
    // Naming one runs it; naming one the document lacks is 400 too.
    const named = await post(url, { query: TWO, operationName: "A" }, admin);
    expect(named.body).toEqual({ data: { __typename: "Query" } });
    const unknown = await post(url, { query: TWO, operationName: "C" }, admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toEqual({
      message: 'The document has no operation named "C"; it holds A, B.',
      extensions: { code: "BAD_REQUEST", field: "operationName", params: { operationName: "C", operationNames: ["A", "B"] } },
    });
  });
});
