/**
 * `npm run import -- <file.csv> [options]`: imports a CSV file of orders through the gateway, as
 * the admin UI does: asks for an upload target, streams the file to it, starts the import, follows
 * it with a progress bar on stderr and prints a summary on stdout. Signs in as an operator:
 * OPS_API_KEY, or OPS_USER and OPS_PASSWORD.
 * Exit status: 0 COMPLETED, 2 COMPLETED_WITH_ERRORS, 1 FAILED, CANCELLED or anything that went wrong.
 */
import path from "node:path";
import readline from "node:readline/promises";
import { fail } from "./cli.js";
import { GatewayClient, GatewayError, GatewayUnreachable } from "./gatewayClient.js";
import { checkFile, readOptions } from "./importOptions.js";
import { bar, bytes, count, duration, eta, ProgressLine } from "./progressLine.js";

const POLL_MS = 250;
/** How long the gateway may stay unreachable while an import is followed. */
const PATIENCE_MS = 60_000;
const FINISHED = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"]);
const EXIT: Record<string, number> = { COMPLETED: 0, COMPLETED_WITH_ERRORS: 2 };

interface ImportView {
  id: string;
  batchId: string;
  status: string;
  phase: string | null;
  encoding: string | null;
  totalRows: number;
  rowsDone: number;
  progress: number;
  successCount: number;
  failureCount: number;
  ordersCreated: number;
  validOrders: number;
  elapsedSeconds: number;
  rowsPerSecond: number;
  dryRun: boolean;
  unknownColumns: string[];
  message: string | null;
  errorReportUrl: string;
  failedRowsUrl: string;
}

const IMPORT_FIELDS = `id batchId status phase encoding totalRows rowsDone progress successCount failureCount ordersCreated validOrders
  elapsedSeconds rowsPerSecond dryRun unknownColumns message errorReportUrl failedRowsUrl`;

/** Ends the script with a message for an error the gateway (or its absence) caused. */
function failOn(err: unknown, what: string): never {
  if (err instanceof GatewayUnreachable) fail(`${err.message}. Is the shop running (npm start)? Point elsewhere with --gateway or GATEWAY_URL.`);
  if (err instanceof GatewayError) {
    if (err.code === "UNAUTHENTICATED") fail(`${what} was refused: ${err.message} Check OPS_API_KEY, or OPS_USER and OPS_PASSWORD.`);
    if (err.code === "FORBIDDEN") fail(`${what} was refused: ${err.message} Importing needs an operator or admin.`);
    fail(`${what} failed: ${err.message}`);
  }
  throw err;
}

/** The error report's path next to the input: orders.csv → orders.errors.csv. */
function reportPath(file: string): string {
  return `${file.replace(/\.csv$/i, "")}.errors.csv`;
}

const options = readOptions();
const size = checkFile(options.file);
const client = new GatewayClient(options.gateway, { script: "import", command: `npm run import -- ${path.basename(options.file)}`, role: "operator", keyName: "csv-import" });
await client.signIn();
const progress = new ProgressLine(process.stderr);
const filename = path.basename(options.file);

// 1. An upload target, 2. the file's bytes, 3. the import.
let target: { id: string; uploadUrl: string; maxBytes: number };
try {
  ({ createImportUpload: target } = await client.request<{ createImportUpload: typeof target }>(
    "mutation Upload($filename: String!) { createImportUpload(filename: $filename) { id uploadUrl method maxBytes expiresAt } }",
    { filename },
  ));
} catch (err) {
  failOn(err, "Asking for an upload target");
}
if (size > target.maxBytes) fail(`${filename} is ${bytes(size)}; the gateway accepts files up to ${bytes(target.maxBytes)} (IMPORT_MAX_BYTES). Split the file.`);

