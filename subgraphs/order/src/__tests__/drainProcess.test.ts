/**
 * SIGTERM drains a real order service process: `/ready` answers 503 "draining" at once (during
 * DRAIN_NOTICE_MS new connections are still accepted), then new connections are refused, the
 * upload in flight (a slow client's PUT) is received to its last byte, and the process exits 0.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, ROUTER_SECRET_HEADER, signUserToken } from "@ops/service-kit";
import { isolatedStackEnv, migrateStack, startServiceProcess, type ServiceProcess } from "@ops/service-kit/stack";
import { freshTarget, mustQuery, tempDir } from "@ops/service-kit/testing";
import { HEADER } from "../import/__tests__/importWorld.js";

const NOTICE_MS = 1_500;
const world = tempDir("ops-drain-process-");
let service: ServiceProcess;
let base: string;
let headers: Record<string, string>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a new connection to `url` is refused (nothing listens). */
async function refused(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return false;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
  }
}

beforeAll(async () => {
  const target = await freshTarget("order", world.dir);
  const database = target.kind === "sqlite" ? { ORDER_DB_PATH: target.path } : { ORDER_DATABASE_URL: target.url };
  const env = isolatedStackEnv(world.dir, { ...database, NODE_ENV: "development", LOG_LEVEL: "info", DRAIN_NOTICE_MS: String(NOTICE_MS), DRAIN_TIMEOUT_MS: "20000" });
  const secrets = loadSecrets(world.dir, env);
  await migrateStack(env);
  service = await startServiceProcess("order", env, { silent: true });
  base = service.url.replace(/\/graphql$/, "");
  const { token } = await signUserToken(secrets.jwtPrivateKey, { name: "drain-tester", role: "operator", kind: "user" }, 3600);
  headers = { authorization: `Bearer ${token}`, [ROUTER_SECRET_HEADER]: secrets.routerSecret };
}, 120_000);

afterAll(async () => {
  await service?.stop();
  world.cleanup();
});

describe("SIGTERM on an order service process", () => {
  it("says draining, refuses new connections, finishes the upload in flight, exits 0", async () => {
    const { createImportUpload } = await mustQuery(service.url, `mutation { createImportUpload(filename: "drain.csv") { id uploadUrl } }`, {}, headers);
    const rows = Array.from({ length: 2_000 }, (_, i) => `P-${i},p${i}@example.jp,顧客 ${i},煎茶,1,500,JPY,,`);
    const body = Buffer.from(`${[HEADER, ...rows].join("\r\n")}\r\n`);
    // A slow client: half the file now, the rest once the drain has begun.
    const put = http.request(`${base}${createImportUpload.uploadUrl}`, { method: "PUT", headers: { ...headers, "content-type": "text/csv", "content-length": body.length } });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      put.once("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.once("end", () => resolve({ status: res.statusCode!, body: text }));
      });
      put.once("error", reject);
    });
    const half = Math.floor(body.length / 2);
    await new Promise<void>((resolve) => put.write(body.subarray(0, half), () => resolve()));
    await sleep(200);

    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    await sleep(100);
    // Within the notice period: still accepting, but no longer ready.
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "draining", service: "order" });
    expect((await fetch(`${base}/health`)).status).toBe(200);

    // After it: new connections are refused, while the upload's connection stays open.
    while (!(await refused(`${base}/health`))) {
      if (Date.now() - signalledAt > NOTICE_MS + 5_000) throw new Error("the draining process kept accepting connections");
      await sleep(50);
    }
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(NOTICE_MS - 100);
    // It waits for the upload it is still receiving.
    await sleep(500);
    expect(service.child.exitCode).toBeNull();

    put.end(body.subarray(half));
    const answer = await answered;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ id: createImportUpload.id, size: body.length });
    expect(await service.exited).toEqual({ code: 0, signal: null });
    const logged = service.stderrTail(40).join("\n");
    for (const step of ["draining: /ready answers 503", "refusing new connections; in-flight requests finish", "in-flight requests finished", "database connections closed", '"msg":"stopped"']) {
      expect(logged).toContain(step);
    }
  }, 60_000);
});
