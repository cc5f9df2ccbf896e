/**
 * Error answers of the order service's file routes (uploads and downloads), in the one shape every
 * route of the stack uses: `{ errors: [{ message, extensions: { code, field?, params? } }] }`.
 * Known errors keep their message, field and params; anything else is logged and masked, so no
 * stack, SQL or file path ever leaves the service.
 */
import type { ErrorRequestHandler, Response } from "express";
import { AppError, type Logger } from "@ops/service-kit";

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

export interface JsonError {
  message: string;
  code: string;
  field?: string;
  params?: Record<string, unknown>;
}

/** Ends `res` with `status` and `error`; `headers` (e.g. Retry-After) go along. */
export function sendJsonError(res: Response, status: number, error: JsonError, headers: Record<string, string> = {}): void {
  const { message, code, field, params } = error;
  const extensions = { code, ...(field !== undefined ? { field } : {}), ...(params !== undefined ? { params } : {}) };
  res.status(status).set({ ...headers, "cache-control": "no-store" }).json({ errors: [{ message, extensions }] });
}

/** The HTTP status of an AppError: its own `http.status` when it sets one, else by its code. */
export function statusOf(err: AppError): number {
  const http = err.extensions.http as { status?: number } | undefined;
  return http?.status ?? STATUS[String(err.extensions.code)] ?? 500;
}

/**
 * Answers `err`: an AppError as itself, anything else as a masked 500 (logged with its message).
 * Once the answer has started (a download cut short), the connection is closed instead, so the
 * client sees an incomplete transfer rather than a file that looks whole.
 */
export function sendFailure(res: Response, err: unknown, logger: Logger, what: string): void {
  const known = err instanceof AppError;
  if (!known) logger.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (known) {
    const { code, field, params } = err.extensions as { code: string; field?: string; params?: Record<string, unknown> };
    sendJsonError(res, statusOf(err), { message: err.message, code, field, params });
  } else {
    sendJsonError(res, 500, { message: "Internal server error: the problem was logged; try again or contact the administrator.", code: "INTERNAL_SERVER_ERROR" });
  }
}

/**
 * The file routers' last handler: a path segment that is not valid percent-encoding (`%E0`)
 * makes Express fail before a route runs; it is the caller's mistake (400), not the service's.
 */
export function fileRouteErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof URIError) {
      sendJsonError(res, 400, { message: "The id in the address is not valid percent-encoding", code: "BAD_USER_INPUT", field: "id" });
      return;
    }
    sendFailure(res, err, logger, `${req.method} ${req.path}`);
  };
}
