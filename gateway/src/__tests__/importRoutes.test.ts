import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, REPO_ROOT, writeApiKeyFile } from "@ops/service-kit";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { readGatewayConfig } from "../config.js";
import { startGateway, type RunningGateway } from "../gatewayServer.js";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { signIn, writeTestUsers, TEST_USERS } from "./signIn.js";
import { postGraphQL, send } from "./testGateway.js";

// The bulk import's file routes on the gateway, streamed to the order service, and a whole
// import through the public API: upload target, PUT, start, follow, the batch's orders.
const EXAMPLE = path.join(REPO_ROOT, "subgraphs", "order", "examples", "orders-example.csv");
const UPLOAD = "mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl method maxBytes expiresAt } }";
const IMPORT_FIELDS = "id batchId status phase totalRows rowsDone progress successCount failureCount ordersCreated validOrders elapsedSeconds rowsPerSecond message errorReportUrl failedRowsUrl";

let stack: InProcessStack;
let origin: string;
let operator: Record<string, string>;
let operatorKey: string;
let small: RunningGateway;

async function uploadTarget(headers: Record<string, string> = operator, filename = "orders.csv"): Promise<{ id: string; uploadUrl: string; method: string; maxBytes: number }> {
  return (await mustQuery(stack.gateway.url, UPLOAD, { f: filename }, headers)).createImportUpload;
}

function put(base: string, uploadUrl: string, body: BodyInit, headers: Record<string, string>) {
  return send(`${base}${uploadUrl}`, { method: "PUT", headers, body, duplex: "half" } as RequestInit);
}

/** A body sent chunked (no Content-Length), `chunks` pieces of `size` bytes. */
function chunkedBody(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(0x41));
    },
  });
}

