/**
 * Staged uploads (like Shopify's): the client asks for an upload target with GraphQL, sends the
 * file over plain HTTP (`PUT /uploads/:id`, streamed to disk with its SHA-256 computed on the
 * way), then starts the import with the upload's id. No multi-megabyte GraphQL strings.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import type { Express } from "express";
import { AppError, BadUserInputError, ConflictError, NotFoundError, type Identity, type Role } from "@ops/service-kit";

export interface UploadMeta {
  id: string;
  filename: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  complete: boolean;
  size?: number;
  checksum?: string;
  path: string;
}

const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const ID_RE = /^[0-9a-f-]{36}$/;

export interface UploadStore {
  create(filename: string, identity: Identity): UploadMeta;
  /** Any upload, finished or not; null when unknown. */
  find(id: string): UploadMeta | null;
  /** Records that the file arrived. */
  complete(meta: UploadMeta, size: number, checksum: string): UploadMeta;
  /** The finished upload, or NOT_FOUND / CONFLICT (not uploaded yet). */
  get(id: string, field?: string): UploadMeta;
  maxBytes: number;
}

export function createUploadStore(dir: string, maxBytes: number): UploadStore {
  fs.mkdirSync(dir, { recursive: true });
  const metaPath = (id: string) => path.join(dir, `${id}.json`);
  const read = (id: string): UploadMeta | null => {
    if (!ID_RE.test(id) || !fs.existsSync(metaPath(id))) return null;
    return JSON.parse(fs.readFileSync(metaPath(id), "utf8")) as UploadMeta;
  };
  return {
    maxBytes,
    find: read,
    complete(meta, size, checksum) {
      const done: UploadMeta = { ...meta, complete: true, size, checksum };
      fs.writeFileSync(metaPath(meta.id), JSON.stringify(done));
      return done;
    },
    create(filename, identity) {
      const name = path.basename(filename.trim());
      if (!name || name.length > 255) throw new BadUserInputError("Give the file's name (at most 255 characters)", { field: "filename" });
      const id = crypto.randomUUID();
      const now = Date.now();
      const meta: UploadMeta = {
        id,
        filename: name,
        createdBy: identity.name,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + UPLOAD_TTL_MS).toISOString(),
        complete: false,
        path: path.join(dir, `${id}.csv`),
      };
      fs.writeFileSync(metaPath(id), JSON.stringify(meta));
      return meta;
    },
    get(id, field = "input.uploadId") {
      const meta = read(id);
      if (!meta) throw new NotFoundError(`Upload ${id} does not exist`, { field, params: { id } });
      if (!meta.complete) throw new ConflictError(`Upload ${id} has not received its file yet: PUT the file to /uploads/${id} first`, { field, params: { id } });
      return meta;
    },
  };
}

function sendError(res: import("express").Response, status: number, err: AppError | Error): void {
  const code = err instanceof AppError ? err.extensions.code : "INTERNAL_SERVER_ERROR";
  res.status(status).json({ errors: [{ message: err.message, extensions: { code } }] });
}

/** Mounts `PUT /uploads/:id`: operators send the file's bytes as the request body. */
export function mountUploadRoute(app: Express, store: UploadStore, authenticate: (req: import("node:http").IncomingMessage, role: Role) => Promise<Identity>): void {
  app.put("/uploads/:id", async (req, res) => {
    try {
      await authenticate(req, "operator");
    } catch (err) {
      sendError(res, err instanceof AppError && err.extensions.code === "FORBIDDEN" ? 403 : 401, err as Error);
      return;
    }
    const meta = store.find(String(req.params.id));
    if (!meta) return sendError(res, 404, new NotFoundError(`Upload ${req.params.id} does not exist: ask for an upload target first (createImportUpload)`));
    if (meta.complete) return sendError(res, 409, new ConflictError(`Upload ${meta.id} already holds a file; ask for a new upload target`));
    if (Date.parse(meta.expiresAt) < Date.now()) return sendError(res, 410, new ConflictError(`Upload ${meta.id} expired; ask for a new upload target`));
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > store.maxBytes) return sendError(res, 413, new BadUserInputError(`The file is larger than the limit of ${store.maxBytes} bytes`));
    const hash = crypto.createHash("sha256");
    let size = 0;
    const part = `${meta.path}.part`;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > store.maxBytes) return done(new BadUserInputError(`The file is larger than the limit of ${store.maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, meter, fs.createWriteStream(part));
    } catch (err) {
      fs.rmSync(part, { force: true });
      if (err instanceof BadUserInputError) return sendError(res, 413, err);
      return sendError(res, 400, new BadUserInputError("The upload was interrupted; send the file again"));
    }
    if (size === 0) {
      fs.rmSync(part, { force: true });
      return sendError(res, 400, new BadUserInputError("The file is empty"));
    }
    fs.renameSync(part, meta.path);
    const done = store.complete(meta, size, hash.digest("hex"));
    res.status(201).json({ id: done.id, filename: done.filename, size, checksum: done.checksum });
  });
}
