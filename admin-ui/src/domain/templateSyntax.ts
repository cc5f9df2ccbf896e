/**
 * Just enough of Handlebars' syntax to check a template's references as it is typed: where the
 * `{{…}}` statements are (comments, escapes, triple and whitespace-controlled forms included) and
 * what a statement's helper, arguments, hash values and block params are. Pure; the notification
 * service parses with Handlebars itself and stays the judge.
 */

export interface Mustache {
  /** The text between the braces, without `~`. */
  inner: string;
  /** 1-based line of the opening braces. */
  line: number;
}

/** The `{{…}}` statements of `source` in order, skipping comments and `\{{` escapes. */
export function mustaches(source: string): Mustache[] {
  const found: Mustache[] = [];
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf("{{", i);
    if (start < 0) break;
    if (source[start - 1] === "\\") {
      i = start + 2;
      continue;
    }
    if (source.startsWith("{{!--", start) || source.startsWith("{{~!--", start)) {
      const close = /--~?}}/g;
      close.lastIndex = source.indexOf("!--", start) + 3;
      const end = close.exec(source);
      i = end ? end.index + end[0].length : source.length;
      continue;
    }
    const triple = source.startsWith("{{{", start);
    const end = source.indexOf(triple ? "}}}" : "}}", start + (triple ? 3 : 2));
    if (end < 0) break; // An unterminated mustache: the server names the line.
    const inner = source.slice(start + (triple ? 3 : 2), end).replace(/^~/, "").replace(/~$/, "");
    i = end + (triple ? 3 : 2);
    if (inner.trimStart().startsWith("!")) continue;
    found.push({ inner, line: source.slice(0, start).split("\n").length });
  }
  return found;
}

export type Expr = { kind: "path"; text: string } | { kind: "literal" } | { kind: "sub"; call: Call };
export interface Call {
  head: Expr | undefined;
  params: Expr[];
  hash: Expr[];
  blockParams: string[];
}

const LITERALS = new Set(["true", "false", "null", "undefined"]);

/** Splits the inside of a mustache into its helper/path, arguments, hash values and block params. */
export function parseCall(src: string): Call {
  const exprs: Expr[] = [];
  const hash: Expr[] = [];
  const blockParams: string[] = [];
  let i = 0;
  let hashNext = false;
  const push = (e: Expr) => {
    (hashNext ? hash : exprs).push(e);
    hashNext = false;
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "(") {
      let depth = 0;
      let j = i;
      let quote = "";
      for (; j < src.length; j += 1) {
        const c = src[j]!;
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "(") depth += 1;
        else if (c === ")" && --depth === 0) break;
      }
      push({ kind: "sub", call: parseCall(src.slice(i + 1, j)) });
      i = j + 1;
    } else if (ch === '"' || ch === "'") {
      const end = src.indexOf(ch, i + 1);
      i = end < 0 ? src.length : end + 1;
      push({ kind: "literal" });
    } else if (src.startsWith("as |", i) || src.startsWith("as|", i)) {
      const open = src.indexOf("|", i);
      const close = src.indexOf("|", open + 1);
      blockParams.push(...src.slice(open + 1, close < 0 ? src.length : close).trim().split(/\s+/).filter(Boolean));
      i = close < 0 ? src.length : close + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()=]/.test(src[j]!)) {
        if (src[j] === "[") j = Math.max(src.indexOf("]", j), j);
        j += 1;
      }
      const word = src.slice(i, j);
      i = j;
      if (src[i] === "=") {
        i += 1;
        hashNext = true;
        continue;
      }
      push(/^-?\d/.test(word) || LITERALS.has(word) || word === "" ? { kind: "literal" } : { kind: "path", text: word });
    }
  }
  const [head, ...params] = exprs;
  return { head, params, hash, blockParams };
}

export interface Path {
  data: boolean;
  depth: number;
  parts: string[];
}

/** A path as Handlebars reads it: `@data`, `../` climbs, `this.`, `.`/`/` separators, `[literal]` segments. */
export function parsePath(text: string): Path {
  let rest = text;
  const data = rest.startsWith("@");
  if (data) rest = rest.slice(1);
  let depth = 0;
  while (rest.startsWith("../")) {
    depth += 1;
    rest = rest.slice(3);
  }
  const parts = rest
    .split(/[./](?![^[]*\])/)
    .map((p) => p.replace(/^\[(.*)\]$/, "$1"))
    .filter((p) => p !== "");
  // `this` and `.` name the current context; only a leading one is dropped, as Handlebars does.
  if (parts[0] === "this" && !data) parts.shift();
  return { data, depth, parts };
}
