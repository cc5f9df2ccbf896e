/**
 * The upload store of one order service: targets in the `import_uploads` table, their files in
 * `files` (the database's pieces on PostgreSQL, the disk on SQLite: uploadFiles.ts). Every state
 * change is one conditional UPDATE, so two PUTs racing for a target cannot both win, and the
 * quotas are checked in the same statement that creates a target.
 */
import crypto from "node:crypto";
import path from "node:path";
import { AppError, BadUserInputError, ConflictError, NotFoundError, type Logger } from "@ops/service-kit";
import type { OrderServiceDb } from "../db/index.js";
import * as uploadsDb from "../db/uploads.js";
import { BodyOverLimit } from "./receiveFile.js";
import { recoverUploads, sweepUploads } from "./sweepUploads.js";
import type { UploadFiles } from "./uploadFiles.js";
import { ownerOf, UPLOAD_ID, type Upload, type UploadLimits, type UploadStore, type StoredUpload } from "./uploads.js";

const MAX_FILENAME = 255;

function withHttpStatus(code: "CONFLICT" | "BAD_USER_INPUT", status: number, message: string, details: { field?: string; params: Record<string, unknown> }): AppError {
  return new AppError(code, message, { ...details, extra: { http: { status } } });
}

const unknownUpload = (id: string, field: string) =>
  new NotFoundError(`Upload ${id} does not exist: ask for an upload target first (createImportUpload)`, { field, params: { id } });

