/**
 * Streams a request body to a file while counting and hashing it: the size and SHA-256 reported
 * are those of the bytes written, and a body past the limit stops the transfer.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** The body grew past `limit` bytes. */
export class BodyOverLimit extends Error {
  constructor(readonly limit: number) {
    super(`body over ${limit} bytes`);
  }
}

/**
 * Writes `body` to `file` (created, never overwritten: `wx`), at most `limit` bytes. Rejects with
 * BodyOverLimit past the limit, or with the stream's error when the transfer breaks; the caller
 * removes the file then.
 */
export async function receiveFile(body: Readable, file: string, limit: number): Promise<{ size: number; checksum: string }> {
  const hash = crypto.createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(new BodyOverLimit(limit));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(body, meter, fs.createWriteStream(file, { flags: "wx" }));
  return { size, checksum: hash.digest("hex") };
}
