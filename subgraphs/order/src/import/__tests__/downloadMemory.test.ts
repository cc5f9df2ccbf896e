import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, ROUTER_SECRET_HEADER, signUserToken } from "@ops/service-kit";
import { isolatedStackEnv, migrateStack, startServiceProcess, type ServiceProcess } from "@ops/service-kit/stack";
import { freshTarget, mustQuery, tempDir } from "@ops/service-kit/testing";
import { HEADER } from "./importWorld.js";

// Downloads hold constant memory whatever the import's size: the order service runs as its own
// process (as in production) and its resident memory is read from /proc while four clients
// download the failed rows of a 200,000-row import whose every row failed.
const ROWS = 200_000;
const BUDGET_MB = 60;
const world = tempDir("ops-download-memory-");
let service: ServiceProcess;
let base: string;
let importId: string;
const headers: Record<string, string>[] = [];

/** The process's resident set size in MB (VmRSS). */
function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line![1]) / 1024;
}

/** Streams `url` to the end without keeping it; returns the bytes and line ends seen. */
async function drain(url: string, h: Record<string, string>): Promise<{ status: number; bytes: number; lines: number }> {
  const res = await fetch(url, { headers: h });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 0x0a) lines += 1;
  }
  return { status: res.status, bytes, lines };
}

beforeAll(async () => {
  const target = await freshTarget("order", world.dir);
  const database = target.kind === "sqlite" ? { ORDER_DB_PATH: target.path } : { ORDER_DATABASE_URL: target.url };
  const env = isolatedStackEnv(world.dir, { ...database, NODE_ENV: "development" });
  const secrets = loadSecrets(world.dir, env);
  await migrateStack(env);
  service = await startServiceProcess("order", env, { silent: true });
  base = service.url.replace(/\/graphql$/, "");
  for (const [i, role] of (["operator", "viewer", "viewer", "viewer"] as const).entries()) {
    const { token } = await signUserToken(secrets.jwtPrivateKey, { name: `memory-${i}`, role, kind: "user" }, 3600);
    headers.push({ authorization: `Bearer ${token}`, [ROUTER_SECRET_HEADER]: secrets.routerSecret });
  }
  const lines = [HEADER];
  for (let i = 0; i < ROWS; i++) lines.push(`M-${i},not-an-email-${i},顧客 ${i},=HYPERLINK("x"),1,500,JPY,,`);
  const { createImportUpload } = await mustQuery(service.url, `mutation { createImportUpload(filename: "all-failed.csv") { id uploadUrl } }`, {}, headers[0]);
  const put = await fetch(`${base}${createImportUpload.uploadUrl}`, { method: "PUT", headers: { ...headers[0], "content-type": "text/csv" }, body: `${lines.join("\r\n")}\r\n` });
  expect(put.status).toBe(201);
  const { startImport } = await mustQuery(service.url, `mutation($i: StartImportInput!) { startImport(input: $i) { id } }`, { i: { uploadId: createImportUpload.id } }, headers[0]);
  importId = startImport.id;
  for (;;) {
    const { import: job } = await mustQuery(service.url, `query($id: ID!) { import(id: $id) { status failureCount } }`, { id: importId }, headers[0]);
    if (job.status !== "PENDING" && job.status !== "RUNNING") {
      expect(job).toEqual({ status: "COMPLETED_WITH_ERRORS", failureCount: ROWS });
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}, 240_000);

afterAll(async () => {
  await service?.stop();
  world.cleanup();
});

describe("download memory", () => {
  for (const report of ["failed-rows.csv", "errors.csv"]) {
    it(`${report} of a ${ROWS.toLocaleString("en")}-row failed import, four at once: the service's RSS stays within +${BUDGET_MB} MB`, async () => {
      const pid = service.child.pid!;
      await new Promise((r) => setTimeout(r, 500));
      const before = rssMb(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
      try {
        const results = await Promise.all(headers.map((h) => drain(`${base}/imports/${importId}/${report}`, h)));
        for (const r of results) expect(r).toMatchObject({ status: 200, lines: 1 + ROWS });
        console.log(`${report}: 4 × ${(results[0]!.bytes / 1024 / 1024).toFixed(1)} MB; order service RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)})`);
      } finally {
        clearInterval(sampler);
      }
      expect(peak - before).toBeLessThanOrEqual(BUDGET_MB);
    }, 120_000);
  }
});
