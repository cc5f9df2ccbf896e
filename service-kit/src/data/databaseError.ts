/**
 * What went wrong in the database, in the same terms for SQLite (better-sqlite3, Prisma) and
 * PostgreSQL (pg), so a service maps a failed write to the same GraphQL code on both.
 */
import { AppError, BadUserInputError, ConflictError, NotFoundError, type ErrorDetails } from "../errors.js";

export type DatabaseErrorKind = "unique" | "check" | "foreignKey" | "notNull" | "busy" | "serialization";

export interface DatabaseErrorInfo {
  kind: DatabaseErrorKind;
  /** The constraint's name where the database reports it (PostgreSQL always; SQLite for CHECKs). */
  constraint?: string;
  /** The (first) column concerned, where the database reports it. */
  column?: string;
  /** Every column of a multi-column unique key. */
  columns?: string[];
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  column?: unknown;
  detail?: unknown;
  meta?: { target?: unknown; field_name?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } };
}

const PG_KINDS: Record<string, DatabaseErrorKind> = {
  "23505": "unique",
  "23514": "check",
  "23503": "foreignKey",
  "23502": "notNull",
  "40001": "serialization",
  "40P01": "serialization",
  "55P03": "busy",
};

/** "UNIQUE constraint failed: order.email, order.shop" → ["email", "shop"] */
function sqliteColumns(message: string): string[] {
  const list = /constraint failed: (.+)$/.exec(message)?.[1] ?? "";
  return list
    .split(",")
    .map((item) => item.trim().split(".").pop() ?? "")
    .filter(Boolean);
}

function withColumns(kind: DatabaseErrorKind, columns: string[], constraint?: string): DatabaseErrorInfo {
  return {
    kind,
    ...(constraint ? { constraint } : {}),
    ...(columns[0] ? { column: columns[0] } : {}),
    ...(columns.length > 1 ? { columns } : {}),
  };
}

/** Classifies a database error from either driver (or Prisma); null when it is none of these. */
export function databaseError(err: unknown): DatabaseErrorInfo | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as DriverError;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";

  const pgKind = PG_KINDS[code];
  if (pgKind) {
    const constraint = typeof e.constraint === "string" ? e.constraint : undefined;
    if (pgKind === "notNull" && typeof e.column === "string") return withColumns(pgKind, [e.column], constraint);
    // detail: 'Key (email)=(a@b.jp) already exists.' — take the names, never the values (PII).
    const keys = typeof e.detail === "string" ? /^Key \(([^)]*)\)=/.exec(e.detail)?.[1] : undefined;
    const columns = keys ? keys.split(",").map((c) => c.trim().replace(/^"|"$/g, "")) : [];
    return withColumns(pgKind, pgKind === "unique" || pgKind === "foreignKey" ? columns : [], constraint);
  }

  if (code.startsWith("SQLITE_")) {
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return { kind: "busy" };
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return withColumns("unique", sqliteColumns(message));
    if (code === "SQLITE_CONSTRAINT_NOTNULL") return withColumns("notNull", sqliteColumns(message));
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return { kind: "foreignKey" };
    if (code === "SQLITE_CONSTRAINT_CHECK") {
      // "CHECK constraint failed: amount_min" names the constraint when it has a name.
      const name = /CHECK constraint failed: (\w+)$/.exec(message)?.[1];
      return { kind: "check", ...(name ? { constraint: name } : {}) };
    }
    return null;
  }

  // Prisma (while services still use it): P2002 unique, P2003 foreign key, P2011 null, P2034 conflict.
  if (code === "P2002") {
    const fields = e.meta?.driverAdapterError?.cause?.constraint?.fields ?? e.meta?.target;
    return withColumns("unique", Array.isArray(fields) ? fields.map(String) : sqliteColumns(message));
  }
  if (code === "P2003") return { kind: "foreignKey" };
  if (code === "P2011") return { kind: "notNull" };
  if (code === "P2034") return { kind: "serialization" };
  if (/SQLITE_BUSY|database is locked/.test(message)) return { kind: "busy" };
  return null;
}

export interface ServiceErrorOptions {
  /** Input paths by column or constraint name, e.g. `{ email: "input.email" }`. */
  fields?: Record<string, string>;
  /** What the row is, for the message: "order", "payment". */
  what?: string;
}

/**
 * The service error for a database error, the same code on both databases: unique → CONFLICT,
 * check and not-null → BAD_USER_INPUT, a missing or still-referenced row → CONFLICT, busy and
 * serialization (after the retries) → SERVICE_UNAVAILABLE. Null for anything else: re-throw it,
 * `formatError` masks and logs it.
 */
export function serviceErrorFor(err: unknown, options: ServiceErrorOptions = {}): AppError | null {
  const info = databaseError(err);
  if (!info) return null;
  const what = options.what ?? "record";
  const key = info.constraint && options.fields?.[info.constraint] ? info.constraint : info.column;
  const field = key ? options.fields?.[key] : undefined;
  const params = {
    ...(info.constraint ? { constraint: info.constraint } : {}),
    ...(info.column ? { column: info.column } : {}),
  };
  const details: ErrorDetails = { ...(field ? { field } : {}), params };
  switch (info.kind) {
    case "unique":
      return new ConflictError(`A ${what} with this ${info.columns?.join(", ") ?? info.column ?? "key"} already exists.`, details);
    case "check":
      return new BadUserInputError(`The ${what} breaks the rule ${info.constraint ?? "(a check constraint)"}.`, details);
    case "notNull":
      return new BadUserInputError(`The ${what} needs a value for ${info.column ?? "a required column"}.`, details);
    case "foreignKey":
      return new ConflictError(`The ${what} refers to a row that does not exist, or is still referred to by another.`, details);
    case "busy":
    case "serialization":
      return new AppError("SERVICE_UNAVAILABLE", "The database is busy with concurrent changes: try again in a moment.", details);
  }
}

/** Re-throws `err` as its service error when it is a known database error, else as it is. */
export function rethrowDatabaseError(err: unknown, options: ServiceErrorOptions = {}): never {
  throw serviceErrorFor(err, options) ?? err;
}

/** `row`, or a NOT_FOUND error naming what was looked for (`what` and `id` go to params). */
export function foundOr<T>(row: T | null | undefined, what: string, id: string | number, field?: string): T {
  if (row === null || row === undefined) {
    throw new NotFoundError(`No ${what} with id ${id}.`, { ...(field ? { field } : {}), params: { what, id } });
  }
  return row;
}

/** Throws NOT_FOUND when an UPDATE or DELETE touched no row (Kysely's `numUpdatedRows`/`numDeletedRows`). */
export function affectedOr(count: bigint | number, what: string, id: string | number, field?: string): void {
  if (Number(count) === 0) foundOr(null, what, id, field);
}
