/**
 * `npm run bench:import [-- --rows 1000000]`: generates a CSV (100k rows ≈ 33k orders with 1–5
 * items, Japanese names, payments), imports it through the public API (staged upload through the
 * gateway, startImport with payments and confirmations), waits until all three services have
 * committed the batch (orders written, payments created, orders confirmed, notifications
 * stored), and prints rows/s, total seconds and each service's peak memory — then the raw floor
 * (the same file through parse → group → three SQLite files → render, in one process) and the ratio.
 * Targets on a 2-core machine: 100k rows in ≤ 5 s, ratio ≤ 6; 1M rows with each service's peak RSS ≤ 300 MB.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, writeApiKeyFile } from "@ops/service-kit";
import { isolatedStackEnv, launchStack } from "@ops/service-kit/stack";
import { poster } from "../scripts/demoShop.js";
import { writeImportFile } from "./importFile.js";
import { peakRssMb } from "./processMemory.js";
import { rawFloor } from "./rawFloor.js";

const rowsArg = process.argv.indexOf("--rows");
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-import-"));
const file = path.join(dir, "orders.csv");
const expected = writeImportFile(file, ROWS);
console.log(`Generated ${file}: ${expected.rows} rows, ${expected.orders} orders, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);

const apiKey = generateApiKey();
const dataDir = path.join(dir, "data");
fs.mkdirSync(dataDir);
writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
const env = isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200" });
const stack = await launchStack({ env, silent: true });
const auth = { authorization: `ApiKey ${apiKey}` };
const post = poster(stack.gatewayUrl, auth);
const base = stack.gatewayUrl.replace(/\/graphql$/, "");

try {
  const started = performance.now();
  const { createImportUpload } = await post(`mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`, { f: "bench.csv" });
  const put = await fetch(`${base}${createImportUpload.uploadUrl}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "text/csv", "content-length": String(fs.statSync(file).size) },
    body: fs.createReadStream(file) as never,
    duplex: "half",
  } as RequestInit);
  if (put.status !== 201) throw new Error(`upload failed: HTTP ${put.status} ${await put.text()}`);
  const uploaded = performance.now();
  const { startImport } = await post(`mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId: createImportUpload.id } });
  const batchId: string = startImport.batchId;
  let importDone = 0;
  let last = "";
  for (;;) {
    const data = await post(
      `query($id: ID!, $b: ID!) {
        import(id: $id) { status phase rowsDone totalRows ordersCreated }
        paymentBatch(batchId: $b) { orderCount }
        orders(first: 1, filter: { batchId: $b, status: [CONFIRMED] }) { totalCount }
        importBatch(batchId: $b) { notificationCounts { sent notSent pending failed } }
      }`,
      { id: startImport.id, b: batchId },
    );
    const imp = data.import;
    if (["FAILED", "CANCELLED"].includes(imp.status)) throw new Error(`import ${imp.status}`);
    if (!importDone && imp.status.startsWith("COMPLETED")) importDone = performance.now();
    const counts = data.importBatch?.notificationCounts ?? { sent: 0, notSent: 0, pending: 0, failed: 0 };
    const state = `import ${imp.status} ${imp.phase ?? ""} ${imp.rowsDone}/${imp.totalRows}; payments ${data.paymentBatch?.orderCount ?? 0}/${expected.completedPayments + expected.pendingPayments}; confirmed ${data.orders.totalCount}/${expected.completedPayments}; notified ${counts.sent + counts.notSent}/${expected.orders}`;
    if (state !== last && process.stderr.isTTY) process.stderr.write(`\r${state}   `);
    last = state;
    if (
      importDone &&
      data.paymentBatch?.orderCount === expected.completedPayments + expected.pendingPayments &&
      data.orders.totalCount === expected.completedPayments &&
      counts.sent + counts.notSent === expected.orders
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const total = (performance.now() - started) / 1000;
  const rss = Object.fromEntries(Object.entries(stack.processes).map(([name, p]) => [name, peakRssMb(p.child.pid!)]));
  console.log(`\n\nEnd to end (upload → all three services committed): ${total.toFixed(2)} s, ${(expected.rows / total).toFixed(0)} rows/s`);
  console.log(`  upload ${((uploaded - started) / 1000).toFixed(2)} s; import written ${((importDone - started) / 1000).toFixed(2)} s; payments, confirmations and notifications converged ${total.toFixed(2)} s`);
  console.log(`  peak RSS MB: ${Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)}`).join(", ")}`);
  const floor = await rawFloor(file, dir);
  console.log(`Raw floor (parse → group → 3 SQLite files → render, one process): ${floor.toFixed(2)} s, ${(expected.rows / floor).toFixed(0)} rows/s`);
  console.log(`Ratio end to end / raw floor: ${(total / floor).toFixed(2)}`);
  if (ROWS === 100_000) console.log(`Targets: ≤ 5 s ${total <= 5 ? "MET" : "MISSED"}; ratio ≤ 6 ${total / floor <= 6 ? "MET" : "MISSED"}`);
  else console.log(`Target: every service's peak RSS ≤ 300 MB: ${Object.values(rss).every((mb) => mb <= 300) ? "MET" : "MISSED"}`);
} finally {
  await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
