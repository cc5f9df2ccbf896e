/**
 * Where an upload's bytes live, behind one interface: on PostgreSQL in the order database
 * (`import_upload_chunks`), which every replica reads, so a file PUT to one replica is imported
 * by another; on SQLite (one order process) on the service's disk. The upload store, the sweeper,
 * the import and the downloads go through this module and never ask which.
 *
 * A stored file is named by its `path` (`import_uploads.path`, `import_history.upload_path`):
 * `db:<upload id>` in the database, an absolute file path on disk. Reading and removing follow
 * the path, so files stored on disk before a service moved to PostgreSQL stay readable there.
 */
import fs from "node:fs";
import type { Readable } from "node:stream";
import type { OrderConn, OrderServiceDb } from "../db/index.js";
import { deleteUploadChunks, hasUploadChunks } from "../db/uploadChunks.js";
import { databaseUploadId, readDatabaseFile, writeDatabaseFile } from "./databaseUploadFiles.js";
import { clearDiskLeftovers, discardDiskPart, writeDiskFile } from "./diskUploadFiles.js";

export interface UploadFiles {
  /**
   * True when other processes store uploads here too (the database, shared by replicas): a
   * target another process is receiving cannot be told from one a crash left.
   */
  readonly shared: boolean;
  /**
   * Stores the body of upload `id`, at most `limit` bytes, and returns the bytes' size, SHA-256
   * and path. Nothing it stores counts as a file until the upload is marked complete. Rejects
   * with BodyOverLimit past the limit, or the transfer's error, having removed what it stored.
   */
  write(id: string, body: Readable, limit: number): Promise<{ size: number; checksum: string; path: string }>;
  /** Removes what a transfer of `id` that will never finish left (it stalled, or its process died). */
  discardPartial(id: string): Promise<void>;
  /** Removes the stored file at `path`. */
  remove(path: string): Promise<void>;
  /** At start: clears what a crash or the earlier, JSON-file store left on disk; returns how many earlier targets it dropped. */
  clearLeftovers(used: (files: string[]) => Promise<boolean>): Promise<number>;
}

/** The storage for `database`: its own tables on PostgreSQL, `dir` on SQLite. */
export function createUploadFiles(database: OrderServiceDb, dir: string): UploadFiles {
  fs.mkdirSync(dir, { recursive: true });
  const { db } = database;
  const inDatabase = database.dialect === "postgres";
  return {
    shared: inDatabase,
    write: (id, body, limit) => (inDatabase ? writeDatabaseFile(db, id, body, limit) : writeDiskFile(dir, id, body, limit)),
    async discardPartial(id) {
      if (inDatabase) await deleteUploadChunks(db, id);
      // A transfer on disk before the move to PostgreSQL may have left its part too.
      discardDiskPart(dir, id);
    },
    remove: (path) => removeUploadFile(db, path),
    // Files on disk are this process's own (or from before the move to PostgreSQL) on both.
    clearLeftovers: (used) => clearDiskLeftovers(dir, used),
  };
}

/** The bytes of the stored file at `path`, in order, a piece (about 1 MB) at a time. */
export function openUploadFile(db: OrderConn, path: string, chunkBytes = 1 << 20): AsyncIterable<Buffer> {
  const id = databaseUploadId(path);
  return id === null ? (fs.createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) : readDatabaseFile(db, id);
}

/** Whether the stored file at `path` is still there. */
export async function uploadFileExists(db: OrderConn, path: string): Promise<boolean> {
  const id = databaseUploadId(path);
  if (id !== null) return hasUploadChunks(db, id);
  try {
    await fs.promises.access(path, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Removes the stored file at `path`. */
export async function removeUploadFile(db: OrderConn, path: string): Promise<void> {
  const id = databaseUploadId(path);
  if (id === null) fs.rmSync(path, { force: true });
  else await deleteUploadChunks(db, id);
}
