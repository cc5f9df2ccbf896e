/**
 * Keeps the upload directory bounded: targets past their time become expired, files no import
 * used are removed after their expiry, and what a crash left behind is cleaned at start. A file
 * an import used is never removed (its failed rows are read from it).
 */
import fs from "node:fs";
import path from "node:path";
import { sqlDate, type Logger } from "@ops/service-kit";
import { Prisma } from "../generated/prisma/client.js";
import type { OrderDb } from "../db.js";
import { UPLOAD_ID, type SweepResult } from "./uploads.js";

const PAGE = 500;
/** An import that keeps its file: a real one (its failed rows), or any that has not finished. */
const KEEPS_FILE = Prisma.sql`h.status IN ('pending', 'running', 'cancelling') OR json_extract(h.options, '$.dryRun') = 0`;
/** Expired targets stay this long (a late PUT hears 410, not 404), then their rows go. */
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One sweep at `now`. `active` holds the targets whose transfer runs in this process right now.
 * Each removal is conditional on the row still being unused, so an import that marks the file
 * first keeps it, and the sweep then leaves it.
 */
export async function sweepUploads(db: OrderDb, dir: string, active: ReadonlySet<string>, now: Date): Promise<SweepResult> {
  const result: SweepResult = { expiredTargets: 0, removedFiles: 0, removedBytes: 0 };
  result.expiredTargets += (await db.importUpload.updateMany({ where: { state: "open", expiresAt: { lte: now } }, data: { state: "expired" } })).count;

  // A transfer that outlived its target (or whose process died) leaves a partial file.
  const stalled = await db.importUpload.findMany({ where: { state: "receiving", expiresAt: { lte: now } }, select: { id: true } });
  for (const { id } of stalled) {
    if (active.has(id)) continue;
    const { count } = await db.importUpload.updateMany({ where: { id, state: "receiving" }, data: { state: "expired" } });
    if (count === 1) {
      fs.rmSync(path.join(dir, `${id}.part`), { force: true });
      result.expiredTargets += 1;
    }
  }

  const at = sqlDate(now);
  for (;;) {
    // NOT EXISTS: a file a real import names is kept even if it was never marked as imported, and
    // one an import is still reading (a dry run too) waits until it has finished.
    const unused = await db.$queryRaw<{ id: string; path: string | null; size: number | bigint | null }[]>`
      SELECT id, path, size FROM import_uploads u
      WHERE state = 'complete' AND imported_at IS NULL AND expires_at <= ${at}
        AND NOT EXISTS (SELECT 1 FROM import_history h WHERE h.upload_path = u.path AND (${KEEPS_FILE}))
      LIMIT ${PAGE}`;
    for (const row of unused) {
      const { count } = await db.importUpload.updateMany({ where: { id: row.id, state: "complete", importedAt: null }, data: { state: "expired", path: null } });
      if (count !== 1 || !row.path) continue;
      fs.rmSync(row.path, { force: true });
      result.removedFiles += 1;
      result.removedBytes += Number(row.size ?? 0);
    }
    if (unused.length < PAGE) break;
  }
  // Files an import names but that were never marked (a crash in between): mark them, so the
  // query above stops meeting them.
  await db.$executeRaw`
    UPDATE import_uploads SET imported_at = ${at}
    WHERE state = 'complete' AND imported_at IS NULL AND expires_at <= ${at}
      AND EXISTS (SELECT 1 FROM import_history h WHERE h.upload_path = import_uploads.path AND json_extract(h.options, '$.dryRun') = 0)`;
  await db.importUpload.deleteMany({ where: { state: "expired", expiresAt: { lt: new Date(now.getTime() - KEEP_EXPIRED_MS) } } });
  return result;
}

/** Whether an import names `file` as its upload. */
async function importUses(db: OrderDb, ...files: string[]): Promise<boolean> {
  return (await db.importHistory.count({ where: { uploadPath: { in: files } } })) > 0;
}

/**
 * At start, before any request: no transfer can be running, so targets left receiving by a crash
 * take a file again and partial files go. Targets of the earlier store (`<id>.json` beside the
 * files) are dropped: their files stay only when an import used them. Then one sweep.
 */
export async function recoverUploads(db: OrderDb, dir: string, logger: Logger): Promise<SweepResult> {
  const reopened = await db.importUpload.updateMany({ where: { state: "receiving" }, data: { state: "open" } });
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
    if (!(await importUses(db, csv, ...(recorded ? [recorded] : [])))) fs.rmSync(csv, { force: true });
    fs.rmSync(file, { force: true });
    legacy += 1;
  }
  const swept = await sweepUploads(db, dir, new Set(), new Date());
  if (reopened.count || legacy || swept.expiredTargets || swept.removedFiles) {
    logger.info("uploads recovered", { reopened: reopened.count, legacyTargets: legacy, ...swept });
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
