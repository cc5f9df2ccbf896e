/**
 * `npm run seed:demo` (and the benchmarks) send their requests through `poster`, which waits out
 * the gateway's 429 for as long as Retry-After says and sends the request again, so seeding a demo
 * shop finishes on the default rate limit instead of dying part-way.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poster, retryDelayMs } from "../../scripts/demoShop.js";

let server: http.Server;
let url: string;
let limited = 0;
const seen: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(Date.now());
    req.resume();
    if (limited > 0) {
      limited -= 1;
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ errors: [{ message: "Too many requests", extensions: { code: "RATE_LIMITED" } }] }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: { ok: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("poster and the gateway's rate limit", () => {
  it("waits as long as Retry-After says, then sends the request again", async () => {
    limited = 2;
    seen.length = 0;
    const waits: number[] = [];
    const post = poster(url, {}, (ms) => waits.push(ms));
    await expect(post("{ ok }")).resolves.toEqual({ ok: true });
    expect(waits).toEqual([1000, 1000]);
    expect(seen).toHaveLength(3);
    expect(seen[2]! - seen[0]!).toBeGreaterThanOrEqual(1900);
  });

  it("reads Retry-After in seconds, caps it at a minute, and waits a second without one", () => {
    expect(retryDelayMs("7")).toBe(7000);
    expect(retryDelayMs("3600")).toBe(60_000);
    expect(retryDelayMs(null)).toBe(1000);
    expect(retryDelayMs("soon")).toBe(1000);
  });
});
