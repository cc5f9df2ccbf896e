/**
 * The `import_upload_chunks` table: an upload's bytes in the database, in pieces numbered from 0
 * (import/databaseUploadFiles.ts writes and reads them). They count as a file only while their
 * `import_uploads` row is complete; deleting the row deletes them (ON DELETE CASCADE).
 */
import type { OrderConn } from "./index.js";

type Db = OrderConn;

/** Stores piece `seq` of upload `uploadId`. */
export async function insertUploadChunk(db: Db, uploadId: string, seq: number, bytes: Buffer): Promise<void> {
  await db.insertInto("import_upload_chunks").values({ upload_id: uploadId, seq, bytes }).execute();
}

/** At most `limit` pieces of `uploadId` after piece `after`, in order (keyset over the primary key). */
export async function uploadChunkPage(db: Db, uploadId: string, after: number, limit: number): Promise<{ seq: number; bytes: Buffer }[]> {
  const rows = await db
    .selectFrom("import_upload_chunks")
    .select(["seq", "bytes"])
    .where("upload_id", "=", uploadId)
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), bytes: r.bytes }));
}

/** Whether `uploadId` has its first piece (a stored file is never empty). */
export async function hasUploadChunks(db: Db, uploadId: string): Promise<boolean> {
  const row = await db.selectFrom("import_upload_chunks").select("seq").where("upload_id", "=", uploadId).where("seq", "=", 0).executeTakeFirst();
  return row !== undefined;
}

/** Removes every piece of `uploadId`. */
export async function deleteUploadChunks(db: Db, uploadId: string): Promise<void> {
  await db.deleteFrom("import_upload_chunks").where("upload_id", "=", uploadId).execute();
}
