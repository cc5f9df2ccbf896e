/**
 * Two gateways behind a load balancer, on one PostgreSQL auth database, in front of the same
 * subgraphs: the sign-in lock and the GraphQL rate limit are counted once for both, and a
 * sign-out, password change, reset or removal on one is refused by the other and by every
 * subgraph (called directly, with the router secret) within a second.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuthDatabase, REPO_ROOT, type AuthDb } from "@ops/service-kit";
import { onPostgres } from "@ops/service-kit/testing";
import { readGatewayConfig } from "../config.js";
import { startGateway, type RunningGateway } from "../gatewayServer.js";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";
import { login, signIn, TEST_USERS, writeTestUsers, type SignedIn, type TestUser } from "./signIn.js";
import { postGraphQL, send } from "./testGateway.js";

const ORDERS = "{ orders(first: 1) { totalCount } }";
const LIMIT = 300;
const user = (username: string): TestUser => ({ username, role: "viewer", password: `${username}-password-for-tests` });
const USERS = { alice: user("alice"), bob: user("bob"), carol: user("carol"), dave: user("dave"), eve: user("eve"), counter: user("counter") };

let stack: InProcessStack;
let second: RunningGateway;
let secondDb: AuthDb;
let gateways: string[];

/** The status a subgraph (order) answers a direct call with `authorization`, as the router would send it. */
async function subgraphStatus(authorization: Record<string, string>): Promise<number> {
  const res = await send(stack.urls.order, {
    method: "POST",
    headers: { "content-type": "application/json", ...stack.security.routerOnly(), ...authorization },
    body: JSON.stringify({ query: ORDERS }),
  });
  return res.status;
}

