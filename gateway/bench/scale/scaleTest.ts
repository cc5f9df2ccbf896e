/**
 * `npm run test:scale [-- --orders 1000000]`: the whole stack over a shop of a million orders
 * (payments, notifications, a 300,000-order imported batch), under a steady load of the admin UI's
 * main pages four at a time for the whole run, while it answers the consistency report, streams
 * every CSV download four at a time, previews templates (a hostile one too), refuses hostile CSV
 * files, imports 200,000 rows, runs `npm run seed:demo`, and undoes the 300,000-order batch.
 * Each process's memory is watched. Fails (exit 1) when a process exits, an answer is an error or
 * slower than its bound, or a service's peak RSS passes 300 MB.
 *
 * It is also the Node 24 soak: better-sqlite3 12 aborted the order service within seconds under
 * this kind of load on Node 24 (the load runs ≥ 2 minutes).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "@ops/service-kit";
import { rng } from "../../scripts/demoShop.js";
import { GatewayError, type GatewayClient } from "../../scripts/gatewayClient.js";
import { writeImportFile } from "../importFile.js";
import { mainPages, timing } from "./pages.js";
import { startScaleStack } from "./scaleStack.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
  return value;
}
const ORDERS = arg("orders", 1_000_000);
const BATCH = Math.floor(ORDERS * 0.3);
/** Every page of the steady load answers within this (a loaded 2-core machine; bench:scale measures the real p99). */
const PAGE_BOUND_MS = 3_000;
const REPORT_BOUND_MS = 1_000;
const RSS_LIMIT_MB = 300;
/**
 * The load runs through every step (about 70 s in CI) and at least this long: 60 s gives each of
 * the 13 pages 200+ samples; the two minutes it was added 50 s of load alone to CI, which the
 * replica tests needed.
 */
const MIN_LOAD_MS = 60_000;

const t0 = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const failures: string[] = [];
const fail = (what: string) => {
  failures.push(what);
  log(`FAIL ${what}`);
};

const scale = await startScaleStack({ orders: ORDERS, batchOrders: BATCH, env: { CONSISTENCY_INTERVAL_MS: "30000" } });
const viewer = scale.client("viewer");
const admin = scale.client("admin");
const operator = scale.client("operator");
log(`stack up over ${ORDERS.toLocaleString("en")} orders on Node ${process.version}`);

/** Runs `work`, fails when it takes longer than `boundMs`; returns its time. */
async function timed<T>(what: string, boundMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  if (ms > boundMs) fail(`${what} took ${ms.toFixed(0)} ms (bound ${boundMs} ms)`);
  return result;
}