const uploadStarted = Date.now();
let uploaded;
try {
  uploaded = await client.upload(options.file, size, target.uploadUrl, (sent) => {
    const seconds = (Date.now() - uploadStarted) / 1000;
    const rate = seconds > 0 ? `${bytes(sent / seconds)}/s` : "";
    progress.update("upload", `upload    ${bar(sent / size)} ${((100 * sent) / size).toFixed(1).padStart(5)}%  ${bytes(sent)} / ${bytes(size)}  ${rate}`, `Uploading ${filename} (${bytes(size)})…`);
  });
} catch (err) {
  progress.finish();
  failOn(err, `The upload of ${filename}`);
}
progress.finish();
process.stderr.write(`Uploaded ${filename}: ${bytes(uploaded.size)} in ${duration((Date.now() - uploadStarted) / 1000)} (sha256 ${uploaded.checksum.slice(0, 12)}…)\n`);

let job: ImportView;
try {
  ({ startImport: job } = await client.request<{ startImport: ImportView }>(`mutation Start($input: StartImportInput!) { startImport(input: $input) { ${IMPORT_FIELDS} } }`, {
    input: { uploadId: uploaded.id, ...options.input },
  }));
} catch (err) {
  if (err instanceof GatewayError && err.code === "CONFLICT" && err.params.importId !== undefined) {
    fail(`${filename} was already imported (import ${String(err.params.importId)}, batch ${String(err.params.batchId)}): ${err.message}\nTo import it again anyway, run the same command with --force.`);
  }
  failOn(err, "Starting the import");
}

// Ctrl+C: cancel the import on the server (asked, or at once with --cancel-on-interrupt), or leave it running.
let cancelling = false;
let asking = false;
const leave = () => {
  progress.finish();
  process.stderr.write(`Import ${job.id} continues on the server. Follow it in the admin UI, or: { import(id: "${job.id}") { status progress } }\n`);
  process.exit(130);
};
const cancel = async () => {
  cancelling = true;
  progress.finish();
  process.stderr.write(`Cancelling import ${job.id}: it stops after its current chunk; the orders written so far remain (undo the batch to cancel them).\n`);
  try {
    await client.request(`mutation Cancel($id: ID!) { cancelImport(id: $id) { status } }`, { id: job.id });
  } catch (err) {
    // CONFLICT: it finished meanwhile; the summary tells how.
    if (!(err instanceof GatewayError && err.code === "CONFLICT")) failOn(err, "Cancelling the import");
  }
};
process.on("SIGINT", () => {
  if (asking || cancelling) return leave();
  if (options.cancelOnInterrupt) return void cancel();
  if (!process.stdin.isTTY) {
    process.stderr.write("\n(pass --cancel-on-interrupt to cancel the import on Ctrl+C)\n");
    return leave();
  }
  asking = true;
  progress.paused = true;
  progress.finish();
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  rl.on("SIGINT", leave);
  void rl.question(`Cancel import ${job.id} on the server? The orders written so far remain. [y/N] `).then((answer) => {
    rl.close();
    asking = false;
    progress.paused = false;
    if (/^y(es)?$/i.test(answer.trim())) void cancel();
    else leave();
  });
});

// Announced once Ctrl+C is handled, so an interrupt from then on reaches the handler.
process.stderr.write(`Import ${job.id} started${job.dryRun ? " (dry run: nothing is written)" : ""}; batch ${job.batchId}.\n`);

/** The import's state: the bar on a TTY, a plain line per stage otherwise. */
function draw(view: ImportView): void {
  const stage = view.status === "PENDING" ? "queued" : view.status === "CANCELLING" ? "cancelling" : (view.phase ?? view.status.toLowerCase());
  const rows = view.totalRows > 0 ? `${count(view.rowsDone)} / ${count(view.totalRows)} rows` : `${count(view.rowsDone)} rows`;
  const rate = view.rowsPerSecond > 0 ? `  ${count(view.rowsPerSecond)} rows/s` : "";
  progress.update(
    stage,
    `${stage.padEnd(9)} ${bar(view.progress)} ${(100 * view.progress).toFixed(1).padStart(5)}%  ${rows}${rate}  ETA ${eta(view.progress, view.elapsedSeconds)}`,
    `import ${view.id}: ${stage}${view.totalRows > 0 ? ` (${rows})` : ""}`,
  );
}

