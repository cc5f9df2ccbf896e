import crypto from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { send } from "./testGateway.js";

// The bulk import's file routes through the gateway against a hostile user: racing uploads,
// someone else's upload target, malformed download parameters and too many downloads at once.
// The order service decides; the gateway passes its answers through unchanged.
let stack: InProcessStack;
let origin: string;

const HEADER = "order_ref,customer_email,customer_name,product_name,quantity,unit_price,currency,payment_method,payment_status";
const sha256 = (bytes: Buffer | Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

/** Gateway headers of a signed-in user called `name` with `role`. */
async function user(name: string, role: "operator" | "viewer" = "operator") {
  return { authorization: (await stack.security.headersFor(role, { name })).authorization! };
}

async function uploadTarget(headers: Record<string, string>): Promise<{ id: string; uploadUrl: string }> {
  return (await mustQuery(stack.gateway.url, `mutation { createImportUpload(filename: "orders.csv") { id uploadUrl } }`, {}, headers)).createImportUpload;
}

function put(uploadUrl: string, body: BodyInit, headers: Record<string, string>) {
  return send(`${origin}${uploadUrl}`, { method: "PUT", headers: { ...headers, "content-type": "text/csv" }, body, duplex: "half" } as RequestInit);
}

/** The bytes stored for upload `id`, read where the order service keeps them: its disk on SQLite, the database's pieces on PostgreSQL. */
async function storedFile(id: string): Promise<Buffer> {
  const { db } = await stack.rows("order");
  const { path: file } = await db.selectFrom("import_uploads").select("path").where("id", "=", id).executeTakeFirstOrThrow();
  if (!String(file).startsWith("db:")) return fs.readFileSync(file);
  const pieces = await db.selectFrom("import_upload_chunks").select("bytes").where("upload_id", "=", id).orderBy("seq").execute();
  return Buffer.concat(pieces.map((p: { bytes: Buffer }) => p.bytes));
}

beforeAll(async () => {
  stack = await startInProcessStack();
  origin = new URL(stack.gateway.url).origin;
}, 60_000);
afterAll(() => stack?.stop());

describe("uploads through the gateway", () => {
  it("two concurrent PUTs to one target: one 201 and one 409; the stored file is the 201's", async () => {
    const owner = await user("racer");
    const target = await uploadTarget(owner);
    const bodies = [new Uint8Array(3 * 1024 * 1024).fill(0x61), new Uint8Array(2 * 1024 * 1024).fill(0x62)];
    const answers = await Promise.all(bodies.map((b) => put(target.uploadUrl, b, owner)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const won = answers.findIndex((a) => a.status === 201);
    expect((answers[1 - won]!.body as any).errors[0].extensions).toMatchObject({ code: "CONFLICT", field: "id" });
    const stored = await storedFile(target.id);
    expect(answers[won]!.body).toMatchObject({ id: target.id, size: stored.length, checksum: sha256(stored) });
    expect(sha256(stored)).toBe(sha256(bodies[won]!));
  });

  it("refuses someone else's target as NOT_FOUND, like an unknown one, and leaves it to its owner", async () => {
    const owner = await user("owner");
    const target = await uploadTarget(owner);
    const refused = await put(target.uploadUrl, "a,b\r\n", await user("intruder"));
    expect(refused.status).toBe(404);
    expect((refused.body as any).errors[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
    expect((await put(target.uploadUrl, "a,b\r\n", owner)).status).toBe(201);
  });
});

describe("downloads through the gateway", () => {
  let big: { id: string; failedRowsUrl: string };

  beforeAll(async () => {
    // A failed import whose failed rows (~21 MB: a long column the import ignores but the failed
    // rows keep) are far more than the sockets between a client and the service buffer.
    const owner = await user("importer");
    const rows = [`${HEADER},note`];
    for (let i = 0; i < 20_000; i++) rows.push(`B-${i},not-an-email-${i},大量 ${i},抹茶,1,500,JPY,,,${"x".repeat(1000)}`);
    const target = await uploadTarget(owner);
    expect((await put(target.uploadUrl, `${rows.join("\r\n")}\r\n`, owner)).status).toBe(201);
    const { startImport } = await mustQuery(stack.gateway.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id failedRowsUrl } }`, { i: { uploadId: target.id } }, owner);
    for (;;) {
      const { import: job } = await mustQuery(stack.gateway.url, `query($id: ID!) { import(id: $id) { status } }`, { id: startImport.id }, owner);
      if (job.status === "COMPLETED_WITH_ERRORS") break;
      expect(["PENDING", "RUNNING"]).toContain(job.status);
      await new Promise((r) => setTimeout(r, 200));
    }
    big = startImport;
  }, 120_000);

  it("passes the service's 400 through, naming the parameter; nothing reaches a header", async () => {
    const viewer = await user("reader", "viewer");
    const cases: [string, string][] = [
      ["/imports/abc/errors.csv", "id"],
      ["/imports/%E0/errors.csv", "id"],
      [`/imports/${big.id}/failed-rows.csv?encoding=latin1`, "encoding"],
      ["/exports/orders.csv?createdFrom=2026-13-01", "createdFrom"],
      ["/exports/orders.csv?status=LOST", "status"],
      ["/exports/orders.csv?customerName=a&customerName=b", "customerName"],
      ['/exports/orders.csv?batchId=";filename=evil.bat', "batchId"],
      ["/exports/orders.csv?batchId=%22%3Bfilename%3Devil.bat", "batchId"],
    ];
    for (const [url, field] of cases) {
      const res = await send(`${origin}${url}`, { headers: viewer });
      expect(res.status, url).toBe(400);
      expect((res.body as any).errors[0].extensions, url).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(res.headers.get("content-disposition"), url).toBeNull();
      expect(JSON.stringify(res.body)).not.toContain("evil.bat");
    }
  });

  it("passes a third concurrent download's 429 and its Retry-After through", async () => {
    const viewer = await stack.security.headersFor("viewer", { name: "hurried" });
    const direct = stack.urls.order.replace(/\/graphql$/, "") + big.failedRowsUrl;
    // Two downloads of this identity straight from the service, headers read, bodies not.
    const held = new AbortController();
    const open = await Promise.all([0, 1].map(() => fetch(direct, { headers: viewer, signal: held.signal })));
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    try {
      const third = await send(`${origin}${big.failedRowsUrl}`, { headers: { authorization: viewer.authorization! } });
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toBe("5");
      expect((third.body as any).errors[0].extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", params: { max: 2 } });
    } finally {
      held.abort();
    }
  });
});
