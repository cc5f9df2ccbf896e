/**
 * Errors that stop reading a whole file. Plain `Error`s with a `code` (not GraphQLErrors): the
 * file is read in a worker thread, and the engine translates them at its boundary. Rows are
 * spreadsheet rows (the header is row 1; see `CsvParser`).
 */
import type { ColumnName } from "./columns.js";
import type { CsvEncoding } from "./detectEncoding.js";

/** The file is not well-formed CSV: a quoted cell that never closes. */
export class CsvFormatError extends Error {
  readonly code = "CSV_FORMAT";
  constructor(
    message: string,
    /** The spreadsheet row the unclosed cell starts in. */
    readonly rowNumber: number,
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

/** The file is in an encoding we do not read at all (UTF-16). */
export class CsvEncodingError extends Error {
  readonly code = "CSV_ENCODING";
  constructor(message: string, readonly byteOffset: number) {
    super(message);
    this.name = "CsvEncodingError";
  }
}

/**
 * A row holds bytes that are not valid in the file's encoding: a UTF-8 file with a broken
 * sequence (typically Shift_JIS rows pasted into it), or Shift_JIS bytes CP932 does not map.
 * Refused rather than read as U+FFFD, which would import damaged names.
 */
export class CsvInvalidEncodingError extends Error {
  readonly code = "CSV_ENCODING_INVALID";
  constructor(
    readonly rowNumber: number,
    readonly encoding: CsvEncoding,
  ) {
    const name = encoding === "cp932" ? "Shift_JIS (CP932)" : "UTF-8";
    super(
      `row ${rowNumber} is not valid ${name}, the encoding of the file (or holds U+FFFD, the mark of text already damaged by a conversion): save the whole file in one encoding, UTF-8 or Shift_JIS (CP932)`,
    );
    this.name = "CsvInvalidEncodingError";
  }
}

/** Which limit a record broke; see `CsvLimits`. */
export type CsvLimitCode = "CSV_ROW_TOO_MANY_FIELDS" | "CSV_CELL_TOO_LONG" | "CSV_ROW_TOO_LONG";

/**
 * A record is beyond a limit of `CsvLimits`. Thrown while streaming, before the oversized cell or
 * record is built, so a hostile file costs no more memory than a normal one.
 */
export class CsvLimitError extends Error {
  constructor(
    readonly code: CsvLimitCode,
    /** The spreadsheet row of the record. */
    readonly rowNumber: number,
    /** The limit it broke. */
    readonly max: number,
  ) {
    super(limitMessage(code, rowNumber, max));
    this.name = "CsvLimitError";
  }
}

function limitMessage(code: CsvLimitCode, row: number, max: number): string {
  const limit = max.toLocaleString("en");
  switch (code) {
    case "CSV_ROW_TOO_MANY_FIELDS":
      return `row ${row} has more than ${limit} cells (the import reads 9 columns: is it an order file?)`;
    case "CSV_CELL_TOO_LONG":
      return `a cell of row ${row} is longer than ${limit} characters (is a closing quote missing?)`;
    case "CSV_ROW_TOO_LONG":
      return `row ${row} is longer than ${limit} characters`;
  }
}
