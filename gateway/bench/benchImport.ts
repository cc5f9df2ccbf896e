/**
 * `npm run bench:import [-- --rows 1000000]`: generates a CSV (100k rows ≈ 33k orders with 1–5
 * items, Japanese names, payments), imports it through the public API (staged upload through the
 * gateway, startImport with payments and confirmations), waits until all three services have
 * committed the batch (orders written, payments created, orders confirmed, notifications
 * stored), and prints rows/s, total seconds and each service's peak memory — then the raw floor
 * (the same file through parse → group → three SQLite files → render, in one process) and the ratio.
 * Targets on a 2-core machine: 100k rows in ≤ 5 s on SQLite and ≤ 6 s on PostgreSQL, ratio ≤ 6;
 * 1M rows with each service's peak RSS ≤ 300 MB.
 * `-- --db pg` runs the import on PostgreSQL (a throwaway cluster), `-- --db both` on each
 * database in turn with the figures side by side; `--db sqlite` (default) is SQLite only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, writeApiKeyFile } from "@ops/service-kit";
import { isolatedStackEnv, launchStack } from "@ops/service-kit/stack";
import { poster } from "../scripts/demoShop.js";
import { writeImportFile } from "./importFile.js";
import { databasesArg, onEachDatabase, servicesStillOnSqlite, sideBySide, type BenchDatabase } from "./benchDatabases.js";
import { peakRssMb } from "./processMemory.js";
import { rawFloor } from "./rawFloor.js";
import { uploadAndImport } from "./uploadAndImport.js";

const rowsArg = process.argv.indexOf("--rows");
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-import-"));
const file = path.join(dir, "orders.csv");
const expected = writeImportFile(file, ROWS);
console.log(`Generated ${file}: ${expected.rows} rows, ${expected.orders} orders, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);

interface ImportRun {
  /** Seconds from the upload's start until all three services committed the batch. */
  total: number;
  uploaded: number;
  importWritten: number;
  rss: Record<string, number>;
}

/** Imports the file through a fresh stack on `overrides`' databases and measures it. */
async function bench(database: BenchDatabase, overrides: NodeJS.ProcessEnv): Promise<ImportRun> {
  const apiKey = generateApiKey();
  const dataDir = path.join(dir, `data-${database}`);
  fs.mkdirSync(dataDir);
  writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
  const env = isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", OUTBOX_POLL_MS: "200", ...overrides });
  const stack = await launchStack({ env, silent: true });
  const auth = { authorization: `ApiKey ${apiKey}` };
  const post = poster(stack.gatewayUrl, auth);

  try {
    const started = performance.now();
    const startImport = await uploadAndImport(stack.gatewayUrl, auth, file, "bench.csv");
    const uploaded = performance.now();
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
    const onSqlite = database === "postgres" ? servicesStillOnSqlite(dataDir) : [];
    if (onSqlite.length) console.log(`  NOTE: ${onSqlite.join(", ")} did not read its PostgreSQL URL and ran on SQLite: these are not PostgreSQL figures for it.`);
    return { total, uploaded: (uploaded - started) / 1000, importWritten: (importDone - started) / 1000, rss };
  } finally {
    await stack.stop();
  }
}

/** Seconds end to end for 100,000 rows. */
const TARGET_SECONDS: Record<BenchDatabase, number> = { sqlite: 5, postgres: 6 };

const databases = databasesArg();
try {
  const runs = await onEachDatabase(databases, bench);
  const floor = await rawFloor(file, dir);
  console.log(`\nRaw floor (parse → group → 3 SQLite files → render, one process): ${floor.toFixed(2)} s, ${(expected.rows / floor).toFixed(0)} rows/s`);
  for (const [database, run] of runs) {
    const label = databases.length > 1 ? `${database}: ` : "";
    console.log(`${label}Ratio end to end / raw floor: ${(run.total / floor).toFixed(2)}`);
    const seconds = TARGET_SECONDS[database];
    if (ROWS === 100_000) console.log(`${label}Targets: ≤ ${seconds} s ${run.total <= seconds ? "MET" : "MISSED"}; ratio ≤ 6 ${run.total / floor <= 6 ? "MET" : "MISSED"}`);
    else console.log(`${label}Target: every service's peak RSS ≤ 300 MB: ${Object.values(run.rss).every((mb) => mb <= 300) ? "MET" : "MISSED"}`);
  }
  if (databases.length > 1) {
    const row = (label: string, value: (run: ImportRun) => string): [string, Map<BenchDatabase, string>] => [label, new Map([...runs].map(([d, run]) => [d, value(run)]))];
    console.log(`\nSide by side (${expected.rows} rows):\n`);
    console.log(
      sideBySide(databases, [
        row("end to end", (r) => `${r.total.toFixed(2)} s, ${(expected.rows / r.total).toFixed(0)} rows/s`),
        row("import written", (r) => `${r.importWritten.toFixed(2)} s`),
        row("ratio to raw floor", (r) => (r.total / floor).toFixed(2)),
        ...Object.keys([...runs.values()][0]!.rss).map((name) => row(`peak RSS ${name}`, (r) => `${(r.rss[name] ?? 0).toFixed(0)} MB`)),
      ]),
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