// Follow it about four times a second.
let lastContact = Date.now();
draw(job);
while (!FINISHED.has(job.status)) {
  await new Promise((r) => setTimeout(r, POLL_MS));
  try {
    const { import: seen } = await client.request<{ import: ImportView | null }>(`query Follow($id: ID!) { import(id: $id) { ${IMPORT_FIELDS} } }`, { id: job.id });
    if (!seen) fail(`Import ${job.id} is no longer known to the order service.`);
    job = seen;
    lastContact = Date.now();
  } catch (err) {
    const transient = err instanceof GatewayUnreachable || (err instanceof GatewayError && err.code === "SERVICE_UNAVAILABLE");
    if (!transient) failOn(err, "Following the import");
    if (Date.now() - lastContact > PATIENCE_MS) {
      progress.finish();
      fail(`${(err as Error).message}. Lost contact for ${PATIENCE_MS / 1000} s; import ${job.id} continues on the server.`);
    }
    progress.update("waiting", `waiting for the gateway… (${(err as Error).message})`);
    continue;
  }
  draw(job);
}
progress.finish();

// The summary on stdout; the details of failures after it.
const out = process.stdout;
out.write(`Import ${job.id}: ${job.status}${job.dryRun ? " (dry run: nothing was written)" : ""}\n`);
out.write(`  file      ${filename} (${bytes(size)}${job.encoding ? `, ${job.encoding}` : ""})\n`);
out.write(`  rows      ${count(job.totalRows)}: ${count(job.successCount)} ${job.dryRun ? "valid" : "imported"}, ${count(job.failureCount)} failed\n`);
out.write(`  orders    ${job.dryRun ? `${count(job.validOrders)} would be created` : `${count(job.ordersCreated)} created`}\n`);
out.write(`  elapsed   ${duration(job.elapsedSeconds)} (${count(job.rowsPerSecond)} rows/s)\n`);
out.write(`  batch     ${job.batchId}\n`);
if (job.unknownColumns.length) out.write(`  ignored   unknown columns: ${job.unknownColumns.join(", ")}\n`);
if (job.message) out.write(`  message   ${job.message}\n`);

if (job.failureCount > 0) {
  try {
    const { import: detail } = await client.request<{ import: { errors: { totalCount: number; edges: { node: { rowNumber: number; column: string | null; value: string | null; reason: string } }[] } } }>(
      `query Errors($id: ID!) { import(id: $id) { errors(first: 10) { totalCount edges { node { rowNumber column value reason } } } } }`,
      { id: job.id },
    );
    const { totalCount, edges } = detail.errors;
    out.write(`\n${totalCount > edges.length ? `First ${edges.length} of ${count(totalCount)} errors` : `${totalCount} error${totalCount === 1 ? "" : "s"}`}:\n`);
    for (const { node } of edges) {
      const value = node.value === null || node.value === "" ? "" : ` (${JSON.stringify(node.value)})`;
      out.write(`  row ${String(node.rowNumber).padEnd(6)} ${(node.column ?? "-").padEnd(15)} ${node.reason}${value}\n`);
    }
    const report = reportPath(options.file);
    await client.download(`${job.errorReportUrl}?encoding=${encodeURIComponent(options.encoding)}`, report);
    out.write(`\nError report: ${report}\n`);
    if (!job.dryRun) out.write(`Failed rows, to fix and retry into the same batch (retryImport): ${client.base}${job.failedRowsUrl}\n`);
  } catch (err) {
    // The import's outcome stands; only its details could not be fetched.
    process.stderr.write(`Could not fetch the errors: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
process.exit(EXIT[job.status] ?? 1);
