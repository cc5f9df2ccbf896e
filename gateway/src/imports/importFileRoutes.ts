/**
 * The bulk import's file transfers on the gateway's origin, streamed to and from the order
 * service (which owns them):
 *   PUT /uploads/:id                  the CSV file's bytes (a staged upload; operator)
 *   GET /imports/:id/errors.csv       the error report (viewer)
 *   GET /imports/:id/failed-rows.csv  the rejected orders' rows, to fix and retry (viewer)
 *   GET /exports/orders.csv           orders of a batch or a filter in the import format (viewer)
 * Signed in exactly like GraphQL (the same guard: credentials, password change, rate limit per
 * identity). Uploads have their own size limit (IMPORT_MAX_BYTES), not GraphQL's body limit.
 */
import type { IncomingMessage } from "node:http";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { roleAllows, type Logger, type Role } from "@ops/service-kit";
import { gatewayError, sendError } from "../errors.js";
import { isRejection, type GatewayContext, type RequestGuard } from "../security/requestGuard.js";
import { sendTooLarge, streamToService } from "./streamToService.js";

export interface ImportFileRoutesOptions {
  guard: RequestGuard;
  /** The order subgraph's GraphQL URL; its file routes live on the same origin. */
  orderServiceUrl: string;
  routerSecret: string;
  importMaxBytes: number;
  logger: Logger;
}

// Content types a browser may send cross-site without a CORS preflight (Apollo's CSRF rule).
const SIMPLE_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const PREFLIGHT_HEADERS = ["apollo-require-preflight", "x-apollo-operation-name"] as const;

/**
 * A request that carries credentials only in the cookie could have been sent by another site's
 * page; one with a non-simple content type or a custom header cannot, without a preflight that
 * CORS refuses. (A cross-site PUT always needs a preflight; this is the same rule as GraphQL's,
 * kept in case a route is ever opened to POST.)
 */
function mayBeForged(req: IncomingMessage): boolean {
  if (req.headers.authorization || !req.headers.cookie) return false;
  if (PREFLIGHT_HEADERS.some((h) => req.headers[h])) return false;
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  return !type || SIMPLE_TYPES.has(type);
}

/** The query string of the request as sent (`?…` or empty). */
function searchOf(req: Request): string {
  const at = req.originalUrl.indexOf("?");
  return at < 0 ? "" : req.originalUrl.slice(at);
}

export function createImportFileRoutes(options: ImportFileRoutesOptions): Router {
  const { guard, importMaxBytes, logger } = options;
  const base = new URL(options.orderServiceUrl.replace(/graphql\/?$/, ""));

  /** The caller once signed in with `role`; null after answering 401, 403 or 429. */
  const signedIn = async (req: Request, res: Response, role: Role): Promise<GatewayContext | null> => {
    const checked = await guard(req);
    if (isRejection(checked)) {
      sendError(res, checked.status, checked.error, checked.headers);
      return null;
    }
    if (!checked.identity || !checked.authorization) {
      sendError(res, 401, gatewayError("UNAUTHENTICATED", "Sign in first: send `Authorization: Bearer <token>` (from POST /auth/login) or `Authorization: ApiKey <key>`."));
      return null;
    }
    if (!roleAllows(checked.identity.role, role)) {
      sendError(res, 403, gatewayError("FORBIDDEN", `${req.method} ${req.path} needs the ${role} role; ${checked.identity.name} is a ${checked.identity.role}.`, {
        params: { required: role, role: checked.identity.role },
      }));
      return null;
    }
    return checked;
  };

  const forward = (req: Request, res: Response, caller: GatewayContext, path: string, maxBodyBytes?: number) =>
    streamToService(req, res, { base, path, serviceName: "order", routerSecret: options.routerSecret, authorization: caller.authorization!, maxBodyBytes, logger });

  const router = express.Router();

  router.put("/uploads/:id", async (req, res) => {
    if (mayBeForged(req)) {
      sendError(res, 400, gatewayError("BAD_REQUEST", "This upload has been blocked as a potential Cross-Site Request Forgery (CSRF): send the file with `content-type: text/csv` (or application/octet-stream), or with the header apollo-require-preflight."));
      return;
    }
    const caller = await signedIn(req, res, "operator");
    if (!caller) return;
    if (Number(req.headers["content-length"]) > importMaxBytes) {
      // Node reads and discards the unread body after the answer, so the client gets the 413.
      sendTooLarge(res, importMaxBytes);
      return;
    }
    await forward(req, res, caller, `/uploads/${encodeURIComponent(req.params.id)}`, importMaxBytes);
  });

  for (const report of ["errors.csv", "failed-rows.csv"]) {
    router.get(`/imports/:id/${report}`, async (req, res) => {
      const caller = await signedIn(req, res, "viewer");
      if (caller) await forward(req, res, caller, `/imports/${encodeURIComponent(req.params.id!)}/${report}${searchOf(req)}`);
    });
  }

  router.get("/exports/orders.csv", async (req, res) => {
    const caller = await signedIn(req, res, "viewer");
    if (caller) await forward(req, res, caller, `/exports/orders.csv${searchOf(req)}`);
  });

  // An id that is not valid percent-encoding (`/imports/%E0/errors.csv`) fails in Express before
  // a route runs: the caller's mistake, answered as the order service answers a malformed id.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof URIError) || res.headersSent) return next(err);
    sendError(res, 400, gatewayError("BAD_USER_INPUT", "The id in the address is not valid percent-encoding", { field: "id" }));
  });

  return router;
}
