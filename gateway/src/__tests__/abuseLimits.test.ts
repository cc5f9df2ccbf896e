import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@ops/service-kit";
import type { RunningGateway } from "../gatewayServer.js";
import { signIn, TEST_USERS, writeTestUsers, type SignedIn } from "./signIn.js";
import { healthStatus, postGraphQL, send, testGateways } from "./testGateway.js";

// Each limit is triggered by a crafted request, answered with a clear error, and the gateway
// stays healthy. No subgraph runs: every request here is refused (or answered) by the gateway.
const world = testGateways();
let gateway: RunningGateway;
let admin: SignedIn;
let lastUsed: RunningGateway | undefined;

const FEDERATED = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount
  items { productName quantity unitPrice }
  payment { status amount transactionId refunds { amount reason } }
  notifications { templateName channel status subject } } } } }`;

beforeAll(async () => {
  await writeTestUsers(world.authTarget);
  gateway = await world.start();
  admin = await signIn(gateway.url, TEST_USERS.admin.username, TEST_USERS.admin.password);
});

afterAll(() => world.stopAll());

beforeEach(() => {
  lastUsed = gateway;
});

// Whatever a test sent, the gateway it used is still alive.
afterEach(async () => {
  expect(await healthStatus(lastUsed ?? gateway)).toBe(200);
});

function messages(body: any): string[] {
  return (body.errors ?? []).map((e: { message: string }) => e.message);
}

describe("query limits (graphql-armor)", () => {
  it("lets the federated 50-order query through (it fails later only because no subgraph runs)", async () => {
    const res = await postGraphQL(gateway.url, FEDERATED, admin.headers);
    expect(res.body.errors.map((e: any) => e.extensions.code)).toEqual(["SERVICE_UNAVAILABLE"]);
  });

  it("refuses the same query for 200 orders a page: costlier than MAX_COST (20000)", async () => {
    const res = await postGraphQL(gateway.url, FEDERATED.replace("first: 50", "first: 200"), admin.headers);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.body.errors[0].message).toMatch(/^Operation refused: Query Cost limit of 20000 exceeded, found 2\d{4}\. Split it into smaller operations\.$/);
  });

  it("refuses an operation nested deeper than MAX_DEPTH (12)", async () => {
    let nested = "id";
    for (let i = 0; i < 5; i++) nested = `payment { order { ${nested} } }`;
    const res = await postGraphQL(gateway.url, `{ orders(first: 1) { edges { node { ${nested} } } } }`, admin.headers);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(messages(res.body)).toContain("Operation refused: Query depth limit of 12 exceeded, found 14. Split it into smaller operations.");
  });

  it("refuses more than MAX_ALIASES (15) aliases", async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `o${i}: orders(first: 1) { totalCount }`).join(" ");
    const res = await postGraphQL(gateway.url, `{ ${aliases} }`, admin.headers);
    expect(res.status).toBe(400);
    expect(messages(res.body)).toEqual(["Operation refused: Aliases limit of 15 exceeded, found 16. Split it into smaller operations."]);
  });

  it("refuses more than MAX_DIRECTIVES (50) directives", async () => {
    const res = await postGraphQL(gateway.url, `{ ${"__typename @include(if: true) ".repeat(51)} }`, admin.headers);
    expect(res.status).toBe(400);
    expect(messages(res.body)).toEqual(["Operation refused: Directives limit of 50 exceeded, found 51. Split it into smaller operations."]);
  });

  it("refuses a document of more than MAX_TOKENS (2000) tokens while parsing it", async () => {
    const res = await postGraphQL(gateway.url, `{ ${"__typename ".repeat(2100)} }`, admin.headers);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(res.body.errors[0].message).toMatch(/2000 tokens/);
  });

  it("refuses a body over 1 MB with 413 and a GraphQL-shaped error, before reading it", async () => {
    const res = await postGraphQL(gateway.url, "{ __typename }", admin.headers, { padding: "x".repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.errors[0]).toEqual({
      message: "The request body is larger than the limit of 1048576 bytes.",
      extensions: { code: "PAYLOAD_TOO_LARGE", params: { max: 1048576 } },
    });
    // The connection stays usable for the next request.
    expect((await postGraphQL(gateway.url, "{ __typename }", admin.headers)).body).toEqual({ data: { __typename: "Query" } });
  });
});

describe("rate limit per identity", () => {
  it("answers 429 with Retry-After after RATE_LIMIT_PER_MINUTE requests, for that identity only", async () => {
    const limited = await world.start({ RATE_LIMIT_PER_MINUTE: "3" });
    lastUsed = limited;
    const mine = await signIn(limited.url, TEST_USERS.operator.username, TEST_USERS.operator.password);
    for (let i = 0; i < 3; i++) expect((await postGraphQL(limited.url, "{ __typename }", mine.headers)).status).toBe(200);
    const refused = await postGraphQL(limited.url, "{ __typename }", mine.headers);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors[0]).toEqual({
      message: `Too many requests: at most 3 per minute are allowed; retry in ${retryAfter} s.`,
      extensions: { code: "TOO_MANY_REQUESTS", params: { limit: 3, retryAfterSeconds: retryAfter } },
    });
    // The cookie carries the same identity: still limited.
    expect((await postGraphQL(limited.url, "{ __typename }", { cookie: mine.cookie })).status).toBe(429);
    // Another user is counted on their own.
    const other = await signIn(limited.url, TEST_USERS.viewer.username, TEST_USERS.viewer.password);
    expect((await postGraphQL(limited.url, "{ __typename }", other.headers)).body).toEqual({ data: { __typename: "Query" } });
  });

  it("counts anonymous callers and failed credentials by address", async () => {
    const limited = await world.start({ RATE_LIMIT_PER_MINUTE: "2" });
    lastUsed = limited;
    expect((await postGraphQL(limited.url, "{ __typename }")).status).toBe(200);
    expect((await postGraphQL(limited.url, "{ __typename }", { authorization: "Bearer forged" })).status).toBe(401);
    expect((await postGraphQL(limited.url, "{ __typename }", { authorization: "ApiKey guessed" })).status).toBe(429);
    expect((await postGraphQL(limited.url, "{ __typename }")).status).toBe(429);
  });
});

describe("CSRF prevention (Apollo's, kept on)", () => {
  const csrf = /blocked as a potential Cross-Site Request Forgery/;

  it("refuses a text/plain or form POST carrying the session cookie", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await send(gateway.url, { method: "POST", headers: { "content-type": type, cookie: admin.cookie }, body: JSON.stringify({ query: "{ __typename }" }) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(csrf);
    }
  });

  it("refuses a GET query without a preflight header, and runs it with one", async () => {
    const url = `${gateway.url}?query=${encodeURIComponent("{ __typename }")}`;
    const refused = await send(url, { headers: { cookie: admin.cookie } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toMatch(csrf);
    const allowed = await send(url, { headers: { cookie: admin.cookie, "apollo-require-preflight": "true" } });
    expect(allowed.body).toEqual({ data: { __typename: "Query" } });
  });

  it("checks credentials on GET queries too", async () => {
    const res = await send(`${gateway.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { authorization: "Bearer forged", "apollo-require-preflight": "true" } });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("introspection and the Sandbox page", () => {
  const INTROSPECTION = "{ __schema { queryType { name } } }";

  it("are on outside production: introspection answers, GET /graphql shows the Sandbox with a CSP widened to Apollo's CDN", async () => {
    expect((await postGraphQL(gateway.url, INTROSPECTION)).body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
    const page = await send(gateway.url, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.body).toContain("embeddable-sandbox.cdn.apollographql.com");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self' 'unsafe-inline' https://apollo-server-landing-page.cdn.apollographql.com");
  });

  it("are off with NODE_ENV=production", async () => {
    const production = await world.start({ NODE_ENV: "production" });
    lastUsed = production;
    const res = await postGraphQL(production.url, INTROSPECTION, admin.headers);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/introspection is not allowed/i);
    const page = await send(production.url, { headers: { accept: "text/html" } });
    expect(String(page.body)).not.toContain("apollographql.com");
    expect(page.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    // Field suggestions would leak the schema: masked.
    const typo = await postGraphQL(production.url, "{ order { id } ordrs { totalCount } }", admin.headers);
    expect(messages(typo.body).join(" ")).not.toMatch(/Did you mean/);
    // Served over HTTPS in production: the cookie is Secure, HSTS and upgrades are on.
    const session = await signIn(production.url, TEST_USERS.viewer.username, TEST_USERS.viewer.password);
    expect(session.setCookie).toMatch(/; Secure/);
    expect(page.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(page.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("can be enabled in production explicitly", async () => {
    const production = await world.start({ NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true", GRAPHQL_SANDBOX: "true" });
    lastUsed = production;
    expect((await postGraphQL(production.url, INTROSPECTION, admin.headers)).body.data.__schema.queryType.name).toBe("Query");
    expect((await send(production.url, { headers: { accept: "text/html" } })).body).toContain("embeddable-sandbox.cdn.apollographql.com");
  });
});

describe("CORS allowlist", () => {
  const ALLOWED = "https://admin.example.jp";
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" },
    });

  it("answers listed origins only, with credentials, never with *", async () => {
    const cors = await world.start({ CORS_ORIGINS: `${ALLOWED}, https://ops.example.jp` });
    lastUsed = cors;
    const ok = await preflight(cors.url, ALLOWED);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/authorization/);

    const post = await fetch(cors.url, { method: "POST", headers: { origin: ALLOWED, "content-type": "application/json", ...admin.headers }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(post.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(post.headers.get("vary")).toMatch(/origin/i);

    for (const origin of ["https://evil.example.com", "null", "https://admin.example.jp.evil.com"]) {
      const refused = await preflight(cors.url, origin);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
      expect(refused.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("sends no CORS headers at all by default (same origin only)", async () => {
    for (const origin of [ALLOWED, "https://evil.example.com"]) {
      expect((await preflight(gateway.url, origin)).headers.get("access-control-allow-origin")).toBeNull();
      const post = await fetch(gateway.url, { method: "POST", headers: { origin, "content-type": "application/json", ...admin.headers }, body: JSON.stringify({ query: "{ __typename }" }) });
      expect(post.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

describe("security headers", () => {
  it("serve the admin UI under a self-only CSP, and every answer with helmet's headers", async () => {
    const origin = new URL(gateway.url).origin;
    const answers = [
      await fetch(`${origin}/`),
      await fetch(`${origin}/app.js`),
      await fetch(`${origin}/health`),
      await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json", ...admin.headers }, body: JSON.stringify({ query: "{ __typename }" }) }),
      await fetch(`${origin}/auth/me`),
      await fetch(`${origin}/no-such-page`),
    ];
    for (const res of answers) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).not.toContain("unsafe-inline");
      // Express's own 404 page sets the stricter `default-src 'none'`.
      if (res.status === 404) expect(csp).toBe("default-src 'none'");
      else {
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
      }
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("the admin UI placeholder has no inline script or style, so the CSP does not break it", () => {
    const dir = path.join(REPO_ROOT, "admin-ui", "placeholder");
    const html = fs.readFileSync(path.join(dir, "index.html"), "utf8");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(fs.readFileSync(path.join(dir, "app.js"), "utf8")).not.toMatch(/\beval\(|new Function|innerHTML\s*=/);
  });
});
