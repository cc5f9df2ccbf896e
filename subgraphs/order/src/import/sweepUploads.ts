/**
 * Keeps the uploads' storage bounded (the database's pieces or the disk, see uploadFiles.ts):
 * targets past their time become expired, files no import used are removed after their expiry,
 * and what a crash left behind is cleaned at start. A file an import used is never removed (its
 * failed rows are read from it).
 */
import type { Logger } from "@ops/service-kit";
import type { OrderConn } from "../db/index.js";
import * as uploadsDb from "../db/uploads.js";
import type { UploadFiles } from "./uploadFiles.js";
import type { SweepResult } from "./uploads.js";

const PAGE = 500;
/** Expired targets stay this long (a late PUT hears 410, not 404), then their rows go. */
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One sweep at `now`. `active` holds the targets whose transfer runs in this process right now.
 * Each removal is conditional on the row still being unused, so an import that marks the file
 * first keeps it, and the sweep then leaves it.
 */
export async function sweepUploads(db: OrderConn, files: UploadFiles, active: ReadonlySet<string>, now: Date): Promise<SweepResult> {
  const result: SweepResult = { expiredTargets: 0, removedFiles: 0, removedBytes: 0 };
  result.expiredTargets += await uploadsDb.expireOpenUploads(db, now);

  // A transfer that outlived its target (or whose process died) leaves a partial file. (One still
  // running on another replica then fails to complete, and removes what it stored.)
  for (const id of await uploadsDb.stalledUploadIds(db, now)) {
    if (active.has(id)) continue;
    if (await uploadsDb.expireStalledUpload(db, id)) {
      await files.discardPartial(id);
      result.expiredTargets += 1;
    }
  }

  for (;;) {
    // A file a real import names is kept even if it was never marked as imported, and one an
    // import is still reading (a dry run too) waits until it has finished.
    const unused = await uploadsDb.unusedUploadFiles(db, now, PAGE);
    for (const row of unused) {
      if (!(await uploadsDb.expireUnusedUpload(db, row.id)) || !row.path) continue;
      await files.remove(row.path);
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
 * At start, before any request of this process. Alone on its storage (SQLite), no transfer can be
 * running, so targets a crash left receiving take a file again; where replicas share it
 * (PostgreSQL), one of them may be receiving it, so such a target waits for its expiry and the
 * sweep then removes its pieces. Partial files on disk and targets of the earlier store
 * (`<id>.json` beside the files) go: their files stay only when an import used them. Then one sweep.
 */
export async function recoverUploads(db: OrderConn, files: UploadFiles, logger: Logger): Promise<SweepResult> {
  const reopened = files.shared ? 0 : await uploadsDb.reopenReceivingUploads(db);
  const legacy = await files.clearLeftovers((paths) => uploadsDb.importUsesFile(db, paths));
  const swept = await sweepUploads(db, files, new Set(), new Date());
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
