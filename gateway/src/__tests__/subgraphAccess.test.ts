import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, signUserToken, writeApiKeyFile, type Role } from "@ops/service-kit";
import { graphqlRequest, type TestSecurity } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

// Each subgraph protects itself, whatever router is in front: these requests go straight to the
// subgraph ports with the headers a router would (or would not) send.
let stack: InProcessStack;
let security: TestSecurity;
let urls: InProcessStack["urls"];
const as = (role: Role, name?: string) => security.headersFor(role, { name });

async function call(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const res = await graphqlRequest(url, query, variables, headers);
  return { data: res.data, code: res.errors?.[0]?.extensions?.code as string | undefined, message: res.errors?.[0]?.message ?? "" };
}

let orderId = "";
let paymentId = "";
const reportingKey = generateApiKey();

beforeAll(async () => {
  stack = await startInProcessStack();
  ({ security, urls } = stack);
  writeApiKeyFile(security.apiKeysFile, [{ name: "reporting", role: "viewer", keyHash: hashApiKey(reportingKey), createdAt: new Date().toISOString() }]);
  const admin = await as("admin");
  orderId = (await call(urls.order, `mutation { createOrder(input: { customerEmail: "r@example.jp", customerName: "権限 確認", items: [{ productName: "茶", quantity: 1, unitPrice: 1500 }] }) { id } }`, {}, admin)).data!.createOrder.id;
  paymentId = (await call(urls.payment, `mutation($o: ID!) { createPayment(input: { orderId: $o }) { id } }`, { o: orderId }, admin)).data!.createPayment.id;
  await call(urls.payment, `mutation($id: ID!) { completePayment(id: $id) { id } }`, { id: paymentId }, admin);
});

afterAll(() => stack?.stop());

