import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, loadSecrets, readStackConfig, signUserToken, writeApiKeyFile, type Role } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";
import { usersIn } from "./authUsers.js";
import { login, originOf, signIn, signInEveryRole, TEST_USERS, writeTestUsersFile, type SignedIn } from "./signIn.js";
import { postGraphQL, send } from "./testGateway.js";

// The whole stack as processes on a temp data directory, reached the way the admin UI and API
// clients reach it: sign in on the gateway, then GraphQL with the cookie, a bearer token or a key.
const world = tempDir();
const usersFile = path.join(world.dir, "users.json");
const NEWCOMER = { username: "newcomer", role: "operator" as Role, password: "password-given-by-admin", mustChangePassword: true };
const TARGET = { username: "target", role: "viewer" as Role, password: "target-password-right" };
const keys = { viewer: generateApiKey(), operator: generateApiKey() };
let stack: Stack;
let url: string;
let origin: string;
let as: Record<Role, SignedIn>;

beforeAll(async () => {
  // As an earlier version left them: the gateway imports the file into the auth database at start.
  await writeTestUsersFile(usersFile, [NEWCOMER, TARGET]);
  writeApiKeyFile(path.join(world.dir, "api-keys.json"), [
    { name: "reporting", role: "viewer", keyHash: hashApiKey(keys.viewer), createdAt: new Date().toISOString() },
    { name: "shop-bot", role: "operator", keyHash: hashApiKey(keys.operator), createdAt: new Date().toISOString() },
  ]);
  await Promise.all((["order", "payment", "notification"] as const).map((s) => freshDatabase(s, world.dir)));
  const env = isolatedStackEnv(world.dir);
  delete env.NODE_ENV;
  stack = await launchStack({ env, silent: true, skipMigrations: true });
  url = stack.gatewayUrl;
  origin = originOf(url);
  as = await signInEveryRole(url);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  world.cleanup();
});

const ORDERS = "{ orders(first: 5) { totalCount } }";
const CREATE_ORDER = `mutation { createOrder(input: { customerEmail: "auth@example.jp", customerName: "認証 確認", items: [{ productName: "玉露", quantity: 1, unitPrice: 3240 }] }) { id } }`;

function code(body: any): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

describe("POST /auth/login", () => {
  it("returns a bearer token and sets an HttpOnly, SameSite=Strict session cookie", async () => {
    const res = await login(url, TEST_USERS.operator.username, TEST_USERS.operator.password);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toEqual({ username: "test-operator", role: "operator", mustChangePassword: false });
    const ttl = (Date.parse(body.expiresAt) - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(880);
    expect(ttl).toBeLessThanOrEqual(900);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie.startsWith(`ops_session=${body.token};`)).toBe(true);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=(899|900)/);
    expect(cookie).not.toMatch(/Secure/); // COOKIE_SECURE is on in production only
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers a wrong password and an unknown user alike, with no cookie", async () => {
    const wrong = await login(url, TEST_USERS.viewer.username, "not-the-password");
    const unknown = await login(url, "no-such-user", "not-the-password");
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.json()).toEqual({ errors: [{ message: "The user name or password is wrong.", extensions: { code: "UNAUTHENTICATED" } }] });
    }
  });

  it("takes as long for an unknown user as for a wrong password (a dummy hash is verified)", async () => {
    const time = async (username: string) => {
      const started = performance.now();
      await login(url, username, "still-not-the-password");
      return performance.now() - started;
    };
    const known = Math.min(await time(TEST_USERS.admin.username), await time(TEST_USERS.admin.username));
    const unknown = Math.min(await time("nobody-here"), await time("nobody-here"));
    expect(unknown).toBeGreaterThan(known * 0.5);
  });

  it("refuses a body that is not JSON, or lacks a field", async () => {
    const form = await send(`${origin}/auth/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=a&password=b" });
    expect(form.status).toBe(415);
    expect(code(form.body)).toBe("UNSUPPORTED_MEDIA_TYPE");
    const missing = await send(`${origin}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "a" }) });
    expect(missing.status).toBe(400);
    expect(code(missing.body)).toBe("BAD_USER_INPUT");
  });
});

describe("GET /auth/me and POST /auth/logout", () => {
  it("names the caller from the bearer token, the cookie or an API key, and 401 otherwise", async () => {
    expect((await send(`${origin}/auth/me`, { headers: as.admin.headers })).body).toEqual({ user: { username: "test-admin", role: "admin", kind: "user", mustChangePassword: false } });
    expect((await send(`${origin}/auth/me`, { headers: { cookie: as.viewer.cookie } })).body.user.username).toBe("test-viewer");
    expect((await send(`${origin}/auth/me`, { headers: { authorization: `ApiKey ${keys.operator}` } })).body.user).toEqual({ username: "shop-bot", role: "operator", kind: "apikey", mustChangePassword: false });
    const anonymous = await send(`${origin}/auth/me`);
    expect(anonymous.status).toBe(401);
    expect(code(anonymous.body)).toBe("UNAUTHENTICATED");
  });

  it("signs out by clearing the cookie and revoking that session only", async () => {
    const session = await signIn(url, TEST_USERS.viewer.username, TEST_USERS.viewer.password);
    expect((await postGraphQL(url, ORDERS, session.headers)).status).toBe(200);
    const res = await fetch(`${origin}/auth/logout`, { method: "POST", headers: { "content-type": "application/json", cookie: session.cookie }, body: "{}" });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^ops_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    const refused = await postGraphQL(url, ORDERS, session.headers);
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0]).toEqual({ message: "This session was signed out: sign in again.", extensions: { code: "UNAUTHENTICATED" } });
    // The user's other session is untouched.
    expect((await postGraphQL(url, ORDERS, as.viewer.headers)).status).toBe(200);
  });
});

