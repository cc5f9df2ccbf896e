/**
 * What the import command line says to the gateway: GraphQL operations (signing in again when
 * a password session expires), the file upload streamed from disk with its progress, and
 * downloads streamed to disk.
 */
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { credentials, gatewayBase, signsInWithPassword, unreachable, type ScriptIdentity } from "./credentials.js";

/** The gateway answered with an error (GraphQL or HTTP). */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly params: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** No answer at all: the gateway is down or the address is wrong. */
export class GatewayUnreachable extends Error {}

interface ErrorBody {
  errors?: { message: string; extensions?: { code?: string; params?: Record<string, unknown> } }[];
}

function errorOf(body: ErrorBody, fallback: string): GatewayError {
  const first = body.errors?.[0];
  return new GatewayError(first?.message ?? fallback, first?.extensions?.code, first?.extensions?.params);
}

export interface Uploaded {
  id: string;
  filename: string;
  size: number;
  checksum: string;
}

export class GatewayClient {
  readonly base: string;

  /** `headers`: credentials to use as they are (tests, benchmarks); otherwise call signIn(). */
  constructor(
    readonly graphqlUrl: string,
    private readonly who: ScriptIdentity,
    private headers: Record<string, string> = {},
  ) {
    this.base = gatewayBase(graphqlUrl);
  }

  async signIn(): Promise<void> {
    this.headers = await credentials(this.graphqlUrl, this.who);
  }

  /** Runs a GraphQL operation; its first error is thrown as GatewayError. */
  async request<T>(query: string, variables: Record<string, unknown> = {}, renewed = false): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new GatewayUnreachable(`Cannot reach the gateway at ${this.base} (${unreachable(err)})`);
    }
    const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status} without a JSON body` }] }))) as ErrorBody & { data?: T };
    if (body.errors?.length) {
      const error = errorOf(body, `HTTP ${res.status}`);
      // A password sign-in's token lasts SESSION_TTL_SECONDS; a long import outlives it.
      if (error.code === "UNAUTHENTICATED" && !renewed && signsInWithPassword()) {
        await this.signIn();
        return this.request(query, variables, true);
      }
      throw error;
    }
    return body.data as T;
  }

  /** PUTs the file to `uploadUrl` (relative to the gateway), streamed; `onProgress` gets the bytes sent. */
  upload(file: string, size: number, uploadUrl: string, onProgress: (sent: number) => void): Promise<Uploaded> {
    const target = new URL(uploadUrl, `${this.base}/`);
    const transport = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(target, {
        method: "PUT",
        headers: { ...this.headers, "content-type": "text/csv", "content-length": String(size) },
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = { errors: [{ message: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` }] };
          }
          if (res.statusCode === 201) resolve(body as Uploaded);
          else reject(errorOf(body as ErrorBody, `The upload was refused (HTTP ${res.statusCode})`));
        });
        res.on("error", reject);
      });
      req.on("error", (err) => reject(new GatewayUnreachable(`The upload to ${this.base} failed (${unreachable(err)})`)));
      let sent = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          onProgress(sent);
          done(null, chunk);
        },
      });
      // The gateway may answer early (413, 409…) and stop reading: its answer is what matters.
      pipeline(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), meter, req).catch(() => undefined);
    });
  }

  /** Streams a GET on the gateway's origin (`path` like `/imports/1/errors.csv?…`) into `dest`. */
  async download(path: string, dest: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(new URL(path, `${this.base}/`), { headers: this.headers });
    } catch (err) {
      throw new GatewayUnreachable(`Cannot reach the gateway at ${this.base} (${unreachable(err)})`);
    }
    if (!res.ok || !res.body) {
      throw errorOf((await res.json().catch(() => ({}))) as ErrorBody, `The download of ${path} failed (HTTP ${res.status})`);
    }
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), fs.createWriteStream(dest));
  }
}
