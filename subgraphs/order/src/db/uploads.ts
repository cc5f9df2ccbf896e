/**
 * The `import_uploads` table: upload targets and their stored files (import/uploadStore.ts keeps
 * the files). Every state change is one conditional UPDATE, so two requests racing for a target
 * cannot both win.
 */
import { sql, type Selectable } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import type { ImportUpload } from "../generated/kysely/types.js";
import type { Upload, UploadState } from "../import/uploads.js";
import { dialectOf, stamp, type OrderConn } from "./index.js";

type Db = OrderConn;

/** A row as the upload store's shape. */
function toUpload(row: Selectable<ImportUpload>): Upload {
  return {
    id: row.id,
    filename: row.filename,
    createdBy: row.created_by,
    createdAt: readTimestamp(row.created_at),
    expiresAt: readTimestamp(row.expires_at),
    state: row.state as UploadState,
    size: row.size === null ? null : Number(row.size),
    checksum: row.checksum,
    path: row.path,
    importedAt: row.imported_at === null ? null : readTimestamp(row.imported_at),
  };
}

/** The upload `id`, or null. */
export async function findUpload(db: Db, id: string): Promise<Upload | null> {
  const row = await db.selectFrom("import_uploads").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUpload(row) : null;
}

/** Targets of `owner` still waiting for their file at `now`. */
export async function countOpenUploads(db: Db, owner: string, now: Date): Promise<number> {
  const { n } = await db
    .selectFrom("import_uploads")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("created_by", "=", owner)
    .where("state", "in", ["open", "receiving"])
    .where("expires_at", ">", stamp(now))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Bytes of the stored files of `owner` that no import has used. */
export async function pendingUploadBytes(db: Db, owner: string): Promise<number> {
  const { bytes } = await db
    .selectFrom("import_uploads")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size"), sql<number>`0`).as("bytes"))
    .where("created_by", "=", owner)
    .where("state", "=", "complete")
    .where("imported_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(bytes);
}

/** Records a new open target. */
export async function insertUpload(db: Db, upload: { id: string; filename: string; owner: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto("import_uploads")
    .values({ id: upload.id, filename: upload.filename, created_by: upload.owner, created_at: stamp(upload.createdAt), expires_at: stamp(upload.expiresAt), state: "open" })
    .execute();
}

/**
 * Open → receiving for `owner` before its expiry, the transfer then having until `until`; false
 * when another request claimed it first (or it is not claimable).
 */
export async function claimUpload(db: Db, id: string, owner: string, now: Date, until: Date): Promise<boolean> {
  const result = await db
    .updateTable("import_uploads")
    .set({ state: "receiving", expires_at: stamp(until) })
    .where("id", "=", id)
    .where("created_by", "=", owner)
    .where("state", "=", "open")
    .where("expires_at", ">", stamp(now))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Receiving → complete with the stored file; false when it left the receiving state meanwhile. */
export async function completeUpload(db: Db, id: string, file: { size: number; checksum: string; path: string; expiresAt: Date }): Promise<boolean> {
  const result = await db
    .updateTable("import_uploads")
    .set({ state: "complete", size: file.size, checksum: file.checksum, path: file.path, expires_at: stamp(file.expiresAt) })
    .where("id", "=", id)
    .where("state", "=", "receiving")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Receiving → open: a failed transfer is not the target's one file. */
export async function reopenUpload(db: Db, id: string): Promise<void> {
  await db.updateTable("import_uploads").set({ state: "open" }).where("id", "=", id).where("state", "=", "receiving").execute();
}

/**
 * Marks a complete file as used by a real import (at `at`, kept from then on), unless it expired
 * at `now` without having been used; false when it had.
 */
export async function markUploadImported(db: Db, id: string, at: Date, now: Date): Promise<boolean> {
  const result = await db
    .updateTable("import_uploads")
    .set({ imported_at: stamp(at) })
    .where("id", "=", id)
    .where("state", "=", "complete")
    .where((eb) => eb.or([eb("imported_at", "is not", null), eb("expires_at", ">", stamp(now))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Open targets past their time become expired; returns how many. */
export async function expireOpenUploads(db: Db, now: Date): Promise<number> {
  const result = await db.updateTable("import_uploads").set({ state: "expired" }).where("state", "=", "open").where("expires_at", "<=", stamp(now)).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Targets whose transfer outlived their time (or whose process died). */
export async function stalledUploadIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db.selectFrom("import_uploads").select("id").where("state", "=", "receiving").where("expires_at", "<=", stamp(now)).execute();
  return rows.map((r) => r.id);
}

/** Receiving → expired; false when its transfer ended meanwhile. */
export async function expireStalledUpload(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable("import_uploads").set({ state: "expired" }).where("id", "=", id).where("state", "=", "receiving").executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An import that keeps its file: one not finished, or a real (not dry-run) one. */
function keepsFile(db: Db) {
  // options is the import's JSON text; PostgreSQL reads it as jsonb, SQLite with json_extract.
  const real = dialectOf(db) === "postgres" ? sql<boolean>`(h.options::jsonb ->> 'dryRun') = 'false'` : sql<boolean>`json_extract(h.options, '$.dryRun') = 0`;
  return { real, keeps: sql<boolean>`(h.status IN ('pending', 'running', 'cancelling') OR ${real})` };
}

/**
 * Complete files no import used, expired at `now`, that no import names (a real one, or one still
 * reading it): at most `limit`.
 */
export async function unusedUploadFiles(db: Db, now: Date, limit: number): Promise<{ id: string; path: string | null; size: number }[]> {
  const { keeps } = keepsFile(db);
  const rows = await db
    .selectFrom("import_uploads as u")
    .select(["u.id", "u.path", "u.size"])
    .where("u.state", "=", "complete")
    .where("u.imported_at", "is", null)
    .where("u.expires_at", "<=", stamp(now))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("import_history as h")
            .select(sql`1`.as("one"))
            .whereRef("h.upload_path", "=", "u.path")
            .where(keeps),
        ),
      ),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, path: r.path, size: Number(r.size ?? 0) }));
}

/** Complete, unused → expired without its path; false when an import marked it meanwhile. */
export async function expireUnusedUpload(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable("import_uploads")
    .set({ state: "expired", path: null })
    .where("id", "=", id)
    .where("state", "=", "complete")
    .where("imported_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Files a real import names but that were never marked (a crash in between) are marked at `now`. */
export async function markNamedUploadsImported(db: Db, now: Date): Promise<void> {
  const { real } = keepsFile(db);
  await db
    .updateTable("import_uploads")
    .set({ imported_at: stamp(now) })
    .where("state", "=", "complete")
    .where("imported_at", "is", null)
    .where("expires_at", "<=", stamp(now))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("import_history as h")
          .select(sql`1`.as("one"))
          .whereRef("h.upload_path", "=", "import_uploads.path")
          .where(real),
      ),
    )
    .execute();
}

/** Removes the rows of targets expired before `before`. */
export async function deleteExpiredUploads(db: Db, before: Date): Promise<void> {
  await db.deleteFrom("import_uploads").where("state", "=", "expired").where("expires_at", "<", stamp(before)).execute();
}

/** At start: targets a crash left receiving take a file again; returns how many. */
export async function reopenReceivingUploads(db: Db): Promise<number> {
  const result = await db.updateTable("import_uploads").set({ state: "open" }).where("state", "=", "receiving").executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Whether an import names one of `files` as its upload. */
export async function importUsesFile(db: Db, files: readonly string[]): Promise<boolean> {
  if (files.length === 0) return false;
  const row = await db.selectFrom("import_history").select("id").where("upload_path", "in", files).limit(1).executeTakeFirst();
  return row !== undefined;
}
