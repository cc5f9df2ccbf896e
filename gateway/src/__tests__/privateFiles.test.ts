import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, signUserToken } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { freshDatabase, mustQuery, onPostgres, tempDir } from "@ops/service-kit/testing";
import { send } from "./testGateway.js";

// What `npm start` writes holds customers' names, addresses and orders, and credentials: on a
// shared machine no other account may read it. The stack runs as processes (the umask is
// per process) from a data directory holding files a looser umask wrote earlier.
const world = tempDir();
const dir = world.dir;
const mode = (file: string) => fs.statSync(file).mode & 0o777;
let stack: Stack;
let headers: Record<string, string>;

beforeAll(async () => {
  if (onPostgres) return;
  // Left by an older version, or copied in: readable by everyone.
  fs.mkdirSync(path.join(dir, "outbox"), { mode: 0o700 });
  fs.writeFileSync(path.join(dir, "outbox", "notifications.jsonl"), "", { mode: 0o644 });
  fs.writeFileSync(path.join(dir, "api-keys.json"), "[]", { mode: 0o644 });
  fs.chmodSync(path.join(dir, "api-keys.json"), 0o644);
  expect(mode(path.join(dir, "api-keys.json"))).toBe(0o644);
  // Migrated databases as `npm run migrate` from a shell with umask 022 leaves them.
  for (const name of ["order", "payment", "notification", "auth"] as const) fs.chmodSync(await freshDatabase(name, dir), 0o644);
  const env = isolatedStackEnv(dir, { NODE_ENV: "development" });
  stack = await launchStack({ env, silent: true, skipMigrations: true });
  const { token } = await signUserToken(loadSecrets(dir, env).jwtPrivateKey, { name: "files-test", role: "admin", kind: "user" }, 600);
  headers = { authorization: `Bearer ${token}` };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  world.cleanup();
});

describe("the data a started stack keeps", () => {
  // SQLite only: the databases are files here; on PostgreSQL the server keeps them.
  it.skipIf(onPostgres)("is readable by its owner only: databases (users in auth.db), WAL files, outbox, uploads, keys and secrets", async () => {
    const { createOrder } = await mustQuery(
      stack.gatewayUrl,
      `mutation { createOrder(input: { customerEmail: "files@example.jp", customerName: "権限 確認", items: [{ productName: "煎茶", quantity: 1, unitPrice: 1280 }] }) { id } }`,
      {},
      headers,
    );
    const sent = await mustQuery(stack.gatewayUrl, `mutation($o: ID!) { sendNotification(input: { orderId: $o, templateName: "ORDER_CONFIRMATION" }) { status } }`, { o: createOrder.id }, headers);
    expect(sent.sendNotification.status).toBe("SENT");
    const { createImportUpload } = await mustQuery(stack.gatewayUrl, `mutation { createImportUpload(filename: "orders.csv") { id uploadUrl } }`, {}, headers);
    const put = await send(`${new URL(stack.gatewayUrl).origin}${createImportUpload.uploadUrl}`, {
      method: "PUT",
      headers: { ...headers, "content-type": "text/csv" },
      body: "customer_email,customer_name,product_name,quantity,unit_price\r\nfiles@example.jp,権限 確認,煎茶,1,1280\r\n",
    });
    expect(put.status).toBe(201);

    const files: string[] = [];
    for (const name of ["order_service", "payment_service", "notification_service", "auth"]) {
      const db = path.join(dir, `${name}.db`);
      // WAL mode: the database, its write-ahead log and its shared-memory index.
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        expect(fs.existsSync(file), file).toBe(true);
        files.push(file);
      }
    }
    const outbox = path.join(dir, "outbox", "notifications.jsonl");
    expect(fs.readFileSync(outbox, "utf8")).toContain("files@example.jp");
    const imports = path.join(dir, "imports");
    const uploaded = fs.readdirSync(imports).map((f) => path.join(imports, f));
    expect(uploaded.length).toBe(1); // the upload's file (its target is a row of import_uploads)
    files.push(outbox, ...uploaded, path.join(dir, "api-keys.json"), path.join(dir, "secrets.json"));

    expect(Object.fromEntries(files.map((f) => [path.relative(dir, f), mode(f).toString(8)]))).toEqual(Object.fromEntries(files.map((f) => [path.relative(dir, f), "600"])));
    expect(mode(imports).toString(8)).toBe("700");
  });
});
