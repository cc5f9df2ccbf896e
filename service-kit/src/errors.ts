/**
 * The error catalogue every service shares (DESIGN section 4): GraphQLErrors with
 * `extensions.code`, `extensions.field` (the input path) and `extensions.params`
 * (the values a translated message needs).
 */
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "./logger.js";
import { formatRequestError } from "./requestHygiene.js";

export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

export interface ErrorDetails {
  /** Input path the error concerns, e.g. `input.items.0.quantity`. */
  field?: string;
  /** Values a translated message needs, e.g. `{ min: 100 }`. */
  params?: Record<string, unknown>;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/** Extension keys other than `code` that may be relayed from another service. */
export type RelayedExtensions = Record<string, unknown>;

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: ErrorDetails & { extra?: RelayedExtensions } = {}) {
    const status = HTTP_STATUS[code];
    super(message, {
      extensions: {
        ...details.extra,
        code,
        ...(details.field !== undefined ? { field: details.field } : {}),
        ...(details.params !== undefined ? { params: details.params } : {}),
        ...(status ? { http: { status } } : {}),
      },
    });
  }
}

export class BadUserInputError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("BAD_USER_INPUT", message, details);
  }
}
export class NotFoundError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("NOT_FOUND", message, details);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("CONFLICT", message, details);
  }
}
export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in first: this request carries no valid credentials.") {
    super("UNAUTHENTICATED", message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("FORBIDDEN", message, details);
  }
}

const PUBLIC_CODES = new Set<string>([
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "SERVICE_UNAVAILABLE",
  // Raised by Apollo Server itself for malformed operations: safe to show.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Apollo `formatError`: known errors pass through without stack traces (and without "Did you
 * mean" suggestions, see requestHygiene.ts); anything else is logged with its stack and replaced
 * by a masked INTERNAL_SERVER_ERROR.
 */
export function createFormatError(logger: Logger) {
  return (unformatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const formatted = formatRequestError(unformatted, error);
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    logger.error("unexpected error", {
      path: formatted.path,
      error: original instanceof Error ? original.message : String(original),
      stack: original instanceof Error ? original.stack : undefined,
    });
    return {
      message: "Internal server error: the problem was logged; try again or contact the administrator.",
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}

/** True when `err` is a unique-constraint violation (Prisma's P2002 or a raw SQLite error). */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  if (e.code === "P2002") return true;
  // Raw better-sqlite3 errors in bulk paths.
  return e.code === "SQLITE_CONSTRAINT_UNIQUE" || (typeof e.message === "string" && e.message.includes("UNIQUE constraint failed"));
}

/** True when `err` is Prisma's "record to update not found" (P2025). */
export function isRecordNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2025";
}

interface UniqueMeta {
  target?: unknown;
  driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } };
}

/**
 * True when `err` is a unique violation on `column` (the database column name), so a caller
 * translates only the constraint it expects and re-throws any other.
 */
export function isUniqueViolationOn(err: unknown, column: string): boolean {
  if (!isUniqueViolation(err)) return false;
  const meta = (err as { meta?: UniqueMeta }).meta;
  // Driver adapters report the columns under driverAdapterError; the native engine under target.
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields ?? meta?.target;
  if (Array.isArray(fields)) return fields.includes(column);
  const message = (err as { message?: unknown }).message;
  return typeof message === "string" && new RegExp(`UNIQUE constraint failed: [^\\s]*\\.${column}\\b`).test(message);
}
