/**
 * `npm run test:soak [-- --minutes 2 --rows 200000]`: the whole stack as real processes under a
 * steady mixed query load for at least `--minutes`, while it imports a `--rows`-row CSV, runs
 * `npm run seed:demo`, imports a file with bad rows, streams every CSV download, and undoes the
 * big batch (a background job: ≈ 66,667 orders for 200,000 rows), following it to the end.
 * Fails (exit 1) when any process exits, any query of the load fails, or any step fails; prints
 * what was served and each process's peak memory.
 *
 * Written for the Node 24 move: better-sqlite3 12 on Node 24 aborted the order service within
 * seconds of `seed:demo` (`RemoveEnvironmentCleanupHook … (env) != nullptr`), a failure no
 * short test shows reliably.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, REPO_ROOT, writeApiKeyFile } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { GatewayClient } from "../scripts/gatewayClient.js";
import { writeImportFile } from "./importFile.js";
import { peakRssMb } from "./processMemory.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}
const MINUTES = arg("minutes", 2);
const ROWS = arg("rows", 200_000);
const CONCURRENCY = 4;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-soak-"));
const dataDir = path.join(dir, "data");
fs.mkdirSync(dataDir);
const apiKey = generateApiKey();
writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "soak", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
process.env.OPS_API_KEY = apiKey;

const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const t0 = performance.now();
const failures: string[] = [];

const env = isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200" });
const stack: Stack = await launchStack({ env, silent: true });
const stderrTails = new Map<string, string>();
let stopping = false;
for (const [name, proc] of Object.entries(stack.processes)) {
  proc.child.stderr?.on("data", (d: Buffer) => stderrTails.set(name, ((stderrTails.get(name) ?? "") + d.toString()).slice(-3000)));
  proc.child.once("exit", (code, signal) => {
    if (!stopping) failures.push(`${name} exited (code ${code}, signal ${signal})\n${stderrTails.get(name) ?? ""}`);
  });
}
log(`stack up on Node ${process.version}: ${stack.gatewayUrl}`);
const loadStarted = performance.now();

const client = new GatewayClient(stack.gatewayUrl, { script: "soak", command: "npm run test:soak", role: "admin", keyName: "soak" });
await client.signIn();

/** The steady load: what the admin UI's main pages and an API client ask, round robin. */
const LOAD: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  {
    name: "orders page (federated)",
    query: `{ orders(first: 50) { totalCount edges { node { id status totalAmount items { productName quantity } payment { status amount } notifications { status } } } } }`,
  },
  {
    name: "dashboard",
    query: `query($f: Date!, $t: Date!) {
      orderDays(from: $f, to: $t) { orders amount } paymentDays(from: $f, to: $t) { revenue refunds }
      pending: orders(first: 1, filter: { status: [PENDING] }) { totalCount } confirmed: orders(first: 1, filter: { status: [CONFIRMED] }) { totalCount }
    }`,
    variables: dayRange(),
  },
  { name: "imports", query: `{ imports(first: 20) { edges { node { id status rowsDone totalRows } } } }` },
  { name: "notifications", query: `{ notifications(first: 50) { edges { node { id status channel order { id customerName } } } } }` },
];
const latencies: number[] = [];
let served = 0;
let loadRunning = true;

function dayRange(): { f: string; t: string } {
  const day = (offset: number) => new Date(Date.now() + 9 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  return { f: day(-29), t: day(0) };
}

async function loadWorker(worker: number): Promise<void> {
  for (let i = worker; loadRunning; i++) {
    const op = LOAD[i % LOAD.length]!;
    const started = performance.now();
    try {
      await client.request(op.query, op.variables);
      latencies.push(performance.now() - started);
      served += 1;
    } catch (err) {
      failures.push(`load query "${op.name}" failed: ${err instanceof Error ? err.message : err}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function importFile(file: string, what: string): Promise<{ id: string; batchId: string; status: string }> {
  const size = fs.statSync(file).size;
  const { createImportUpload } = await client.request<{ createImportUpload: { id: string; uploadUrl: string } }>(
    `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`,
    { f: path.basename(file) },
  );
  await client.upload(file, size, createImportUpload.uploadUrl, () => undefined);
  const { startImport } = await client.request<{ startImport: { id: string; batchId: string } }>(
    `mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`,
    { i: { uploadId: createImportUpload.id } },
  );
  for (;;) {
    const { import: job } = await client.request<{ import: { status: string; rowsDone: number; totalRows: number } }>(
      `query($id: ID!) { import(id: $id) { status rowsDone totalRows } }`,
      { id: startImport.id },
    );
    if (!["PENDING", "RUNNING"].includes(job.status)) {
      log(`${what}: ${job.status}, ${job.rowsDone}/${job.totalRows} rows`);
      return { ...startImport, status: job.status };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function runSeedDemo(orders: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "seed:demo", "--", "--orders", String(orders)], {
      cwd: REPO_ROOT,
      env: { ...process.env, GATEWAY_URL: stack.gatewayUrl, OPS_API_KEY: apiKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
    child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seed:demo exited with ${code}:\n${output}`))));
  });
}

