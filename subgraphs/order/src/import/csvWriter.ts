/**
 * Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, UTF-8 with a BOM (so Excel
 * reads it as UTF-8) or CP932, and — for reports — cells neutralised against formula injection.
 */
import iconv from "iconv-lite";
import { neutralise } from "./csv/formulaSafety.js";

export type OutputEncoding = "utf-8-bom" | "cp932";

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
