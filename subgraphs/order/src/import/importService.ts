/** The import operations behind the GraphQL mutations: thin rules over the manager and the database. */
import crypto from "node:crypto";
import { BadUserInputError, ConflictError, NotFoundError, parseId, type Identity } from "@ops/service-kit";
import type { OrderServiceDb } from "../db/index.js";
import { findImport, importsOfChecksum, insertImport, type ImportRecord } from "../db/imports.js";
import type { JobQueue } from "../jobs/jobRunner.js";
import { DEFAULT_OPTIONS, FINISHED, IMPORTED_STATUSES, type ImportOptions, type ImportStatus } from "./importTypes.js";
import type { UploadStore } from "./uploads.js";

export interface ImportDeps {
  database: OrderServiceDb;
  uploads: UploadStore;
  imports: JobQueue;
}

export interface StartImportInput extends Partial<ImportOptions> {
  uploadId: string;
}

/**
 * The first real (not dry-run) import of the file with `checksum` that is queued, running or has
 * completed: a real import of the same file is refused unless forced.
 */
async function earlierRealImport(deps: ImportDeps, checksum: string): Promise<ImportRecord | null> {
  const earlier = await importsOfChecksum(deps.database.db, checksum, IMPORTED_STATUSES);
  return earlier.find((e) => !(JSON.parse(e.options) as ImportOptions).dryRun) ?? null;
}

/** Creates the import_history row and queues the import. */
async function queueImport(deps: ImportDeps, upload: { filename: string; checksum: string; size: number; path: string }, options: ImportOptions, identity: Identity, batchId: string, retryOf: number | null) {
  const row = await insertImport(deps.database.db, {
    batchId,
    filename: upload.filename,
    checksum: upload.checksum,
    fileSize: upload.size,
    options: JSON.stringify(options),
    uploadPath: upload.path,
    retryOf,
    actor: identity.name,
  });
  deps.imports.enqueue(row.id);
  return row;
}

export async function startImport(deps: ImportDeps, input: StartImportInput, identity: Identity) {
  const upload = await deps.uploads.get(input.uploadId, identity, "input.uploadId");
  const options: ImportOptions = {
    dryRun: input.dryRun ?? DEFAULT_OPTIONS.dryRun,
    atomic: input.atomic ?? DEFAULT_OPTIONS.atomic,
    sendConfirmations: input.sendConfirmations ?? DEFAULT_OPTIONS.sendConfirmations,
    createPayments: input.createPayments ?? DEFAULT_OPTIONS.createPayments,
    force: input.force ?? DEFAULT_OPTIONS.force,
  };
  if (!options.dryRun && !options.force) {
    const real = await earlierRealImport(deps, upload.checksum);
    if (real) {
      throw new ConflictError(
        `This file was already imported as import ${real.id} (${real.filename}, ${real.createdAt.toISOString()}). Import it again only on purpose, with force: true.`,
        { field: "input.uploadId", params: { importId: real.id, batchId: real.batchId, checksum: upload.checksum } },
      );
    }
  }
  // A real import keeps its file (its failed rows are read from it); a dry run only previews, so
  // its file still counts against the quota and is removed at its expiry like any unused file.
  if (!options.dryRun) await deps.uploads.markImported(upload, "input.uploadId");
  return queueImport(deps, upload, options, identity, crypto.randomUUID(), null);
}

export async function retryImport(deps: ImportDeps, input: { importId: string; uploadId: string }, identity: Identity) {
  const id = parseId(input.importId, "input.importId");
  const original = await findImport(deps.database.db, id);
  if (!original) throw new NotFoundError(`Import ${id} does not exist`, { field: "input.importId", params: { id } });
  if (!FINISHED.includes(original.status as ImportStatus)) {
    throw new ConflictError(`Import ${id} is still ${original.status}; retry its failed rows once it has finished`, { field: "input.importId", params: { status: original.status } });
  }
  const options = JSON.parse(original.options) as ImportOptions;
  if (options.dryRun) throw new BadUserInputError(`Import ${id} was a dry run: start a real import instead`, { field: "input.importId" });
  const upload = await deps.uploads.get(input.uploadId, identity, "input.uploadId");
  await deps.uploads.markImported(upload, "input.uploadId");
  // The same batch: orders already imported are never written twice (UNIQUE(batch_id, order_key)).
  return queueImport(deps, upload, { ...options, atomic: false, force: true }, identity, original.batchId, id);
}

export async function cancelImport(deps: ImportDeps, rawId: string) {
  const id = parseId(rawId);
  const row = await findImport(deps.database.db, id);
  if (!row) throw new NotFoundError(`Import ${id} does not exist`, { field: "id", params: { id } });
  if (!(await deps.imports.cancel(id))) {
    throw new ConflictError(`Import ${id} has already finished (${row.status}); undo its batch to cancel its orders`, { field: "id", params: { status: row.status } });
  }
  return (await findImport(deps.database.db, id))!;
}
