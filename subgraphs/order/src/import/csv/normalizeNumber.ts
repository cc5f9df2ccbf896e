/**
 * Numbers as people type them in a Japanese spreadsheet: full-width digits (１２００), thousands
 * separators (1,200 or １，２００), a yen mark (¥1,200, ￥1,200, \1,200) or a trailing 円 (1200円), and
 * surrounding spaces, the full-width one included. Read with char checks, no regex: this runs
 * twice for every row of a million-row file.
 */

/** Reads a price. Returns null when `raw` is not a number; fractions and signs are kept for the caller to judge. */
export function parseAmount(raw: string): number | null {
  return parseNumber(raw, true);
}

/** Reads a quantity: like `parseAmount` without the currency marks (a quantity of ¥3 is a mistake). */
export function parseQuantity(raw: string): number | null {
  return parseNumber(raw, false);
}

const YEN = 0xa5; // ¥
// In Shift_JIS the yen mark is 0x5C, which CP932 decodes as a backslash: Excel in Japan saves
// ¥1,200 as \1,200.
const BACKSLASH = 0x5c;
const FULL_YEN = 0xffe5; // ￥
const EN = 0x5186; // 円

function parseNumber(raw: string, currencyMarks: boolean): number | null {
  let i = 0;
  let end = raw.length;
  while (i < end && isSpace(raw.charCodeAt(i))) i++;
  while (end > i && isSpace(raw.charCodeAt(end - 1))) end--;
  let negative = false;
  let signed = false;
  let marked = false;
  // A sign and a yen mark, in either order: -¥1,200 or ¥-1,200.
  while (i < end) {
    const c = raw.charCodeAt(i);
    if (!signed && (c === 0x2d || c === 0x2b || c === 0xff0d || c === 0xff0b || c === 0x2212)) {
      signed = true;
      negative = c !== 0x2b && c !== 0xff0b;
    } else if (currencyMarks && !marked && (c === YEN || c === FULL_YEN || c === BACKSLASH)) {
      marked = true;
    } else break;
    i++;
    while (i < end && isSpace(raw.charCodeAt(i))) i++;
  }
  if (currencyMarks && !marked && end > i && raw.charCodeAt(end - 1) === EN) {
    end--;
    while (end > i && isSpace(raw.charCodeAt(end - 1))) end--;
  }

  let value = 0;
  let digits = 0;
  let group = -1; // digits since the last thousands separator; -1 before the first one
  for (; i < end; i++) {
    const c = raw.charCodeAt(i);
    const d = digitValue(c);
    if (d >= 0) {
      value = value * 10 + d;
      digits++;
      if (group >= 0) group++;
    } else if (c === 0x2c || c === 0xff0c) {
      // 1,200 and 12,345,678 only: "12,00" may be a decimal comma, so it is not a number.
      if (group >= 0 ? group !== 3 : digits === 0 || digits > 3) return null;
      group = 0;
    } else break;
  }
  if (digits === 0 || (group >= 0 && group !== 3)) return null;

  if (i < end) {
    const c = raw.charCodeAt(i);
    if (c !== 0x2e && c !== 0xff0e) return null;
    i++;
    if (i === end) return null;
    let fraction = 0;
    let scale = 1;
    for (; i < end; i++) {
      const d = digitValue(raw.charCodeAt(i));
      if (d < 0) return null;
      fraction = fraction * 10 + d;
      scale *= 10;
    }
    value += fraction / scale;
  }
  if (!Number.isFinite(value)) return null;
  return negative && value !== 0 ? -value : value;
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x3000 || c === 0xa0;
}
