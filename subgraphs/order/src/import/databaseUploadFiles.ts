/**
 * Uploads in the order database (PostgreSQL, where replicas share it): a transfer stores the body
 * as pieces of CHUNK_BYTES in `import_upload_chunks` as it arrives, so a file received by one
 * replica is read by the import on any other. Neither side holds more than a few pieces.
 */
import { Writable, type Readable } from "node:stream";
import type { OrderConn } from "../db/index.js";
import { deleteUploadChunks, insertUploadChunk, uploadChunkPage } from "../db/uploadChunks.js";
import { receiveFile } from "./receiveFile.js";

/** Bytes per stored piece: the import reads 1 MB at a time anyway. */
export const CHUNK_BYTES = 1 << 20;
/** Pieces one read asks for. */
const READ_PAGE = 4;
/** `import_uploads.path` of a file kept in the database: the upload's id behind this prefix. */
const LOCATOR = "db:";

/** The `path` that names upload `id`'s pieces. */
export const databaseLocator = (id: string): string => `${LOCATOR}${id}`;

/** The upload id of a database `path`, or null for a file on disk. */
export function databaseUploadId(path: string): string | null {
  return path.startsWith(LOCATOR) ? path.slice(LOCATOR.length) : null;
}

/**
 * A sink that stores what is written to it as pieces 0, 1, … of exactly `size` bytes (the last
 * shorter). Each write is acknowledged once its full pieces are stored: the request is read no
 * faster than the database takes it.
 */
function chunkSink(db: OrderConn, id: string, size: number): Writable {
  let parts: Buffer[] = [];
  let held = 0;
  let seq = 0;
  const store = async (bytes: Buffer) => {
    await insertUploadChunk(db, id, seq, bytes);
    seq += 1;
  };
  const storeFull = async () => {
    const all = Buffer.concat(parts, held);
    let at = 0;
    for (; held - at >= size; at += size) await store(all.subarray(at, at + size));
    // A copy: the rest must not keep the whole concatenation alive.
    const rest = Buffer.from(all.subarray(at));
    parts = rest.length > 0 ? [rest] : [];
    held = rest.length;
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      held += chunk.length;
      if (held < size) return done();
      storeFull().then(() => done(), done);
    },
    final(done) {
      if (held === 0) return done();
      store(Buffer.concat(parts, held)).then(() => done(), done);
    },
  });
}

/**
 * Stores `body` as upload `id`'s pieces, at most `limit` bytes. Pieces a failed transfer left
 * (one whose clean-up failed too) are removed first; a transfer that fails removes its own.
 * They count as a file only once the caller marks the upload complete.
 */
export async function writeDatabaseFile(db: OrderConn, id: string, body: Readable, limit: number, chunkBytes = CHUNK_BYTES): Promise<{ size: number; checksum: string; path: string }> {
  await deleteUploadChunks(db, id);
  try {
    const received = await receiveFile(body, chunkSink(db, id, chunkBytes), limit);
    return { ...received, path: databaseLocator(id) };
  } catch (err) {
    // Should this fail too, the next transfer starts by removing them, and the sweeper removes
    // them with their target: the transfer's own error is what the client hears.
    await deleteUploadChunks(db, id).catch(() => undefined);
    throw err;
  }
}

/**
 * The bytes of upload `id`, piece after piece, READ_PAGE pieces per statement (keyset by `seq`).
 * Throws when the file has no piece or one is missing: a file is never empty.
 */
export async function* readDatabaseFile(db: OrderConn, id: string): AsyncGenerator<Buffer> {
  let next = 0;
  for (;;) {
    const page = await uploadChunkPage(db, id, next - 1, READ_PAGE);
    if (next === 0 && page.length === 0) throw new Error(`the file of upload ${id} is not in the database`);
    for (const piece of page) {
      if (piece.seq !== next) throw new Error(`the file of upload ${id} lacks its piece ${next}`);
      next += 1;
      yield piece.bytes;
    }
    if (page.length < READ_PAGE) return;
  }
}