// The steady load: the main pages, four at a time, for the whole run.
const pages = mainPages(scale.shop, rng(11));
const latencies = new Map<string, number[]>();
let loadRunning = true;
const loadStarted = performance.now();
const load = Array.from({ length: 4 }, async (_, worker) => {
  for (let i = worker; loadRunning; i++) {
    const page = pages[i % pages.length]!;
    const started = performance.now();
    try {
      await page.open(viewer);
      const ms = performance.now() - started;
      latencies.set(page.name, [...(latencies.get(page.name) ?? []), ms]);
      if (ms > PAGE_BOUND_MS) fail(`page "${page.name}" took ${ms.toFixed(0)} ms`);
    } catch (err) {
      fail(`page "${page.name}": ${err instanceof Error ? err.message : err}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
});

async function importFile(client: GatewayClient, file: string): Promise<{ id: string; batchId: string; status: string; messageCode: string | null; messageParams: string | null }> {
  const { createImportUpload } = await client.request<{ createImportUpload: { id: string; uploadUrl: string } }>(
    `mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`,
    { f: path.basename(file) },
  );
  await client.upload(file, fs.statSync(file).size, createImportUpload.uploadUrl, () => undefined);
  const { startImport } = await client.request<{ startImport: { id: string; batchId: string } }>(`mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, {
    i: { uploadId: createImportUpload.id },
  });
  for (;;) {
    const { import: job } = await client.request<{ import: { status: string; messageCode: string | null; messageParams: string | null } }>(
      `query($id: ID!) { import(id: $id) { status messageCode messageParams } }`,
      { id: startImport.id },
    );
    if (!["PENDING", "RUNNING"].includes(job.status)) return { ...startImport, ...job };
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function step(name: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  scale.stepPeaks();
  try {
    await work();
    const peaks = Object.entries(scale.stepPeaks()).map(([n, mb]) => `${n} ${mb.toFixed(0)}`).join(", ");
    log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s; peak RSS MB ${peaks}`);
  } catch (err) {
    fail(`${name}: ${err instanceof Error ? err.message : err}`);
  }
}

const files = path.join(scale.dir, "files");
fs.mkdirSync(files);
let failedImport = "";
try {
  await step("consistency report, four at once", async () => {
    await Promise.all(
      [viewer, operator, admin, viewer].map((c) =>
        timed("consistency report", REPORT_BOUND_MS, () => c.request(`{ consistencyReport(first: 100) { asOf issueCount counts { kind count } issues { kind orderId } unavailable } }`)),
      ),
    );
  });

  await step("hostile files refused", async () => {
    // One data row of 20 million commas (a 20 MB file).
    const commas = path.join(files, "commas.csv");
    fs.writeFileSync(commas, `customer_email,customer_name,product_name,quantity,unit_price\r\na@example.jp,${",".repeat(20_000_000)}\r\n`);
    const refused = await importFile(operator, commas);
    if (refused.status !== "FAILED" || refused.messageCode !== "CSV_ROW_TOO_MANY_FIELDS") throw new Error(`20M commas: ${refused.status} ${refused.messageCode}`);
    // UTF-8 rows with Shift_JIS rows pasted in.
    const mixed = path.join(files, "mixed.csv");
    fs.writeFileSync(mixed, Buffer.concat([Buffer.from("customer_email,customer_name,product_name,quantity,unit_price\r\na@example.jp,山田 太郎,緑茶,1,500\r\n"), Buffer.from([0x62, 0x40, 0x65, 0x2e, 0x6a, 0x70, 0x2c, 0x8e, 0x52, 0x93, 0x63, 0x2c, 0x97, 0xce, 0x92, 0x83, 0x2c, 0x31, 0x2c, 0x35, 0x30, 0x30, 0x0d, 0x0a])]));
    const encoding = await importFile(operator, mixed);
    if (encoding.status !== "FAILED" || encoding.messageCode !== "CSV_ENCODING_INVALID") throw new Error(`mixed encodings: ${encoding.status} ${encoding.messageCode}`);
  });

  await step("an import of 200,000 rows with bad rows among them", async () => {
    const file = path.join(files, "big.csv");
    writeImportFile(file, 200_000, 23);
    // Break a few orders (a quantity that is not a number) so there are errors to download.
    const text = fs.readFileSync(file, "utf8").split("\r\n");
    for (const i of [10, 5_000, 150_000]) text[i] = text[i]!.replace(/,(\d+),(\d+),JPY/, ",たくさん,$2,JPY");
    fs.writeFileSync(file, text.join("\r\n"));
    const job = await importFile(operator, file);
    if (job.status !== "COMPLETED_WITH_ERRORS") throw new Error(`200k rows: ${job.status} ${job.messageCode}`);
    failedImport = job.id;
  });

  await step("seed:demo", async () => {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("npm", ["run", "seed:demo", "--", "--orders", "60"], {
        cwd: REPO_ROOT,
        env: { ...process.env, GATEWAY_URL: scale.stack.gatewayUrl, OPS_API_KEY: scale.keys.admin },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
      child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seed:demo exited with ${code}:\n${output}`))));
    });
  });

  await step("every CSV download, four at once", async () => {
    const downloads: [GatewayClient, string][] = [
      [viewer, `/exports/orders.csv?batchId=${scale.shop.batchId}`],
      [operator, `/imports/${failedImport}/errors.csv`],
      [scale.client("operator2"), `/imports/${failedImport}/failed-rows.csv`],
      [admin, `/exports/orders.csv?status=CONFIRMED&createdFrom=2026-01-01`],
    ];
    await Promise.all(
      downloads.map(async ([client, url], i) => {
        const dest = path.join(files, `download-${i}.csv`);
        await client.download(url, dest);
        log(`download ${url}: ${(fs.statSync(dest).size / 1e6).toFixed(1)} MB`);
        fs.rmSync(dest);
      }),
    );
  });

  await step("template previews, a hostile one among them", async () => {
    const nested = `{{#each items}}${"{{#each @root.items}}".repeat(12)}x${"{{/each}}".repeat(12)}{{/each}}`;
    const previews = [
      viewer.request(`query($i: PreviewTemplateInput!) { previewTemplate(input: $i) { body } }`, { i: { templateName: "ORDER_CONFIRMATION", orderId: "12345" } }),
      viewer.request(`query($i: PreviewTemplateInput!) { previewTemplate(input: $i) { body } }`, { i: { templateName: "ORDER_SHIPPED" } }),
      viewer.request(`query($i: PreviewTemplateInput!) { previewTemplate(input: $i) { body } }`, { i: { subjectTemplate: "x", bodyTemplate: nested, orderId: "7" } }).then(
        () => {
          throw new Error("the nested template was rendered");
        },
        (err: unknown) => {
          if (!(err instanceof GatewayError) || err.code !== "BAD_USER_INPUT") throw err;
        },
      ),
    ];
    await timed("template previews", 2_000, () => Promise.all(previews));
  });

  await step(`undo of the ${BATCH.toLocaleString("en")}-order batch`, async () => {
    const { undoImportBatch } = await admin.request<{ undoImportBatch: { id: string; total: number } }>(
      `mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id total } }`,
      { i: { batchId: scale.shop.batchId, reason: "scale test" } },
    );
    for (;;) {
      const { batchUndo: job } = await admin.request<{ batchUndo: { status: string; done: number; total: number; cancelled: number } }>(
        `query($id: ID!) { batchUndo(id: $id) { status done total cancelled } }`,
        { id: undoImportBatch.id },
      );
      if (!["PENDING", "RUNNING", "CANCELLING"].includes(job.status)) {
        if (job.status !== "COMPLETED" || job.done !== job.total) throw new Error(`undo ended ${job.status}, ${job.done}/${job.total}`);
        log(`undo: ${job.cancelled.toLocaleString("en")} orders cancelled`);
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  });

  while (performance.now() - loadStarted < MIN_LOAD_MS && failures.length === 0) await new Promise((r) => setTimeout(r, 1000));
} finally {
  loadRunning = false;
  await Promise.all(load);
  const rss = scale.peakRss();
  for (const [name, mb] of Object.entries(rss)) if (mb > RSS_LIMIT_MB) fail(`${name} peak RSS ${mb.toFixed(0)} MB (limit ${RSS_LIMIT_MB})`);
  for (const exit of scale.exits) fail(exit);
  await scale.stop();
  log(`load: ${[...latencies.values()].reduce((n, l) => n + l.length, 0)} pages in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s, four at a time`);
  for (const [name, samples] of latencies) {
    const t = timing(samples);
    log(`  ${name.padEnd(24)} p50 ${t.p50.toFixed(0).padStart(5)} ms  p99 ${t.p99.toFixed(0).padStart(5)} ms  (${t.n})`);
  }
  log(`peak RSS MB: ${Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)}`).join(", ")}`);
}
if (failures.length) {
  console.error(`\nSCALE TEST FAILED (${failures.length}):\n- ${failures.slice(0, 20).join("\n- ")}`);
  process.exit(1);
}
console.log(`\nScale test passed on Node ${process.version}: ${ORDERS.toLocaleString("en")} orders, no process exited, every answer within its bound, every service ≤ ${RSS_LIMIT_MB} MB.`);
