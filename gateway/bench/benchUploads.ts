/**
 * `npm run bench:uploads [-- --rows 1000000]`: the upload store on PostgreSQL, where a file lives
 * in the order database (import_upload_chunks) so every replica reads it. Starts the stack on a
 * throwaway cluster, PUTs a generated file (100k rows ≈ 10 MB by default) through the gateway, then
 * reads it back the way an import does (pieces in order, a few per statement) and prints, for each
 * step, MB/s and peak RSS: the order service's during the PUT, this process's during the read.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiKey, hashApiKey, readStackConfig, writeApiKeyFile } from "@ops/service-kit";
import { openDatabase } from "@ops/service-kit/data";
import { isolatedStackEnv, launchStack } from "@ops/service-kit/stack";
import { readCsvFile } from "@ops/order/import/csv";
import { openUploadFile } from "@ops/order/uploadFiles";
import { poster } from "../scripts/demoShop.js";
import { onEachDatabase } from "./benchDatabases.js";
import { writeImportFile } from "./importFile.js";
import { currentRssMb, peakRssMb, resetPeakRss } from "./processMemory.js";

const rowsArg = process.argv.indexOf("--rows");
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bench-uploads-"));
const file = path.join(dir, "orders.csv");
writeImportFile(file, ROWS);
const size = fs.statSync(file).size;
const mb = size / 1e6;
const fileHash = crypto.createHash("sha256");
for await (const piece of fs.createReadStream(file)) fileHash.update(piece as Buffer);
const checksum = fileHash.digest("hex");
console.log(`Generated ${ROWS} rows, ${mb.toFixed(1)} MB`);

const rate = (ms: number) => `${(ms / 1000).toFixed(2)} s, ${(mb / (ms / 1000)).toFixed(0)} MB/s`;

try {
  await onEachDatabase(["postgres"], async (_database, overrides) => {
    const apiKey = generateApiKey();
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir);
    writeApiKeyFile(path.join(dataDir, "api-keys.json"), [{ name: "bench", role: "admin", keyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() }]);
    const env = isolatedStackEnv(dataDir, { RATE_LIMIT_PER_MINUTE: "1000000", ...overrides });
    const stack = await launchStack({ env, silent: true });
    const auth = { authorization: `ApiKey ${apiKey}` };
    try {
      const order = stack.processes.order.child.pid!;
      const { createImportUpload } = await poster(stack.gatewayUrl, auth)(`mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`, { f: "bench.csv" });
      const before = currentRssMb(order);
      resetPeakRss(order);
      let started = performance.now();
      const put = await fetch(stack.gatewayUrl.replace(/\/graphql$/, createImportUpload.uploadUrl), {
        method: "PUT",
        headers: { ...auth, "content-type": "text/csv", "content-length": String(size) },
        body: fs.createReadStream(file) as never,
        duplex: "half",
      } as RequestInit);
      const answer = (await put.json()) as { checksum?: string };
      if (put.status !== 201 || answer.checksum !== checksum) throw new Error(`upload failed: HTTP ${put.status} ${JSON.stringify(answer)}`);
      console.log(`PUT through the gateway: ${rate(performance.now() - started)}; order service RSS ${before.toFixed(0)} MB before, peak ${peakRssMb(order).toFixed(0)} MB`);

      // The import's read, in this process on a connection of its own (as the import worker's).
      const database = await openDatabase<any>(readStackConfig(env).services.order.database, { poolSize: 1 });
      try {
        const locator = `db:${createImportUpload.id}`;
        const base = currentRssMb(process.pid);
        resetPeakRss(process.pid);
        started = performance.now();
        const hash = crypto.createHash("sha256");
        for await (const piece of openUploadFile(database.db, locator)) hash.update(piece);
        if (hash.digest("hex") !== checksum) throw new Error("the bytes read back differ from the file");
        console.log(`Read back (pieces in order, checksum checked): ${rate(performance.now() - started)}; this process's RSS ${base.toFixed(0)} MB before, peak ${peakRssMb(process.pid).toFixed(0)} MB`);
        started = performance.now();
        let rows = 0;
        await readCsvFile(openUploadFile(database.db, locator), () => void rows++);
        console.log(`Read and parse, validate every row (the import's first pass without staging): ${rate(performance.now() - started)}, ${rows} rows; peak RSS ${peakRssMb(process.pid).toFixed(0)} MB`);
      } finally {
        await database.close();
      }
    } finally {
      await stack.stop();
    }
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
