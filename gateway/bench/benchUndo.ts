/**
 * `npm run bench:undo [-- --rows 1000000]`: the scale check of undoing a batch. Imports a
 * `--rows`-row CSV through the public API (1M rows ≈ 333k orders, most of them paid) and waits
 * until the three services have settled, then undoes the whole batch — a background job of
 * 2,000-order chunks — and follows it to the end and until every refund and ORDER_CANCELLED
 * notification has been applied. Prints the undo's time and rate and each service's peak RSS
 * during the undo alone. Target on a 2-core machine: the order service ≤ 300 MB.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, writeApiKeyFile } from "@ops/service-kit";
import { isolatedStackEnv, launchStack } from "@ops/service-kit/stack";
import { poster } from "../scripts/demoShop.js";
import { writeImportFile } from "./importFile.js";
import { currentRssMb, peakRssMb, resetPeakRss } from "./processMemory.js";
import { uploadAndImport } from "./uploadAndImport.js";

const rowsArg = process.argv.indexOf("--rows");
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-undo-"));
const file = path.join(dir, "orders.csv");
const expected = writeImportFile(file, ROWS);
console.log(`Generated ${file}: ${expected.rows} rows, ${expected.orders} orders (${expected.completedPayments} paid, ${expected.pendingPayments} pending payments)`);

const apiKey = generateApiKey();
const dataDir = path.join(dir, "data");
fs.mkdirSync(dataDir);
writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
const stack = await launchStack({ env: isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200" }), silent: true });
const auth = { authorization: `ApiKey ${apiKey}` };
const post = poster(stack.gatewayUrl, auth);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = (line: string) => (process.stderr.isTTY ? process.stderr.write(`\r${line}   `) : undefined);

/** Resolves once no service has an event waiting for delivery. */
async function settled(): Promise<void> {
  for (;;) {
    const f = await post(`{ o: orderOutboxFigures { pending retrying } p: paymentOutboxFigures { pending retrying } n: notificationOutboxFigures { pending retrying } }`);
    const waiting = [f.o, f.p, f.n].reduce((sum, x) => sum + x.pending + x.retrying, 0);
    if (waiting === 0) return;
    status(`events waiting: ${waiting}`);
    await sleep(500);
  }
}

try {
  const startImport = await uploadAndImport(stack.gatewayUrl, auth, file, "bench-undo.csv");
  for (;;) {
    const { import: job } = await post(`query($id: ID!) { import(id: $id) { status rowsDone totalRows } }`, { id: startImport.id });
    if (job.status === "COMPLETED") break;
    if (!["PENDING", "RUNNING"].includes(job.status)) throw new Error(`import ended ${job.status}`);
    status(`import ${job.rowsDone}/${job.totalRows}`);
    await sleep(500);
  }
  await settled();
  console.log(`\nImported and settled: ${expected.orders} orders in batch ${startImport.batchId}`);

  const reset = Object.values(stack.processes).every((p) => resetPeakRss(p.child.pid!));
  const started = performance.now();
  const { undoImportBatch } = await post(`mutation($i: UndoImportBatchInput!) { undoImportBatch(input: $i) { id total } }`, { i: { batchId: startImport.batchId, reason: "bench: undo" } });
  let undo: { status: string; done: number; total: number; cancelled: number; untouched: number; elapsedSeconds: number };
  let maxRss = 0;
  for (;;) {
    undo = (await post(`query($id: ID!) { batchUndo(id: $id) { status done total cancelled untouched elapsedSeconds } }`, { id: undoImportBatch.id })).batchUndo;
    maxRss = Math.max(maxRss, currentRssMb(stack.processes.order.child.pid!));
    status(`undo ${undo.status} ${undo.done}/${undo.total}, order service RSS ${currentRssMb(stack.processes.order.child.pid!).toFixed(0)} MB`);
    if (!["PENDING", "RUNNING", "CANCELLING"].includes(undo.status)) break;
    await sleep(250);
  }
  const jobDone = (performance.now() - started) / 1000;
  if (undo.status !== "COMPLETED") throw new Error(`undo ended ${undo.status}`);
  await settled();
  const converged = (performance.now() - started) / 1000;
  const { paymentBatch } = await post(`query($b: ID!) { paymentBatch(batchId: $b) { refundedCount failedCount completedCount pendingCount } }`, { b: startImport.batchId });
  const rss = Object.fromEntries(Object.entries(stack.processes).map(([name, p]) => [name, peakRssMb(p.child.pid!)]));
  console.log(`\n\nUndo of ${undo.total} orders: job ${jobDone.toFixed(1)} s (${(undo.total / jobDone).toFixed(0)} orders/s; the service says ${undo.elapsedSeconds.toFixed(1)} s), cancelled ${undo.cancelled}, untouched ${undo.untouched}`);
  console.log(`  refunds, failed payments and notifications applied after ${converged.toFixed(1)} s: payments refunded ${paymentBatch.refundedCount}/${expected.completedPayments}, failed ${paymentBatch.failedCount}/${expected.pendingPayments}, still open ${paymentBatch.completedCount + paymentBatch.pendingCount}`);
  console.log(`  peak RSS MB during the undo${reset ? "" : " (could not reset: since start)"}: ${Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)}`).join(", ")}; order service sampled max ${maxRss.toFixed(0)}`);
  console.log(`Target: order service peak RSS ≤ 300 MB: ${rss.order! <= 300 ? "MET" : "MISSED"}`);
} finally {
  await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