async function step(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    failures.push(`${name}: ${err instanceof Error ? err.message : err}`);
  }
}

/** Undoes `batchId` and follows the job until it ends; throws unless it completed. */
async function undoBatch(batchId: string): Promise<void> {
  const started = performance.now();
  const { undoImportBatch } = await client.request<{ undoImportBatch: { id: string; total: number } }>(
    `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id total } }`,
    { i: { batchId, reason: "soak test" } },
  );
  log(`undo ${undoImportBatch.id} of ${undoImportBatch.total} orders started`);
  let reported = 0;
  for (;;) {
    const { batchUndo: job } = await client.request<{ batchUndo: { status: string; done: number; total: number; cancelled: number; untouched: number } }>(
      `query($id: ID!) { batchUndo(id: $id) { status done total cancelled untouched } }`,
      { id: undoImportBatch.id },
    );
    if (!["PENDING", "RUNNING", "CANCELLING"].includes(job.status)) {
      const seconds = (performance.now() - started) / 1000;
      log(`undo: ${job.status} in ${seconds.toFixed(1)} s, ${job.cancelled} orders cancelled, ${job.untouched} untouched, order service peak RSS so far ${peakRssMb(stack.processes.order.child.pid!).toFixed(0)} MB`);
      if (job.status !== "COMPLETED" || job.done !== job.total) throw new Error(`ended ${job.status} at ${job.done}/${job.total}`);
      return;
    }
    if (job.done - reported >= 20_000) {
      reported = job.done;
      log(`undo: ${job.done}/${job.total}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const load = Array.from({ length: CONCURRENCY }, (_, i) => loadWorker(i));
let bigBatch: string | null = null;
try {
  await step(`import of ${ROWS} rows`, async () => {
    const file = path.join(dir, "big.csv");
    const written = writeImportFile(file, ROWS);
    const job = await importFile(file, `import of ${written.rows} rows (${written.orders} orders)`);
    if (job.status !== "COMPLETED") throw new Error(`ended ${job.status}`);
    bigBatch = job.batchId;
  });
  await step("seed:demo", async () => {
    await runSeedDemo(200);
    log("seed:demo: 200 orders");
  });
  await step("import with bad rows and downloads", async () => {
    const file = path.join(dir, "mixed.csv");
    writeImportFile(file, 3_000, 11);
    // Break a few orders: a quantity that is not a number, an e-mail without @.
    const lines = fs.readFileSync(file, "utf8").split("\r\n");
    for (const i of [5, 500, 2500]) lines[i] = lines[i]!.replace(/,(\d+),(\d+),JPY/, ",たくさん,$2,JPY");
    fs.writeFileSync(file, lines.join("\r\n"));
    const job = await importFile(file, "import with bad rows");
    if (job.status !== "COMPLETED_WITH_ERRORS") throw new Error(`expected COMPLETED_WITH_ERRORS, got ${job.status}`);
    for (const download of [`/imports/${job.id}/errors.csv`, `/imports/${job.id}/failed-rows.csv`, `/exports/orders.csv?batchId=${job.batchId}`]) {
      const dest = path.join(dir, "download.csv");
      await client.download(download, dest);
      log(`download ${download}: ${fs.statSync(dest).size} bytes`);
    }
  });
  await step(`undo of the ${ROWS}-row batch`, async () => {
    if (!bigBatch) throw new Error("the big import did not complete");
    await undoBatch(bigBatch);
  });
  while (performance.now() - loadStarted < MINUTES * 60_000 && failures.length === 0) {
    await new Promise((r) => setTimeout(r, 1000));
  }
} finally {
  loadRunning = false;
  await Promise.all(load);
  const rss = Object.entries(stack.processes).map(([name, p]) => `${name} ${peakRssMb(p.child.pid!).toFixed(0)}`);
  stopping = true;
  await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0).toFixed(0);
  log(`load: ${served} queries in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s at concurrency ${CONCURRENCY}, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms; peak RSS MB: ${rss.join(", ")}`);
}
if (failures.length) {
  console.error(`\nSOAK FAILED on Node ${process.version}:\n- ${failures.slice(0, 10).join("\n- ")}`);
  process.exit(1);
}
console.log(`\nSoak passed on Node ${process.version}: ${MINUTES} min, no process exited, every query answered.`);
