/**
 * Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, UTF-8 with a BOM (so Excel
 * reads it as UTF-8) or CP932, and — for reports — cells neutralised against formula injection.
 */
import iconv from "iconv-lite";

export type OutputEncoding = "utf-8-bom" | "cp932";

// A cell a spreadsheet would run as a formula: =, +, -, @ (and tab or CR, which some strip first).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a formula-looking cell with an apostrophe, so it is shown as text, not run. */
export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number | null | undefined)[], safe: boolean): string {
  return `${cells.map((c) => csvCell(safe && typeof c === "string" ? neutralise(c) : c)).join(",")}\r\n`;
}

/** Encodes CSV text for the chosen output; the first chunk of UTF-8 output starts with a BOM. */
export function encodeCsv(text: string, encoding: OutputEncoding, first: boolean): Buffer {
  if (encoding === "cp932") return iconv.encode(text, "cp932");
  return Buffer.from(first ? `\uFEFF${text}` : text, "utf8");
}

export function parseOutputEncoding(raw: unknown, fallback: OutputEncoding = "utf-8-bom"): OutputEncoding | null {
  if (raw === undefined || raw === "") return fallback;
  if (raw === "utf-8-bom" || raw === "utf-8" || raw === "utf8") return "utf-8-bom";
  if (raw === "cp932" || raw === "shift_jis" || raw === "sjis") return "cp932";
  return null;
}
