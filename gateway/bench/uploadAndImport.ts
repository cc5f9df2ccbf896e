/**
 * Sends a CSV file through the gateway's staged upload (createImportUpload, the streamed PUT,
 * startImport) and returns the import: what the benchmarks and the replica tests start with.
 */
import fs from "node:fs";
import { poster } from "../scripts/demoShop.js";

export interface StartedImport {
  id: string;
  batchId: string;
}

export async function uploadAndImport(gatewayUrl: string, headers: Record<string, string>, file: string, filename = "import.csv"): Promise<StartedImport> {
  const post = poster(gatewayUrl, headers);
  const { createImportUpload } = await post(`mutation($f: String!) { createImportUpload(filename: $f) { id uploadUrl } }`, { f: filename });
  const put = await fetch(`${new URL(gatewayUrl).origin}${createImportUpload.uploadUrl}`, {
    method: "PUT",
    headers: { ...headers, "content-type": "text/csv", "content-length": String(fs.statSync(file).size) },
    body: fs.createReadStream(file) as never,
    duplex: "half",
  } as RequestInit);
  if (put.status !== 201) throw new Error(`upload failed: HTTP ${put.status} ${await put.text()}`);
  const { startImport } = await post(`mutation($i: StartImportInput!) { startImport(input: $i) { id batchId } }`, { i: { uploadId: createImportUpload.id } });
  return startImport;
}