async function waitForImport(id: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = (await mustQuery(stack.gateway.url, `query($id: ID!) { import(id: $id) { ${IMPORT_FIELDS} } }`, { id }, operator)).import;
    if (["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"].includes(job.status)) return job;
    if (Date.now() > end) throw new Error(`import ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startInProcessStack();
  origin = new URL(stack.gateway.url).origin;
  operator = await stack.as("operator");
  operatorKey = generateApiKey();
  writeApiKeyFile(stack.security.apiKeysFile, [{ name: "csv-import", role: "operator", keyHash: hashApiKey(operatorKey), createdAt: new Date().toISOString() }]);
  await writeTestUsers(stack.authTarget);
  // A second gateway in front of the same services, with a small upload limit.
  const config = readGatewayConfig({ DATA_DIR: stack.dir, API_KEYS_FILE: stack.security.apiKeysFile, IMPORT_MAX_BYTES: "1024", RATE_LIMIT_PER_MINUTE: "100000" });
  small = await startGateway({ port: 0, logLevel: "silent", subgraphUrls: stack.urls, security: config.security, secrets: stack.security.secrets, authDatabase: stack.authDatabase });
}, 60_000);

afterAll(async () => {
  await small?.stop();
  await stack?.stop();
});

describe("PUT /uploads/:id on the gateway", () => {
  it("streams the file to the order service for an operator's bearer token and for an API key", async () => {
    const bytes = fs.readFileSync(EXAMPLE);
    const target = await uploadTarget();
    expect(target).toMatchObject({ uploadUrl: `/uploads/${target.id}`, method: "PUT", maxBytes: 200 * 1024 * 1024 });
    const byToken = await put(origin, target.uploadUrl, bytes, { ...operator, "content-type": "text/csv" });
    expect(byToken.status).toBe(201);
    expect(byToken.body).toEqual({ id: target.id, filename: "orders.csv", size: bytes.length, checksum: crypto.createHash("sha256").update(bytes).digest("hex") });
    // The same security headers as every other answer of the gateway.
    expect(byToken.headers.get("x-content-type-options")).toBe("nosniff");
    expect(byToken.headers.get("content-security-policy")).toContain("default-src 'self'");

    const key = { authorization: `ApiKey ${operatorKey}` };
    const second = await uploadTarget(key, "second.csv");
    const byKey = await put(origin, second.uploadUrl, bytes, { ...key, "content-type": "application/octet-stream" });
    expect(byKey.status).toBe(201);
    expect(byKey.body.filename).toBe("second.csv");
  });

  it("refuses anonymous callers (401), viewers and users who must change their password (403)", async () => {
    const target = await uploadTarget();
    const anonymous = await put(origin, target.uploadUrl, "a,b\r\n", { "content-type": "text/csv" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const viewer = await put(origin, target.uploadUrl, "a,b\r\n", { ...(await stack.as("viewer")), "content-type": "text/csv" });
    expect(viewer.status).toBe(403);
    expect(viewer.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", params: { required: "operator", role: "viewer" } });
    const stale = await stack.security.headersFor("operator", { mustChangePassword: true });
    const mustChange = await put(origin, target.uploadUrl, "a,b\r\n", { authorization: stale.authorization!, "content-type": "text/csv" });
    expect(mustChange.status).toBe(403);
    expect(mustChange.body.errors[0].extensions.params.reason).toBe("PASSWORD_CHANGE_REQUIRED");
    const forged = await put(origin, target.uploadUrl, "a,b\r\n", { authorization: "ApiKey ops_not-a-key", "content-type": "text/csv" });
    expect(forged.status).toBe(401);
    // None of them reached the file: the target still takes one.
    expect((await put(origin, target.uploadUrl, "a,b\r\n", { ...operator, "content-type": "text/csv" })).status).toBe(201);
  });

  it("passes the order service's answers through: unknown target 404, a second file 409", async () => {
    const unknown = await put(origin, `/uploads/${crypto.randomUUID()}`, "a,b\r\n", { ...operator, "content-type": "text/csv" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/json/);
    expect(unknown.body.errors[0].extensions.code).toBe("NOT_FOUND");
    const target = await uploadTarget();
    expect((await put(origin, target.uploadUrl, "a,b\r\n", { ...operator, "content-type": "text/csv" })).status).toBe(201);
    const again = await put(origin, target.uploadUrl, "c,d\r\n", { ...operator, "content-type": "text/csv" });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].extensions.code).toBe("CONFLICT");
  });

  it("takes the session cookie, with the same CSRF rule as GraphQL", async () => {
    const session = await signIn(stack.gateway.url, TEST_USERS.operator.username, TEST_USERS.operator.password);
    const target = await uploadTarget({ authorization: `Bearer ${session.token}` });
    const form = await put(origin, target.uploadUrl, "a,b\r\n", { cookie: session.cookie, "content-type": "text/plain" });
    expect(form.status).toBe(400);
    expect(form.body.errors[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" }, message: expect.stringContaining("CSRF") });
    const untyped = await put(origin, target.uploadUrl, new Blob(["a,b\r\n"]), { cookie: session.cookie });
    expect(untyped.status).toBe(400);
    const csv = await put(origin, target.uploadUrl, "a,b\r\n", { cookie: session.cookie, "content-type": "text/csv" });
    expect(csv.status).toBe(201);
  });

  it("enforces IMPORT_MAX_BYTES itself: a declared length over it, and a chunked body that grows past it (413)", async () => {
    const smallOrigin = new URL(small.url).origin;
    const target = await uploadTarget();
    const declared = await put(smallOrigin, target.uploadUrl, Buffer.alloc(2048, 0x41), { ...operator, "content-type": "text/csv" });
    expect(declared.status).toBe(413);
    expect(declared.body.errors[0].extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", params: { max: 1024 } });
    const chunked = await put(smallOrigin, target.uploadUrl, chunkedBody(64, 256), { ...operator, "content-type": "text/csv" });
    expect(chunked.status).toBe(413);
    expect(chunked.body.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    // The order service never completed the cut-off file: the target still takes one.
    const fits = await put(smallOrigin, target.uploadUrl, chunkedBody(2, 256), { ...operator, "content-type": "text/csv" });
    expect(fits.status).toBe(201);
    expect(fits.body.size).toBe(512);
  });

  it("is exempt from the 1 MB GraphQL body limit", async () => {
    const target = await uploadTarget();
    const big = Buffer.alloc(3 * 1024 * 1024, 0x41);
    const res = await put(origin, target.uploadUrl, big, { ...operator, "content-type": "text/csv" });
    expect(res.status).toBe(201);
    expect(res.body.size).toBe(big.length);
  });
});

describe("an import through the gateway", () => {
  let job: Record<string, any>;

  it("createImportUpload → PUT the example file → startImport → import(id) until it finishes", async () => {
    const target = await uploadTarget(operator, "orders-example.csv");
    const res = await put(origin, target.uploadUrl, fs.readFileSync(EXAMPLE), { ...operator, "content-type": "text/csv" });
    expect(res.status).toBe(201);
    const started = (await mustQuery(stack.gateway.url, `mutation($i: StartImportInput!) { startImport(input: $i) { ${IMPORT_FIELDS} } }`, { i: { uploadId: target.id } }, operator)).startImport;
    expect(["PENDING", "RUNNING"]).toContain(started.status);
    job = await waitForImport(started.id);
    expect(job).toMatchObject({ status: "COMPLETED", totalRows: 10, successCount: 10, failureCount: 0, ordersCreated: 6, progress: 1 });
    expect(job.errorReportUrl).toBe(`/imports/${job.id}/errors.csv`);
  });

  it("leaves the batch's orders, each with its importBatch, items as the file had them", async () => {
    const data = await mustQuery(
      stack.gateway.url,
      `query($b: ID!) { orders(first: 50, filter: { batchId: $b }) { totalCount edges { node { customerName totalAmount importBatch { batchId } items { productName quantity unitPrice } } } } }`,
      { b: job.batchId },
      operator,
    );
    expect(data.orders.totalCount).toBe(6);
    const orders = data.orders.edges.map((e: any) => e.node);
    expect(orders.every((o: any) => o.importBatch?.batchId === job.batchId)).toBe(true);
    const yamada = orders.find((o: any) => o.customerName === "山田 太郎");
    expect(yamada.items).toHaveLength(3);
    expect(yamada.totalAmount).toBe(2 * 1280 + 3300 + 4400);
    expect(orders.find((o: any) => o.customerName === "佐藤 花子").items.map((i: any) => i.productName)).toContain("京都 八ツ橋 詰め合わせ, 12個入り");
  });

  it("keeps a batch's orders and confirmations when the payment service is down, its payments null with the reason", async () => {
    await stack.settled();
    const query = `query($b: ID!) { importBatch(batchId: $b) { orderCount payments(first: 5) { totalCount } notificationCounts { sent } } }`;
    await stack.stopService("payment");
    try {
      const res = await graphqlRequest(stack.gateway.url, query, { b: job.batchId }, operator);
      expect(res.data?.importBatch).toEqual({ orderCount: 6, payments: null, notificationCounts: { sent: 6 } });
      expect((res.errors ?? []).map((e: any) => e.extensions)).toEqual([expect.objectContaining({ code: "SERVICE_UNAVAILABLE", service: "payment" })]);
    } finally {
      await stack.startService("payment");
    }
    const whole = await mustQuery(stack.gateway.url, query, { b: job.batchId }, operator);
    expect(whole.importBatch.payments.totalCount).toBe(4);
  });

  it("gives the example's orders their payments (completed unless pending) and confirmations, across the services", async () => {
    await stack.settled();
    const data = await mustQuery(
      stack.gateway.url,
      `query($b: ID!) { orders(first: 50, filter: { batchId: $b }) { edges { node { customerName status payment { status paymentMethod } notifications { templateName } } } } }`,
      { b: job.batchId },
      operator,
    );
    const byName = Object.fromEntries(data.orders.edges.map((e: any) => [e.node.customerName, e.node]));
    expect(byName["山田 太郎"].payment).toEqual({ status: "COMPLETED", paymentMethod: "credit_card" });
    expect(byName["佐藤 花子"].payment).toEqual({ status: "PENDING", paymentMethod: "bank_transfer" });
    expect(byName["高橋 さくら"].payment).toEqual({ status: "COMPLETED", paymentMethod: "konbini" });
    expect(byName["鈴木 一郎"].payment).toBeNull();
    // A completed payment confirms its order through the normal flow; a pending one leaves it pending.
    expect([byName["山田 太郎"].status, byName["佐藤 花子"].status, byName["鈴木 一郎"].status]).toEqual(["CONFIRMED", "PENDING", "PENDING"]);
    expect(byName["伊藤 美咲"].payment).toBeNull();
    for (const order of Object.values(byName) as any[]) expect(order.notifications.map((n: any) => n.templateName)).toContain("ORDER_CONFIRMATION");
  });

  it("streams the error report, the failed rows and the export through, as CSV attachments", async () => {
    const viewer = await stack.as("viewer");
    const report = await fetch(`${origin}${job.errorReportUrl}`, { headers: viewer });
    expect(report.status).toBe(200);
    expect(report.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(report.headers.get("content-disposition")).toBe(`attachment; filename="import-${job.id}-errors.csv"; filename*=UTF-8''orders-example-errors.csv`);
    expect(report.headers.get("cache-control")).toBe("no-store");
    // UTF-8 with a BOM, so Excel opens it (fetch's text() would drop the BOM).
    expect(Buffer.from(await report.arrayBuffer()).toString("latin1")).toBe("\xEF\xBB\xBFrow_number,column,value,reason\r\n");

    const failed = await send(`${origin}${job.failedRowsUrl}`, { headers: viewer });
    expect(failed.status).toBe(200);
    expect(failed.headers.get("content-type")).toMatch(/^text\/csv/);

    const exported = await fetch(`${origin}/exports/orders.csv?batchId=${job.batchId}&encoding=cp932`, { headers: viewer });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("text/csv; charset=shift_jis");
    const text = new TextDecoder("shift_jis").decode(await exported.arrayBuffer());
    expect(text.split("\r\n")[0]).toBe("order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency");
    expect(text).toContain("EX-1001,taro.yamada@example.jp,山田 太郎,");
    expect(text.trim().split("\r\n")).toHaveLength(1 + 10);
  });

  it("signs the downloads in like GraphQL: anonymous 401, unknown import 404 from the service", async () => {
    const anonymous = await send(`${origin}${job.errorReportUrl}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect((await send(`${origin}/exports/orders.csv`)).status).toBe(401);
    const unknown = await send(`${origin}/imports/999999/errors.csv`, { headers: operator });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("answers 502 SERVICE_UNAVAILABLE when the order service is down", async () => {
    await stack.stopService("order");
    try {
      const res = await send(`${origin}/exports/orders.csv`, { headers: operator });
      expect(res.status).toBe(502);
      expect(res.body.errors[0].extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", params: { service: "order" } });
    } finally {
      await stack.startService("order");
    }
  });
});

describe("GraphQL stays as it was", () => {
  it("still refuses a GraphQL body over MAX_BODY_BYTES", async () => {
    const res = await postGraphQL(stack.gateway.url, `{ __typename } #${"x".repeat(1024 * 1024)}`, operator);
    expect(res.status).toBe(413);
  });
});
