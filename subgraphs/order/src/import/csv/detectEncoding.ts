/** Telling the encodings Excel in Japan writes apart: UTF-8 (with or without BOM) and CP932. */
import { isUtf8 } from "node:buffer";

export type CsvEncoding = "utf-8" | "utf-8-bom" | "cp932";

/** True when the bytes start with the UTF-8 byte order mark EF BB BF. */
export function hasUtf8Bom(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/**
 * Detects the encoding of a file from its first bytes: a BOM means UTF-8 with BOM; bytes that are
 * valid UTF-8 mean UTF-8; anything else is taken for CP932 (Shift_JIS as Excel writes it), since a
 * CP932 text of any length is practically never valid UTF-8 — unless the first line beyond ASCII
 * is UTF-8 holding Japanese (3-byte sequences): then the file is UTF-8 whose later rows are not
 * (rows pasted from a Shift_JIS file), refused at the first of them, rather than read as CP932
 * with its first rows silently turned into other kanji.
 *
 * @param head the first bytes of the file (any length; 1 MB is plenty)
 * @param isWholeFile true when `head` is the whole file, so a multi-byte sequence cut at its end
 *   is an error rather than the edge of the sample
 */
export function detectEncoding(head: Uint8Array, isWholeFile = false): CsvEncoding {
  if (hasUtf8Bom(head)) return "utf-8-bom";
  const end = isWholeFile ? head.length : completeUtf8Length(head);
  if (isUtf8(head.subarray(0, end))) return "utf-8";
  const line = firstNonAsciiLine(head.subarray(0, end));
  return hasUtf8Japanese(line) && isUtf8(line) ? "utf-8" : "cp932";
}

/** From the first byte beyond ASCII to the end of its line (LF or CR), or of the bytes. */
function firstNonAsciiLine(bytes: Uint8Array): Uint8Array {
  let from = 0;
  while (from < bytes.length && bytes[from]! < 0x80) from++;
  let to = from;
  while (to < bytes.length && bytes[to] !== 0x0a && bytes[to] !== 0x0d) to++;
  return bytes.subarray(from, to);
}

/**
 * True when the bytes hold a UTF-8 lead byte of a 3- or 4-byte sequence. Japanese in UTF-8 is
 * made of them; CP932 text that happens to be valid UTF-8 (a few half-width katakana) only makes
 * 2-byte ones.
 */
function hasUtf8Japanese(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0xe0 && bytes[i]! <= 0xf4) return true;
  return false;
}

/**
 * The length of `bytes` without a UTF-8 sequence cut at its end (the sample ends where the read
 * did, not where a character does). Other malformations are left for `isUtf8` to find.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  const stop = Math.max(0, n - 4);
  let i = n - 1;
  while (i >= stop && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < stop) return n;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i < need ? i : n;
}
