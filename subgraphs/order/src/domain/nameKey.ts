/**
 * The key names are searched by (DESIGN section 3): NFKC folds full-width letters and digits,
 * half-width katakana and the full-width space; katakana become hiragana so either spelling of
 * a name finds the other; case and all spaces are dropped.
 */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .toLowerCase()
    .replace(/\s+/g, "");
}
