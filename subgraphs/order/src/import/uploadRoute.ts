/** `PUT /uploads/:id` on the order service: an operator sends the file's bytes as the body. */
import type { IncomingMessage } from "node:http";
import express, { type Express } from "express";
import type { Identity, Logger, Role } from "@ops/service-kit";
import { fileRouteErrorHandler, sendFailure } from "./fileRouteErrors.js";
import type { UploadStore } from "./uploads.js";

type Authenticate = (req: IncomingMessage, role: Role) => Promise<Identity>;

/** The declared body length, or null when the body is chunked (or the header is not a number). */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers["content-length"];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * Mounts the upload route. 201 `{ id, filename, size, checksum }` describes the stored bytes;
 * refusals come from the store (404, 409, 410, 413, 400) as JSON errors, never a stack.
 */
export function mountUploadRoute(app: Express, store: UploadStore, authenticate: Authenticate, logger: Logger): void {
  const router = express.Router();
  router.put("/uploads/:id", async (req, res) => {
    try {
      const identity = await authenticate(req, "operator");
      const file = await store.receive(String(req.params.id), identity, req, declaredLength(req));
      res.status(201).json(file);
    } catch (err) {
      sendFailure(res, err, logger, "upload");
    }
  });
  router.use(fileRouteErrorHandler(logger));
  app.use(router);
}
