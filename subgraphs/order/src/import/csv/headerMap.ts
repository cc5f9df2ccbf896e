/** Finding the contract's columns in a header row. */
import { COLUMN_NAMES, REQUIRED_COLUMNS, type ColumnIndex, type ColumnName } from "./columns.js";

export interface HeaderMap {
  /** The index of each column in a record; -1 for an optional column the file does not have. */
  columns: ColumnIndex;
  /** Header names that are not columns of the contract, or repeat one (as written, trimmed). */
  unknown: string[];
  /** Required columns the header lacks. */
  missing: ColumnName[];
}

const KNOWN = new Set<string>(COLUMN_NAMES);

/**
 * Maps a header row to column indexes. Names are trimmed, NFKC-folded (so `ＱＵＡＮＴＩＴＹ` is
 * `quantity`) and compared without case; column order is free. A repeated column keeps its first
 * position and the repeat is reported as unknown. Empty header cells (the trailing columns Excel
 * sometimes writes) are ignored, not reported.
 */
export function mapHeader(fields: readonly string[]): HeaderMap {
  const columns = Object.fromEntries(COLUMN_NAMES.map((name) => [name, -1])) as ColumnIndex;
  const unknown: string[] = [];
  fields.forEach((field, index) => {
    const written = field.trim();
    if (written === "") return;
    const name = written.normalize("NFKC").trim().toLowerCase();
    if (KNOWN.has(name) && columns[name as ColumnName] === -1) columns[name as ColumnName] = index;
    else unknown.push(written);
  });
  const missing = REQUIRED_COLUMNS.filter((name) => columns[name] === -1);
  return { columns, unknown, missing };
}
