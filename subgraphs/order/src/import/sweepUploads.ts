/**
 * Keeps the upload directory bounded: targets past their time become expired, files no import
 * used are removed after their expiry, and what a crash left behind is cleaned at start. A file
 * an import used is never removed (its failed rows are read from it).
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "@ops/service-kit";
import type { OrderConn } from "../db/index.js";
import * as uploadsDb from "../db/uploads.js";
import { UPLOAD_ID, type SweepResult } from "./uploads.js";

const PAGE = 500;
/** Expired targets stay this long (a late PUT hears 410, not 404), then their rows go. */
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One sweep at `now`. `active` holds the targets whose transfer runs in this process right now.
 * Each removal is conditional on the row still being unused, so an import that marks the file
 * first keeps it, and the sweep then leaves it.
 */
export async function sweepUploads(db: OrderConn, dir: string, active: ReadonlySet<string>, now: Date): Promise<SweepResult> {
  const result: SweepResult = { expiredTargets: 0, removedFiles: 0, removedBytes: 0 };
  result.expiredTargets += await uploadsDb.expireOpenUploads(db, now);

  // A transfer that outlived its target (or whose process died) leaves a partial file.
  for (const id of await uploadsDb.stalledUploadIds(db, now)) {
    if (active.has(id)) continue;
    if (await uploadsDb.expireStalledUpload(db, id)) {
      fs.rmSync(path.join(dir, `${id}.part`), { force: true });
      result.expiredTargets += 1;
    }
  }

  for (;;) {
    // A file a real import names is kept even if it was never marked as imported, and one an
    // import is still reading (a dry run too) waits until it has finished.
    const unused = await uploadsDb.unusedUploadFiles(db, now, PAGE);
    for (const row of unused) {
      if (!(await uploadsDb.expireUnusedUpload(db, row.id)) || !row.path) continue;
      fs.rmSync(row.path, { force: true });
      result.removedFiles += 1;
      result.removedBytes += row.size;
    }
    if (unused.length < PAGE) break;
  }
  // Files an import names but that were never marked (a crash in between): mark them, so the
  // query above stops meeting them.
  await uploadsDb.markNamedUploadsImported(db, now);
  await uploadsDb.deleteExpiredUploads(db, new Date(now.getTime() - KEEP_EXPIRED_MS));
  return result;
}

/**
 * At start, before any request: no transfer can be running, so targets left receiving by a crash
 * take a file again and partial files go. Targets of the earlier store (`<id>.json` beside the
 * files) are dropped: their files stay only when an import used them. Then one sweep.
 */
export async function recoverUploads(db: OrderConn, dir: string, logger: Logger): Promise<SweepResult> {
  const reopened = await uploadsDb.reopenReceivingUploads(db);
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
    if (!(await uploadsDb.importUsesFile(db, [csv, ...(recorded ? [recorded] : [])]))) fs.rmSync(csv, { force: true });
    fs.rmSync(file, { force: true });
    legacy += 1;
  }
  const swept = await sweepUploads(db, dir, new Set(), new Date());
  if (reopened || legacy || swept.expiredTargets || swept.removedFiles) {
    logger.info("uploads recovered", { reopened, legacyTargets: legacy, ...swept });
  }
  return swept;
}

/** Sweeps every `intervalMs` (after the sweep at start); returns the stop function. */
export function scheduleUploadSweeps(sweep: () => Promise<SweepResult>, intervalMs: number, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .then((r) => {
        if (r.expiredTargets || r.removedFiles) logger.info("uploads swept", { ...r });
      })
      .catch((err: unknown) => logger.error("upload sweep failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  // The sweeper never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}