describe("a subgraph called without the router", () => {
  it.each(["order", "payment", "notification"] as const)("%s refuses a request without the router secret, even with a valid token", async (name) => {
    const { authorization } = await as("admin");
    const res = await fetch(urls[name], { method: "POST", headers: { "content-type": "application/json", authorization: authorization! }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it.each(["order", "payment", "notification"] as const)("%s refuses a wrong router secret", async (name) => {
    const headers = { ...(await as("admin")), "x-router-secret": "guess" };
    expect((await call(urls[name], "{ __typename }", {}, headers)).code).toBe("UNAUTHENTICATED");
  });
});

describe("tokens", () => {
  it("refuses a token signed with another key, an expired one, and garbage", async () => {
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const forged = await signUserToken(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { name: "mallory", role: "admin", kind: "user" }, 600);
    const expired = await signUserToken(security.secrets.jwtPrivateKey, { name: "old", role: "admin", kind: "user" }, -10);
    for (const token of [forged.token, expired.token, "not.a.jwt"]) {
      const res = await call(urls.order, "{ orders { totalCount } }", {}, { ...security.routerOnly(), authorization: `Bearer ${token}` });
      expect(res.code).toBe("UNAUTHENTICATED");
    }
    const res = await call(urls.order, "{ orders { totalCount } }", {}, { ...security.routerOnly(), authorization: `Bearer ${expired.token}` });
    expect(res.message).toMatch(/expired/);
  });

  it("answers UNAUTHENTICATED per field when the router forwards no credentials", async () => {
    const res = await call(urls.payment, "{ payments { totalCount } }", {}, security.routerOnly());
    expect(res.code).toBe("UNAUTHENTICATED");
  });

  it("refuses everything but a password change to a user who must change it", async () => {
    const headers = await security.headersFor("admin", { mustChangePassword: true });
    const res = await call(urls.order, "{ orders { totalCount } }", {}, headers);
    expect(res.code).toBe("FORBIDDEN");
  });

  it("accepts an API key with its role, and refuses an unknown one", async () => {
    const headers = { ...security.routerOnly(), authorization: `ApiKey ${reportingKey}` };
    expect((await call(urls.order, "{ orders { totalCount } }", {}, headers)).data?.orders.totalCount).toBeGreaterThan(0);
    const write = await call(urls.order, `mutation { createOrder(input: { customerEmail: "k@example.jp", customerName: "鍵", items: [{ productName: "x", quantity: 1, unitPrice: 100 }] }) { id } }`, {}, headers);
    expect(write.code).toBe("FORBIDDEN");
    expect((await call(urls.order, "{ orders { totalCount } }", {}, { ...security.routerOnly(), authorization: `ApiKey ${generateApiKey()}` })).code).toBe("UNAUTHENTICATED");
  });
});

describe("roles per operation", () => {
  const createOrder = `mutation { createOrder(input: { customerEmail: "role@example.jp", customerName: "役割", items: [{ productName: "茶", quantity: 1, unitPrice: 800 }] }) { id } }`;

  it("order: viewers read, operators create, only admins confirm by hand", async () => {
    expect((await call(urls.order, "{ orders { totalCount } }", {}, await as("viewer"))).data?.orders.totalCount).toBeGreaterThan(0);
    const denied = await call(urls.order, createOrder, {}, await as("viewer"));
    expect(denied.code).toBe("FORBIDDEN");
    expect(denied.message).toMatch(/requires the operator role/);
    const created = await call(urls.order, createOrder, {}, await as("operator"));
    const id = created.data!.createOrder.id as string;
    const confirm = `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: CONFIRMED, reason: "入金確認" }) { status } }`;
    expect((await call(urls.order, confirm, { id }, await as("operator"))).code).toBe("FORBIDDEN");
    expect((await call(urls.order, confirm, { id }, await as("admin"))).data?.updateOrderStatus.status).toBe("CONFIRMED");
    const cancel = `mutation($id: ID!) { cancelOrder(input: { id: $id, reason: "返金" }) { status } }`;
    expect((await call(urls.order, cancel, { id }, await as("operator"))).code).toBe("FORBIDDEN");
  });

  it("payment: operators take payments, only admins refund", async () => {
    expect((await call(urls.payment, "{ payments { totalCount } }", {}, await as("viewer"))).data?.payments.totalCount).toBe(1);
    const refund = `mutation($id: ID!) { refundPayment(input: { paymentId: $id, reason: "返品" }) { status } }`;
    const denied = await call(urls.payment, refund, { id: paymentId }, await as("operator"));
    expect(denied).toMatchObject({ code: "FORBIDDEN" });
    expect(denied.message).toMatch(/requires the admin role/);
    expect((await call(urls.payment, refund, { id: paymentId }, await as("admin"))).data?.refundPayment.status).toBe("REFUNDED");
    const order = (await call(urls.order, createOrder, {}, await as("operator"))).data!.createOrder.id;
    const pay = `mutation($o: ID!) { createPayment(input: { orderId: $o }) { status } }`;
    expect((await call(urls.payment, pay, { o: order }, await as("viewer"))).code).toBe("FORBIDDEN");
    expect((await call(urls.payment, pay, { o: order }, await as("operator"))).data?.createPayment.status).toBe("PENDING");
  });

  it("notification: operators send, only admins edit templates", async () => {
    expect((await call(urls.notification, "{ notificationTemplates { name } }", {}, await as("viewer"))).data?.notificationTemplates).toHaveLength(3);
    const send = `mutation($o: ID!) { sendNotification(input: { orderId: $o, templateName: "ORDER_CONFIRMATION" }) { status } }`;
    expect((await call(urls.notification, send, { o: orderId }, await as("viewer"))).code).toBe("FORBIDDEN");
    expect((await call(urls.notification, send, { o: orderId }, await as("operator"))).data?.sendNotification.status).toBe("SENT");
    const edit = `mutation { updateNotificationTemplate(input: { name: "ORDER_SHIPPED", language: "ja" }) { name } }`;
    expect((await call(urls.notification, edit, {}, await as("operator"))).code).toBe("FORBIDDEN");
    expect((await call(urls.notification, edit, {}, await as("admin"))).data?.updateNotificationTemplate.name).toBe("ORDER_SHIPPED");
  });
});

describe("the audit trail", () => {
  it("records every mutation with its actor and outcome, readable by admins only", async () => {
    const headers = await as("operator", "sato");
    await call(urls.payment, `mutation($id: ID!) { refundPayment(input: { paymentId: $id, reason: "x" }) { id } }`, { id: paymentId }, headers);
    const log = `query($f: AuditFilter) { paymentAuditLog(filter: $f) { totalCount edges { node { service actor actorKind actorRole action objectType objectId outcome errorCode } } } }`;
    expect((await call(urls.payment, log, {}, await as("operator"))).code).toBe("FORBIDDEN");
    const res = await call(urls.payment, log, { f: { actor: "sato" } }, await as("admin"));
    expect(res.data?.paymentAuditLog.edges[0].node).toEqual({
      service: "payment", actor: "sato", actorKind: "user", actorRole: "operator", action: "refundPayment",
      objectType: "Payment", objectId: paymentId, outcome: "FAILURE", errorCode: "FORBIDDEN",
    });
    const orders = await call(urls.order, `query($f: AuditFilter) { orderAuditLog(filter: $f) { edges { node { actor action outcome objectId } } } }`, { f: { action: "createOrder", outcome: "SUCCESS" } }, await as("admin"));
    expect(orders.data?.orderAuditLog.edges.map((e: any) => e.node.actor)).toContain("test-operator");
    expect(orders.data?.orderAuditLog.edges.every((e: any) => e.node.objectId)).toBe(true);
  });

  it("shows service-to-service calls with the service identity", async () => {
    // The payment service read the order's total with its own token: reads are not audited,
    // but the order service saw a service caller; a service token is accepted as such.
    const token = await security.forService("payment").serviceHeaders();
    expect((await call(urls.order, `query($id: ID!) { order(id: $id) { totalAmount } }`, { id: orderId }, token)).data?.order.totalAmount).toBe(1500);
  });
});
