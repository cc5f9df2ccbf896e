/**
 * Uploads on the order service's own disk (SQLite: one order process per database): a transfer
 * writes `<id>.part`, renamed to `<id>.csv` once the body is complete.
 */
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { receiveFile } from "./receiveFile.js";
import { UPLOAD_ID } from "./uploads.js";

/** Where a file under `dir` is written while its transfer runs. */
const partOf = (dir: string, id: string) => path.join(dir, `${id}.part`);

/** Writes `body` to `<dir>/<id>.csv` (through `.part`); removes the partial file when it fails. */
export async function writeDiskFile(dir: string, id: string, body: Readable, limit: number): Promise<{ size: number; checksum: string; path: string }> {
  const part = partOf(dir, id);
  const file = path.join(dir, `${id}.csv`);
  try {
    // `wx`: created, never overwritten.
    const received = await receiveFile(body, fs.createWriteStream(part, { flags: "wx" }), limit);
    fs.renameSync(part, file);
    return { ...received, path: file };
  } catch (err) {
    fs.rmSync(part, { force: true });
    throw err;
  }
}

/** Removes what a transfer of `id` left under `dir`. */
export function discardDiskPart(dir: string, id: string): void {
  fs.rmSync(partOf(dir, id), { force: true });
}

/**
 * At start, before any transfer of this process: partial files go, and targets of the earlier
 * store (`<id>.json` beside the files) are dropped, their files kept only when `used` says an
 * import names them. Returns how many earlier targets it dropped.
 */
export async function clearDiskLeftovers(dir: string, used: (files: string[]) => Promise<boolean>): Promise<number> {
  let legacy = 0;
  for (const entry of fs.readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (entry.endsWith(".part")) {
      fs.rmSync(file, { force: true });
      continue;
    }
    const id = entry.replace(/\.json$/, "");
    if (!entry.endsWith(".json") || !UPLOAD_ID.test(id)) continue;
    let recorded: string | undefined;
    try {
      recorded = (JSON.parse(fs.readFileSync(file, "utf8")) as { path?: string }).path;
    } catch {
      recorded = undefined;
    }
    const csv = path.join(dir, `${id}.csv`);
    if (!(await used([csv, ...(recorded ? [recorded] : [])]))) fs.rmSync(csv, { force: true });
    fs.rmSync(file, { force: true });
    legacy += 1;
  }
  return legacy;
}