describe("GraphQL through the gateway", () => {
  it("accepts the bearer token and the session cookie alike", async () => {
    const bearer = await postGraphQL(url, ORDERS, as.viewer.headers);
    const cookie = await postGraphQL(url, ORDERS, { cookie: as.viewer.cookie });
    expect(bearer.body).toEqual({ data: { orders: { totalCount: expect.any(Number) } } });
    expect(cookie.body).toEqual(bearer.body);
  });

  it("refuses an anonymous operation with 401 before running it, but lets it introspect outside production", async () => {
    const res = await postGraphQL(url, ORDERS);
    expect(res.status).toBe(401);
    expect(code(res.body)).toBe("UNAUTHENTICATED");
    expect(res.body.data).toBeUndefined();
    expect((await postGraphQL(url, "{ __schema { queryType { name } } }")).body.data.__schema.queryType.name).toBe("Query");
  });

  it("refuses a forged, an expired or a malformed token, and an unknown API key, with 401 before execution", async () => {
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const forged = await signUserToken(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { name: "mallory", role: "admin", kind: "user" }, 600);
    const expired = await signUserToken(loadSecrets(world.dir, {}).jwtPrivateKey, { name: "test-admin", role: "admin", kind: "user" }, -30);
    const cases: [Record<string, string>, RegExp][] = [
      [{ authorization: `Bearer ${forged.token}` }, /not valid/],
      [{ authorization: `Bearer ${expired.token}` }, /expired/],
      [{ cookie: `ops_session=${expired.token}` }, /expired/],
      [{ authorization: "Bearer not.a.jwt" }, /not valid/],
      [{ authorization: `ApiKey ${generateApiKey()}` }, /API key is not valid/],
      [{ authorization: "Basic dXNlcjpwYXNz" }, /Unknown authorization scheme/],
    ];
    for (const [headers, message] of cases) {
      const res = await postGraphQL(url, CREATE_ORDER, headers);
      expect(res.status).toBe(401);
      expect(code(res.body)).toBe("UNAUTHENTICATED");
      expect(res.body.errors[0].message).toMatch(message);
      expect(res.body.data).toBeUndefined();
    }
  });

  it("lets each subgraph decide by role: FORBIDDEN names the role required", async () => {
    const viewerCreates = await postGraphQL(url, CREATE_ORDER, as.viewer.headers);
    expect(code(viewerCreates.body)).toBe("FORBIDDEN");
    expect(viewerCreates.body.errors[0].message).toMatch(/requires the operator role; you are signed in as viewer/);

    const orderId = (await postGraphQL(url, CREATE_ORDER, as.operator.headers)).body.data.createOrder.id;
    const paid = await postGraphQL(url, `mutation($o: ID!) { createPayment(input: { orderId: $o }) { id } }`, as.operator.headers, { o: orderId });
    const paymentId = paid.body.data.createPayment.id;
    expect((await postGraphQL(url, `mutation($id: ID!) { completePayment(id: $id) { status } }`, as.operator.headers, { id: paymentId })).body.data.completePayment.status).toBe("COMPLETED");

    const REFUND = `mutation($p: ID!) { refundPayment(input: { paymentId: $p, reason: "返品" }) { status } }`;
    const operatorRefunds = await postGraphQL(url, REFUND, as.operator.headers, { p: paymentId });
    expect(code(operatorRefunds.body)).toBe("FORBIDDEN");
    expect(operatorRefunds.body.errors[0].extensions.params).toEqual({ required: "admin", role: "operator" });
    expect((await postGraphQL(url, REFUND, as.admin.headers, { p: paymentId })).body.data.refundPayment.status).toBe("REFUNDED");

    const templates = await postGraphQL(url, "{ notificationTemplates { name } }", as.viewer.headers);
    expect(templates.body.data.notificationTemplates.length).toBeGreaterThan(0);
    const rewrite = `mutation { updateNotificationTemplate(input: { name: "ORDER_SHIPPED", subjectTemplate: "発送" }) { name } }`;
    expect(code((await postGraphQL(url, rewrite, as.operator.headers)).body)).toBe("FORBIDDEN");
  });

  it("forwards who is calling: the audit trail of the owning subgraph names the signed-in user", async () => {
    const orderId = (await postGraphQL(url, CREATE_ORDER, as.admin.headers)).body.data.createOrder.id;
    const audit = await postGraphQL(url, `query($id: String) { orderAuditLog(filter: { objectId: $id }) { edges { node { actor actorKind actorRole action outcome } } } }`, as.admin.headers, { id: orderId });
    expect(audit.body.data.orderAuditLog.edges.map((e: any) => e.node)).toEqual([
      { actor: "test-admin", actorKind: "user", actorRole: "admin", action: "createOrder", outcome: "SUCCESS" },
    ]);
  });

  it("accepts API keys with their own role", async () => {
    const viewerKey = { authorization: `ApiKey ${keys.viewer}` };
    expect((await postGraphQL(url, ORDERS, viewerKey)).body.data.orders.totalCount).toBeGreaterThan(0);
    expect(code((await postGraphQL(url, CREATE_ORDER, viewerKey)).body)).toBe("FORBIDDEN");
    expect((await postGraphQL(url, CREATE_ORDER, { authorization: `ApiKey ${keys.operator}` })).body.data.createOrder.id).toBeTruthy();
  });
});