/** Ms until every check answers 401 (asked every 20 ms); fails after 3 s. */
async function refusedAfter(checks: Array<() => Promise<number>>): Promise<number> {
  const start = performance.now();
  for (;;) {
    const statuses = await Promise.all(checks.map((c) => c()));
    if (statuses.every((s) => s === 401)) return performance.now() - start;
    if (performance.now() - start > 3000) throw new Error(`still answered ${statuses.join(", ")} after 3 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Everywhere a token is checked: gateway 2 and the order subgraph directly. */
const elsewhere = (session: SignedIn) => [async () => (await postGraphQL(gateways[1]!, ORDERS, session.headers)).status, () => subgraphStatus(session.headers)];

function script(name: string, args: string[]) {
  if (stack.authTarget.kind !== "postgres") throw new Error("the auth database is not PostgreSQL");
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "gateway", "scripts", `${name}.ts`), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: stack.dir, AUTH_DATABASE_URL: stack.authTarget.url },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!onPostgres)("two gateways on one PostgreSQL auth database (skipped unless npm run test:pg sets OPS_TEST_PG_ADMIN_URL)", () => {
  beforeAll(async () => {
    stack = await startInProcessStack({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    await writeTestUsers(stack.authTarget, Object.values(USERS));
    // The second gateway has its own connections, revocation list and rate-limit pool.
    secondDb = await openAuthDatabase(stack.authTarget);
    const config = readGatewayConfig({ DATA_DIR: stack.dir, API_KEYS_FILE: stack.security.apiKeysFile, RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    second = await startGateway({ port: 0, logLevel: "silent", subgraphUrls: stack.urls, security: config.security, secrets: stack.security.secrets, authDatabase: secondDb });
    gateways = [stack.gateway.url, second.url];
  }, 120_000);

  afterAll(async () => {
    await second?.stop();
    await secondDb?.close();
    await stack?.stop();
  });

  it("locks a user name after 5 failed sign-ins spread over both gateways, at either", async () => {
    for (let i = 0; i < 5; i++) expect((await login(gateways[i % 2]!, USERS.eve.username, `wrong-guess-${i}`)).status).toBe(401);
    for (const url of gateways) {
      const locked = await login(url, USERS.eve.username, USERS.eve.password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
      expect((await locked.json()).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    }
    // Someone else still signs in.
    expect((await signIn(gateways[1]!, TEST_USERS.viewer.username, TEST_USERS.viewer.password)).user.username).toBe("test-viewer");
  });

  it("counts a user's GraphQL requests per minute once for both gateways", async () => {
    const session = await signIn(gateways[0]!, USERS.counter.username, USERS.counter.password);
    for (let i = 0; i < LIMIT; i++) expect((await postGraphQL(gateways[i % 2]!, ORDERS, session.headers)).status).toBe(200);
    for (const url of gateways) {
      const refused = await postGraphQL(url, ORDERS, session.headers);
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: "TOO_MANY_REQUESTS", params: { limit: LIMIT } });
    }
  });

  it("refuses a signed-out token at the other gateway and at a subgraph within 1 s", async () => {
    const session = await signIn(gateways[0]!, USERS.alice.username, USERS.alice.password);
    const other = await signIn(gateways[1]!, USERS.alice.username, USERS.alice.password);
    expect((await postGraphQL(gateways[1]!, ORDERS, session.headers)).status).toBe(200);
    expect(await subgraphStatus(session.headers)).toBe(200);
    const out = await send(`${new URL(gateways[0]!).origin}/auth/logout`, { method: "POST", headers: { "content-type": "application/json", ...session.headers }, body: "{}" });
    expect(out.status).toBe(204);
    const ms = await refusedAfter([async () => (await postGraphQL(gateways[0]!, ORDERS, session.headers)).status, ...elsewhere(session)]);
    expect(ms).toBeLessThan(1000);
    const refused = await postGraphQL(gateways[1]!, ORDERS, session.headers);
    expect(refused.body.errors[0]).toEqual({ message: "This session was signed out: sign in again.", extensions: { code: "UNAUTHENTICATED" } });
    // The user's other session goes on.
    expect((await postGraphQL(gateways[1]!, ORDERS, other.headers)).status).toBe(200);
    expect(await subgraphStatus(other.headers)).toBe(200);
  });

  it("refuses every earlier token after a password change within 1 s, but not the token issued with it (same second)", async () => {
    const old = await signIn(gateways[1]!, USERS.bob.username, USERS.bob.password);
    const changed = await send(`${new URL(gateways[0]!).origin}/auth/password`, {
      method: "POST",
      headers: { "content-type": "application/json", ...old.headers },
      body: JSON.stringify({ currentPassword: USERS.bob.password, newPassword: "bob's brand new passphrase" }),
    });
    expect(changed.status).toBe(200);
    const ms = await refusedAfter(elsewhere(old));
    expect(ms).toBeLessThan(1000);
    const fresh = { authorization: `Bearer ${changed.body.token}` };
    const again = await signIn(gateways[1]!, USERS.bob.username, "bob's brand new passphrase");
    for (const headers of [fresh, again.headers]) {
      expect((await postGraphQL(gateways[1]!, ORDERS, headers)).status).toBe(200);
      expect(await subgraphStatus(headers)).toBe(200);
    }
  });

  it("refuses every token of a user after npm run user:reset-password within 1 s", async () => {
    const session = await signIn(gateways[0]!, USERS.carol.username, USERS.carol.password);
    const run = script("userResetPassword", ["carol"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const ms = await refusedAfter([async () => (await postGraphQL(gateways[0]!, ORDERS, session.headers)).status, ...elsewhere(session)]);
    expect(ms).toBeLessThan(1000);
    expect((await login(gateways[1]!, USERS.carol.username, USERS.carol.password)).status).toBe(401);
  });

  it("refuses every token of a user after npm run user:remove within 1 s, and the name can be given again", async () => {
    const session = await signIn(gateways[1]!, USERS.dave.username, USERS.dave.password);
    const run = script("userRemove", ["dave"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const ms = await refusedAfter([async () => (await postGraphQL(gateways[0]!, ORDERS, session.headers)).status, ...elsewhere(session)]);
    expect(ms).toBeLessThan(1000);
    expect((await login(gateways[0]!, USERS.dave.username, USERS.dave.password)).status).toBe(401);
    // A new user with the old name is not caught by the old revocation, and the old token stays refused.
    await writeTestUsers(stack.authTarget, [USERS.dave]);
    const newDave = await signIn(gateways[0]!, USERS.dave.username, USERS.dave.password);
    expect((await postGraphQL(gateways[1]!, ORDERS, newDave.headers)).status).toBe(200);
    expect((await postGraphQL(gateways[1]!, ORDERS, session.headers)).status).toBe(401);
  });
});
