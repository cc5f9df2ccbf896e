/**
 * Streams one HTTP exchange to a subgraph and back with `http.request`, without buffering: the
 * request body is piped upstream (backpressure included) and the answer is piped to the client,
 * so a 100 MB upload or a large export costs the gateway a few buffers of memory. The router
 * secret and the caller's Authorization go along, as on every GraphQL call.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ROUTER_SECRET_HEADER, type Logger } from "@ops/service-kit";
import { gatewayError, sendError } from "../errors.js";

/** No bytes in either direction for this long ends the exchange (a stalled service or client). */
const IDLE_MS = 120_000;
/** What a refused upload may still send (read and discarded, so the client reads the 413); beyond it, the connection is closed. */
const DRAIN_LIMIT = 64 * 1024 * 1024;
/** Headers of the service's answer that reach the client. */
const PASSED_HEADERS = ["content-type", "content-disposition", "content-length", "cache-control", "retry-after"] as const;

// One connection per transfer: an idle pooled connection the service closed could reset a
// half-sent upload, which (unlike a GraphQL POST) cannot simply be sent again.
const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

export interface StreamTarget {
  /** The service's origin, e.g. http://127.0.0.1:4001 (a path prefix is kept). */
  base: URL;
  /** Path and query on the service, e.g. `/uploads/<id>`. */
  path: string;
  serviceName: string;
  routerSecret: string;
  authorization: string;
  /** The request body's limit in bytes (uploads); larger bodies are cut off and answered 413. */
  maxBodyBytes?: number;
  logger: Logger;
}

class BodyTooLarge extends Error {}

function tooLargeError(max: number) {
  return gatewayError("PAYLOAD_TOO_LARGE", `The file is larger than the upload limit of ${max} bytes (IMPORT_MAX_BYTES).`, { params: { max } });
}

/** Answers 413 for an upload over `max` bytes; the body is not read beyond what is needed. */
export function sendTooLarge(res: ServerResponse, max: number): void {
  sendError(res, 413, tooLargeError(max));
}

/** Reads and discards the rest of a refused request body, up to DRAIN_LIMIT. */
function drain(req: IncomingMessage): void {
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
}

/**
 * Forwards `req` to `target` and the answer to `res`. Resolves when the exchange is over, whatever
 * its outcome (errors are answered or, once the answer has started, end the connection).
 */
export function streamToService(req: IncomingMessage, res: ServerResponse, target: StreamTarget): Promise<void> {
  return new Promise((resolve) => {
    const withBody = req.method === "PUT" || req.method === "POST";
    const headers: OutgoingHttpHeaders = {
      [ROUTER_SECRET_HEADER]: target.routerSecret,
      authorization: target.authorization,
      accept: req.headers.accept ?? "*/*",
    };
    if (withBody) {
      if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
      // Without a length Node sends the body chunked, as the client did.
      if (req.headers["content-length"]) headers["content-length"] = req.headers["content-length"];
    }
    const upstream = http.request({
      agent,
      protocol: target.base.protocol,
      host: target.base.hostname,
      port: target.base.port,
      method: req.method,
      path: target.base.pathname.replace(/\/$/, "") + target.path,
      headers,
      timeout: IDLE_MS,
    });
    let over = false;
    const done = () => resolve();

    const unavailable = (message: string) => {
      if (!res.headersSent) {
        sendError(res, 502, gatewayError("SERVICE_UNAVAILABLE", message, { params: { service: target.serviceName } }));
        if (withBody && !req.complete) drain(req);
      } else res.destroy();
      done();
    };

    upstream.on("timeout", () => upstream.destroy(new Error(`no data for ${IDLE_MS / 1000} s`)));
    upstream.on("error", (err) => {
      if (over) return;
      over = true;
      target.logger.warn("file transfer failed", { service: target.serviceName, path: target.path.split("?")[0], error: err.message });
      unavailable(`The ${target.serviceName} service is unavailable or stopped answering (${err.message}); try again later.`);
    });
    upstream.on("response", (answer) => {
      if (over) {
        answer.resume();
        return;
      }
      over = true;
      const passed: OutgoingHttpHeaders = { "cache-control": "no-store" };
      for (const name of PASSED_HEADERS) if (answer.headers[name] !== undefined) passed[name] = answer.headers[name];
      res.writeHead(answer.statusCode ?? 502, passed);
      // An early answer (404, 409, 410, 413 before the body was read): stop sending the body.
      if (withBody && !req.complete) {
        req.unpipe();
        drain(req);
      }
      pipeline(answer, res)
        .catch(() => undefined)
        .finally(() => {
          // The answer is complete (or the client left): nothing more goes upstream.
          if (!upstream.writableFinished) upstream.destroy();
          done();
        });
    });

    // The client left before its request was complete: the service sees an interrupted upload.
    req.on("close", () => {
      if (!req.complete && !over) {
        over = true;
        upstream.destroy();
        done();
      }
    });

    if (!withBody) {
      upstream.end();
      return;
    }
    const max = target.maxBodyBytes;
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        received += chunk.length;
        if (max !== undefined && received > max) callback(new BodyTooLarge());
        else callback(null, chunk);
      },
    });
    // The only error the meter raises: a (chunked) body that grew past the limit. The service
    // never gets the whole file; the client gets 413.
    meter.on("error", () => {
      if (over) return;
      over = true;
      upstream.destroy();
      req.unpipe(meter);
      if (!res.headersSent) sendTooLarge(res, max!);
      drain(req);
      done();
    });
    req.pipe(meter).pipe(upstream);
  });
}