describe("a user who must change the password", () => {
  it("is refused GraphQL (FORBIDDEN, PASSWORD_CHANGE_REQUIRED) until the password is changed", async () => {
    const first = await signIn(url, NEWCOMER.username, NEWCOMER.password);
    expect(first.user.mustChangePassword).toBe(true);
    for (const headers of [first.headers, { cookie: first.cookie }]) {
      const res = await postGraphQL(url, ORDERS, headers);
      expect(res.status).toBe(403);
      expect(res.body.errors[0].extensions).toEqual({ code: "FORBIDDEN", params: { reason: "PASSWORD_CHANGE_REQUIRED" } });
    }
    expect((await send(`${origin}/auth/me`, { headers: first.headers })).body.user.mustChangePassword).toBe(true);

    const change = (currentPassword: string, newPassword: string) =>
      send(`${origin}/auth/password`, { method: "POST", headers: { "content-type": "application/json", cookie: first.cookie }, body: JSON.stringify({ currentPassword, newPassword }) });
    const wrongCurrent = await change("not-my-password", "a brand new passphrase");
    expect(wrongCurrent.status).toBe(401);
    expect(wrongCurrent.body.errors[0].message).toBe("The current password is wrong.");
    for (const [newPassword, message] of [
      ["too-short", "The new password must have at least 12 characters."],
      [NEWCOMER.password, "The new password must differ from the current one."],
    ]) {
      const res = await change(NEWCOMER.password, newPassword!);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toEqual({ message, extensions: { code: "BAD_USER_INPUT", field: "newPassword" } });
    }

    const changed = await change(NEWCOMER.password, "a brand new passphrase");
    expect(changed.status).toBe(200);
    expect(changed.body.user).toEqual({ username: "newcomer", role: "operator", mustChangePassword: false });
    expect(changed.headers.get("set-cookie")).toContain(`ops_session=${changed.body.token};`);
    expect((await postGraphQL(url, ORDERS, { authorization: `Bearer ${changed.body.token}` })).body.data.orders.totalCount).toBeGreaterThan(0);

    expect((await login(url, NEWCOMER.username, NEWCOMER.password)).status).toBe(401);
    expect((await signIn(url, NEWCOMER.username, "a brand new passphrase")).user.mustChangePassword).toBe(false);
    const authTarget = readStackConfig(stack.env).authDatabase;
    const stored = (await usersIn(authTarget)).find((u) => u.username === "newcomer")!;
    expect(stored).toMatchObject({ mustChangePassword: false, passwordChangedAt: expect.any(String), tokenGeneration: 1 });
    if (authTarget.kind === "sqlite") expect(fs.statSync(authTarget.path).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(usersFile)).toBe(false);
    expect(fs.existsSync(`${usersFile}.imported`)).toBe(true);
  });

  it("has no password to change for an API key", async () => {
    const res = await send(`${origin}/auth/password`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `ApiKey ${keys.operator}` },
      body: JSON.stringify({ currentPassword: "x", newPassword: "a brand new passphrase" }),
    });
    expect(res.status).toBe(403);
  });
});

describe("brute-force sign-in", () => {
  it("locks the user name from this address after 5 failures, even for the right password, and the gateway stays healthy", async () => {
    for (let i = 0; i < 5; i++) expect((await login(url, TARGET.username, `guess-number-${i}`)).status).toBe(401);
    const locked = await login(url, TARGET.username, TARGET.password);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await locked.json()).toEqual({
      errors: [{ message: "Too many failed sign-in attempts: try again in 15 minutes.", extensions: { code: "TOO_MANY_REQUESTS", params: { retryAfterSeconds: retryAfter } } }],
    });
    expect(locked.headers.get("set-cookie")).toBeNull();

    expect((await fetch(`${origin}/health`)).status).toBe(200);
    expect((await signIn(url, TEST_USERS.viewer.username, TEST_USERS.viewer.password)).user.role).toBe("viewer");
    expect((await postGraphQL(url, ORDERS, as.viewer.headers)).status).toBe(200);
  });
});
