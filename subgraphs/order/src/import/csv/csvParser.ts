/** A streaming RFC 4180 reader that counts physical lines the way a spreadsheet numbers rows. */
import { CsvFormatError } from "./csvErrors.js";

/**
 * Receives one record. `lineNumber` is the physical line (1-based) the record starts on; the
 * array is the caller's to keep.
 */
export type OnRecord = (fields: string[], lineNumber: number) => void;

export interface CsvParserOptions {
  /**
   * Longest field (in characters) held while waiting for its end. A quote that is never closed
   * would otherwise make the parser hold the rest of the file; past this it throws instead.
   */
  maxFieldLength?: number;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;

const DEFAULT_MAX_FIELD = 1 << 20;

/**
 * Quoted fields may hold commas, doubled quotes and CR, LF or CRLF; records end with CRLF, LF or a
 * lone CR; a completely empty line is skipped (it still counts as a line). Text may be pushed in
 * chunks cut anywhere, even between CR and LF or inside a quoted field. A quote inside an unquoted
 * field is kept as a character, and text after a closing quote (`"ab"c`) is appended, as Excel does.
 */
export class CsvParser {
  /** Text from the start of the current field that is not consumed yet. */
  private rest = "";
  /** Where scanning resumes in `rest`. */
  private pos = 0;
  private state = FIELD_START;
  /** The closed quoted part of the current field; null when the field is not quoted. */
  private prefix: string | null = null;
  private escapes = false;
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The last chunk ended a record with CR: an LF that starts the next chunk belongs to it. */
  private skipLF = false;
  private ended = false;
  /** The number of physical lines read, once `end` has run (a final newline starts no new line). */
  lineCount = 0;
  private readonly maxFieldLength: number;

  constructor(options: CsvParserOptions = {}) {
    this.maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD;
  }

  /** The physical line the parser has reached (1-based). */
  get lineNumber(): number {
    return this.line;
  }

  /** Parses the next piece of text, calling `onRecord` for every record it completes. */
  push(text: string, onRecord: OnRecord): void {
    if (text.length === 0) return;
    const s = this.rest.length === 0 ? text : this.rest + text;
    const n = s.length;
    let i = this.pos;
    let start = 0;
    let state = this.state;
    let prefix = this.prefix;
    let fields = this.fields;
    let line = this.line;
    let recordLine = this.recordLine;

    if (this.skipLF) {
      this.skipLF = false;
      if (s.charCodeAt(0) === LF) start = i = 1;
    }

    while (i < n) {
      if (state === FIELD_START) {
        if (s.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          this.escapes = false;
          this.quoteLine = line;
          i++;
        } else {
          state = UNQUOTED;
          prefix = null;
        }
      }

      if (state === QUOTED) {
        let closed = false;
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            if (i + 1 === n) break; // a doubled quote or the closing one: the next chunk tells
            if (s.charCodeAt(i + 1) === QUOTE) {
              this.escapes = true;
              i += 2;
              continue;
            }
            closed = true;
            break;
          }
          if (c === CR || (c === LF && s.charCodeAt(i - 1) !== CR)) line++;
          i++;
        }
        if (!closed) break;
        prefix = this.quotedValue(s, start, i);
        i++;
        start = i;
        state = UNQUOTED;
      }

      // UNQUOTED: up to the next comma or line end.
      let c = 0;
      while (i < n) {
        c = s.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        i++;
      }
      if (i === n) break;
      const value = prefix === null ? s.slice(start, i) : i === start ? prefix : prefix + s.slice(start, i);
      i++;
      state = FIELD_START;
      if (c === COMMA) {
        fields.push(value);
        start = i;
        continue;
      }
      if (c === CR) {
        if (i === n) this.skipLF = true;
        else if (s.charCodeAt(i) === LF) i++;
      }
      if (fields.length > 0 || value.length > 0 || prefix !== null) {
        fields.push(value);
        onRecord(fields, recordLine);
        fields = [];
      }
      line++;
      recordLine = line;
      start = i;
    }

    this.rest = start < n ? s.slice(start) : "";
    this.pos = i - start;
    this.state = state;
    this.prefix = prefix;
    this.fields = fields;
    this.line = line;
    this.recordLine = recordLine;
    if (this.rest.length > this.maxFieldLength) {
      const at = state === QUOTED ? this.quoteLine : recordLine;
      throw new CsvFormatError(
        `a field starting on line ${at} is longer than ${this.maxFieldLength} characters; is a closing quote missing?`,
        at,
      );
    }
  }

  /**
   * Finishes the input: a last record without a final newline is delivered; a quoted field that
   * never closes throws a CsvFormatError naming the line it starts on.
   */
  end(onRecord: OnRecord): void {
    if (this.ended) return;
    this.ended = true;
    const s = this.rest;
    const fields = this.fields;
    // Characters after the last newline make one more line (and, unless blank, one more record).
    const lastLineHasText = fields.length > 0 || s.length > 0 || this.state !== FIELD_START;
    if (this.state === QUOTED) {
      const last = s.length - 1;
      // Only a quote as the very last character can close the field now.
      if (this.pos !== last || s.charCodeAt(last) !== QUOTE) {
        throw new CsvFormatError(`the quoted field starting on line ${this.quoteLine} has no closing quote`, this.quoteLine);
      }
      fields.push(this.quotedValue(s, 0, last));
    } else if (this.state === UNQUOTED) {
      fields.push(this.prefix === null ? s : this.prefix + s);
    } else if (fields.length > 0) {
      fields.push(""); // the input ended right after a comma
    }
    this.lineCount = lastLineHasText ? this.line : this.line - 1;
    this.rest = "";
    this.fields = [];
    if (fields.length > 0) onRecord(fields, this.recordLine);
  }

  private quotedValue(s: string, start: number, close: number): string {
    const value = s.slice(start + 1, close);
    return this.escapes ? value.replaceAll('""', '"') : value;
  }
}
