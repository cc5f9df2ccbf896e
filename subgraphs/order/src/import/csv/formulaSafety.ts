/**
 * Spreadsheet formula injection (CWE-1236), both ways. Every CSV the system writes prefixes a cell
 * a spreadsheet would run as a formula with an apostrophe (shown as text, not run); the import
 * takes that apostrophe off again, so a downloaded file (failed rows, an export) imports as the
 * original values. One rule for both directions lives here.
 */

// What a spreadsheet treats as the start of a formula: = + - @, and tab or CR (some strip them
// first) — here after any apostrophes, so a value that itself starts with "'=" survives the round
// trip too (it is written with one more apostrophe, which the import takes off).
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** The cell as written to a CSV: a formula-looking value gets a leading apostrophe. */
export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The cell as the import reads it: an apostrophe that `neutralise` added is taken off. */
export function restoreNeutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}
