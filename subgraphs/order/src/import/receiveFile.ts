/**
 * Streams a request body into storage (a file, or the database's pieces) while counting and
 * hashing it: the size and SHA-256 reported are those of the bytes written, and a body past the
 * limit stops the transfer.
 */
import crypto from "node:crypto";
import { PassThrough, Transform, type Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** What is still read (and discarded) of a body refused for its size, so the client hears why; beyond it the connection closes. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

/** The body grew past `limit` bytes. */
export class BodyOverLimit extends Error {
  constructor(readonly limit: number) {
    super(`body over ${limit} bytes`);
  }
}

/** The client stopped sending before the body was complete. */
class BodyInterrupted extends Error {}

/** Reads and drops the rest of a refused body, up to DISCARD_LIMIT. */
function discard(body: Readable): void {
  let dropped = 0;
  body.unpipe();
  // A client that leaves while its refused body is dropped is no error of the service's.
  body.on("error", () => undefined);
  body.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_LIMIT) body.destroy();
  });
  body.resume();
}

/**
 * Writes `body` into `sink`, at most `limit` bytes, and resolves once the sink has finished (its
 * last write stored). Rejects with BodyOverLimit past the limit (the rest of the body is read and
 * dropped, not the connection closed, so the refusal reaches the client), or with an error when
 * the transfer or the sink breaks; the caller removes what the sink stored then.
 */
export async function receiveFile(body: Readable, sink: Writable, limit: number): Promise<{ size: number; checksum: string }> {
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
  // The pipeline owns this pass-through, not the request: an error destroys it, and the request
  // stays readable for discard().
  const source = new PassThrough();
  const interrupted = (err?: Error) => source.destroy(err ?? new BodyInterrupted("the request ended before its body"));
  const onClose = () => {
    if (!body.readableEnded) interrupted();
  };
  body.once("error", interrupted);
  body.once("close", onClose);
  body.pipe(source);
  try {
    await pipeline(source, meter, sink);
  } catch (err) {
    if (err instanceof BodyOverLimit) discard(body);
    throw err;
  } finally {
    body.off("error", interrupted);
    body.off("close", onClose);
  }
  return { size, checksum: hash.digest("hex") };
}
