/**
 * Errors that stop reading a whole file. Plain `Error`s with a `code` (not GraphQLErrors): the
 * file is read in a worker thread, and the engine translates them at its boundary.
 */
import type { ColumnName } from "./columns.js";

/** The file is not well-formed CSV, e.g. a quoted field that never ends. */
export class CsvFormatError extends Error {
  readonly code = "CSV_FORMAT";
  constructor(
    message: string,
    /** The physical line (1-based) the problem starts on. */
    readonly lineNumber: number,
  ) {
    super(message);
    this.name = "CsvFormatError";
  }
}

/** The header lacks required columns (or the file has no header at all). */
export class MissingColumnsError extends Error {
  readonly code = "CSV_MISSING_COLUMNS";
  constructor(readonly missing: readonly ColumnName[], message?: string) {
    super(message ?? `the CSV header lacks the required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
    this.name = "MissingColumnsError";
  }
}

/** The bytes are not in one encoding we read (UTF-8, with or without BOM, or CP932). */
export class CsvEncodingError extends Error {
  readonly code = "CSV_ENCODING";
  constructor(message: string, readonly byteOffset: number) {
    super(message);
    this.name = "CsvEncodingError";
  }
}
