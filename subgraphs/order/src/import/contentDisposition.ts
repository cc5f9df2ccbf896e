/**
 * `Content-Disposition: attachment` built per RFC 6266: `filename="<ASCII fallback>"` for old
 * clients and `filename*=UTF-8''<percent-encoded>` (RFC 8187) for the real name, both from
 * sanitised names only — no quote, backslash, semicolon, control or bidi character, path
 * separator or line break can reach the header.
 */

const MAX_NAME = 150;

/**
 * A file name safe to offer for saving: NFC, no control or format characters (bidi overrides
 * that disguise `txt.exe`), no characters that file systems or the header's syntax refuse,
 * no leading or trailing dots and spaces, at most 150 characters (the extension kept).
 */
export function sanitiseFilename(name: string): string {
  let clean = name
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/[\\/:*?"<>|;]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if ([...clean].length > MAX_NAME) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : "";
    clean = [...clean.slice(0, clean.length - ext.length)].slice(0, MAX_NAME - ext.length).join("") + ext;
  }
  return clean;
}

/** Only what is safe in a quoted-string everywhere: letters, digits, `.`, `_`, `-`. */
function asciiFallback(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_") || "download";
}

/** RFC 8187 value characters: everything else is percent-encoded as UTF-8. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The header value for downloading `name`; `fallback` is the ASCII name old clients get
 * (default: `name` with every other character replaced).
 */
export function attachment(name: string, fallback?: string): string {
  const clean = sanitiseFilename(name) || "download";
  return `attachment; filename="${asciiFallback(sanitiseFilename(fallback ?? clean))}"; filename*=UTF-8''${encodeRfc8187(clean)}`;
}
