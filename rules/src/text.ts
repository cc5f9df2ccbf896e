/**
 * The one rule for text people type: what may be stored in a name, an e-mail address, a reason, a
 * template. Refused: control characters (C0, DEL, C1; a multi-line field keeps line feeds and
 * tabs), bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069: they make
 * text display in another order than it is stored, e.g. a file name that shows as "…fdp.exe"),
 * and lone surrogates (not Unicode text at all). Pure, with no GraphQL: the import worker uses it
 * per CSV cell, the services through `requireCleanText` (service-kit's textInput.ts), the admin UI as it is typed.
 */

/** Why a text was refused. */
export type TextProblemReason = "controlCharacter" | "bidiControl" | "loneSurrogate";

/**
 * `line`: a single-line field (names, e-mail addresses, phone numbers, file names): no control
 * character at all. `text`: a multi-line field (template bodies, reasons): line feeds and tabs
 * allowed, a CRLF line break is read as LF, any other CR is refused.
 */
export type TextKind = "line" | "text";

export interface TextProblem {
  reason: TextProblemReason;
  /** Index of the character in the value as given (UTF-16 code units, as JavaScript counts). */
  position: number;
  /** The character refused, as `U+XXXX`. */
  character: string;
}

export type TextCheck = { ok: true; value: string } | { ok: false; problem: TextProblem };

// The fast path: most text has none of these, and a regular expression says so in native code.
const SUSPECT_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const SUSPECT_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A UTF-16 code unit as people write it: `U+001B`. */
export function unicodeLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** The index of the first lone surrogate in `value`, or -1 (a well-formed string has none). */
export function findLoneSurrogate(value: string): number {
  if (value.isWellFormed()) return -1;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}

/** The first problem in `value[from, to)`, scanning character by character (the slow path). */
function scan(value: string, kind: TextKind, from: number, to: number): TextProblem | null {
  for (let i = from; i < to; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair: one character outside the BMP (emoji, rare kanji)
        continue;
      }
      return { reason: "loneSurrogate", position: i, character: unicodeLabel(code) };
    }
    if (isBidiControl(code)) return { reason: "bidiControl", position: i, character: unicodeLabel(code) };
    if (!isControl(code)) continue;
    if (kind === "text" && (code === 0x0a || code === 0x09 || (code === 0x0d && value.charCodeAt(i + 1) === 0x0a))) continue;
    return { reason: "controlCharacter", position: i, character: unicodeLabel(code) };
  }
  return null;
}

/**
 * The first character `value` may not hold as a field of `kind`, or null. A single-line value's
 * surrounding whitespace (a pasted trailing line break, a tab) is not looked at: every caller
 * trims it away before storing.
 */
export function findTextProblem(value: string, kind: TextKind = "line"): TextProblem | null {
  const suspect = kind === "line" ? SUSPECT_LINE : SUSPECT_TEXT;
  if (!suspect.test(value) && value.isWellFormed()) return null;
  if (kind === "text") return scan(value, kind, 0, value.length);
  const from = value.length - value.trimStart().length;
  return scan(value, kind, from, Math.max(from, value.trimEnd().length));
}

/**
 * Checks `value` as a field of `kind`: the value to store (CRLF read as LF in a multi-line
 * field; otherwise as given) or the problem, as a plain value.
 */
export function checkText(value: string, kind: TextKind = "line"): TextCheck {
  const problem = findTextProblem(value, kind);
  if (problem) return { ok: false, problem };
  return { ok: true, value: kind === "text" && value.includes("\r") ? value.replace(/\r\n/g, "\n") : value };
}

const WHAT: Record<TextProblemReason, string> = {
  controlCharacter: "a control character",
  bidiControl: "a bidirectional control character",
  loneSurrogate: "a lone surrogate (not valid Unicode)",
};

/** "a control character (U+001B) at position 4", for English messages. */
export function describeTextProblem(problem: TextProblem): string {
  return `${WHAT[problem.reason]} (${problem.character}) at position ${problem.position}`;
}