export function createUploadStore(database: OrderServiceDb, files: UploadFiles, limits: UploadLimits, logger: Logger): UploadStore {
  const { db } = database;
  // Transfers running in this process: the sweeper leaves their targets alone.
  const active = new Set<string>();

  const quotaExceeded = (limit: "OPEN_UPLOADS" | "PENDING_BYTES", max: number) =>
    new ConflictError(
      limit === "OPEN_UPLOADS"
        ? `You already hold ${max} upload targets that have not received a file (the limit): send files to them, or wait until they expire`
        : `Your uploaded files that no import has used yet would exceed ${max} bytes (the limit): import or let them expire first`,
      { params: { limit, max } },
    );

  /** Why `owner` cannot PUT to `id` now (its conditional claim changed no row). */
  const refusal = async (id: string, owner: string): Promise<AppError> => {
    const row = await uploadsDb.findUpload(db, id);
    // Someone else's target answers exactly like an unknown one: ids cannot be probed.
    if (!row || row.createdBy !== owner) return unknownUpload(id, "id");
    if (row.state === "receiving") return new ConflictError(`Upload ${id} is receiving its file from another request; ask for a new upload target`, { field: "id", params: { id, state: row.state } });
    if (row.state === "complete") return new ConflictError(`Upload ${id} already holds a file; ask for a new upload target`, { field: "id", params: { id, state: row.state } });
    return withHttpStatus("CONFLICT", 410, `Upload ${id} expired at ${row.expiresAt.toISOString()}; ask for a new upload target`, { field: "id", params: { id, state: "expired" } });
  };

  const store: UploadStore = {
    limits,

    async create(filename, identity) {
      const name = path.basename(filename.trim());
      if (!name || name.length > MAX_FILENAME) {
        throw new BadUserInputError(`Give the file's name (at most ${MAX_FILENAME} characters)`, { field: "filename", params: { max: MAX_FILENAME } });
      }
      const owner = ownerOf(identity);
      const id = crypto.randomUUID();
      const now = new Date();
      // Checked and recorded in one serializable transaction: the quotas hold even when one
      // identity creates targets concurrently (SQLite holds the write lock; PostgreSQL re-runs
      // the loser of a conflict, which then sees the winner's target).
      const refused = await database.transaction(
        async (trx) => {
          if ((await uploadsDb.countOpenUploads(trx, owner, now)) >= limits.maxOpenUploads) return quotaExceeded("OPEN_UPLOADS", limits.maxOpenUploads);
          if ((await uploadsDb.pendingUploadBytes(trx, owner)) >= limits.maxPendingBytes) return quotaExceeded("PENDING_BYTES", limits.maxPendingBytes);
          await uploadsDb.insertUpload(trx, { id, filename: name, owner, createdAt: now, expiresAt: new Date(now.getTime() + limits.ttlMs) });
          return null;
        },
        { isolation: "serializable" },
      );
      if (refused) throw refused;
      return (await uploadsDb.findUpload(db, id)) as Upload;
    },

    async receive(id, identity, body, declaredLength) {
      if (!UPLOAD_ID.test(id)) throw unknownUpload(id, "id");
      const tooLarge = () => withHttpStatus("BAD_USER_INPUT", 413, `The file is larger than the limit of ${limits.maxBytes} bytes`, { params: { max: limits.maxBytes } });
      if (declaredLength !== null && declaredLength > limits.maxBytes) throw tooLarge();
      const owner = ownerOf(identity);
      const now = new Date();
      // The claim: of any number of concurrent PUTs, exactly one changes this row. The transfer
      // gets a whole time-to-live: a sweeper (another replica's, which cannot see this transfer)
      // takes a receiving target for a dead one only after that.
      if (!(await uploadsDb.claimUpload(db, id, owner, now, new Date(now.getTime() + limits.ttlMs)))) throw await refusal(id, owner);
      active.add(id);
      let stored: string | null = null;
      try {
        const room = limits.maxPendingBytes - (await uploadsDb.pendingUploadBytes(db, owner));
        const limit = Math.min(limits.maxBytes, room);
        const overLimit = () => (limit === limits.maxBytes ? tooLarge() : quotaExceeded("PENDING_BYTES", limits.maxPendingBytes));
        if (declaredLength !== null && declaredLength > limit) throw overLimit();
        let received: { size: number; checksum: string; path: string };
        try {
          received = await files.write(id, body, limit);
        } catch (err) {
          if (err instanceof BodyOverLimit) throw overLimit();
          throw new BadUserInputError("The upload was interrupted; send the file again", { params: { id } });
        }
        stored = received.path;
        if (received.size === 0) throw new BadUserInputError("The file is empty", { params: { id } });
        const done = await uploadsDb.completeUpload(db, id, { ...received, expiresAt: new Date(Date.now() + limits.ttlMs) });
        if (!done) throw new Error(`upload ${id} left the receiving state during its transfer`);
        return { id, filename: (await uploadsDb.findUpload(db, id))!.filename, size: received.size, checksum: received.checksum };
      } catch (err) {
        const logFailure = (what: string) => (e: unknown) => logger.error(what, { id, error: e instanceof Error ? e.message : String(e) });
        // Reopened even when the removal failed: the next transfer overwrites (disk) or first
        // removes (database) what is left, and an unused file is swept with its target.
        if (stored) await files.remove(stored).catch(logFailure("could not remove a failed upload's bytes"));
        // The target takes a file again: a failed transfer is not its one file.
        await uploadsDb.reopenUpload(db, id).catch(logFailure("could not reopen an upload target"));
        throw err;
      } finally {
        active.delete(id);
      }
    },

    async get(id, identity, field) {
      const row = UPLOAD_ID.test(id) ? await uploadsDb.findUpload(db, id) : null;
      if (!row || row.createdBy !== ownerOf(identity)) throw unknownUpload(id, field);
      if (row.state === "open" || row.state === "receiving") {
        throw new ConflictError(`Upload ${id} has not received its file yet: PUT the file to /uploads/${id} first`, { field, params: { id, state: row.state } });
      }
      if (row.state === "expired" || (row.importedAt === null && row.expiresAt <= new Date())) {
        throw new ConflictError(`Upload ${id} expired and its file was removed; upload the file again`, { field, params: { id, state: "expired" } });
      }
      return row as StoredUpload;
    },

    async markImported(upload, field) {
      // Conditional like the sweeper's removal: either the import keeps the file or it was gone.
      const now = new Date();
      if (!(await uploadsDb.markUploadImported(db, upload.id, upload.importedAt ?? now, now))) throw new ConflictError(`Upload ${upload.id} expired and its file was removed; upload the file again`, { field, params: { id: upload.id, state: "expired" } });
    },

    sweep: (now = new Date()) => sweepUploads(db, files, active, now),
    recover: () => recoverUploads(db, files, logger),
  };
  return store;
}
