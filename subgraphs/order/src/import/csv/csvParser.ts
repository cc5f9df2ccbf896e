/** A streaming RFC 4180 reader that numbers records the way a spreadsheet numbers rows, within limits. */
import { CsvFormatError, CsvLimitError } from "./csvErrors.js";
import { CSV_LIMITS, type CsvLimits } from "./csvLimits.js";

/**
 * Receives one record with its spreadsheet row: 1 + the number of records before it. A blank line
 * counts as a row (a spreadsheet shows it as an empty one); line breaks inside a quoted cell do
 * not (they stay in the cell). The array is the caller's to keep.
 */
export type OnRecord = (fields: string[], rowNumber: number) => void;

export interface CsvParserOptions {
  /** The limits a record must keep; `CSV_LIMITS` by default. */
  limits?: Partial<CsvLimits>;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;

/**
 * Quoted cells may hold commas, doubled quotes and CR, LF or CRLF; records end with CRLF, LF or a
 * lone CR; a completely empty line is not delivered (it still counts as a row). Text may be pushed
 * in chunks cut anywhere, even between CR and LF or inside a quoted cell. A quote inside an
 * unquoted cell is kept as a character, and text after a closing quote (`"ab"c`) is appended, as
 * Excel does.
 *
 * Limits are checked as the text arrives, never on a built record: a record with too many cells
 * throws at the separator past the limit, a cell or record too long throws once its characters
 * so far pass the limit (at the latest at the end of the chunk), so the parser never holds more
 * than one chunk and one record within limits. The error is a CsvLimitError naming the row.
 */
export class CsvParser {
  /** Text from the start of the current field that is not consumed yet. */
  private rest = "";
  /** Where scanning resumes in `rest`. */
  private pos = 0;
  private state = FIELD_START;
  /** The closed quoted part of the current field; null when the field is not quoted. */
  private prefix: string | null = null;
  /** Characters the closed quoted part takes in the file, its quotes included. */
  private prefixRaw = 0;
  private escapes = false;
  private fields: string[] = [];
  private row = 1;
  /** Characters of the current record consumed in earlier pushes (before `rest`). */
  private rowCarry = 0;
  /** The last chunk ended a record with CR: an LF that starts the next chunk belongs to it. */
  private skipLF = false;
  private ended = false;
  /** The number of spreadsheet rows, blank ones included, once `end` has run (a final line end starts no row). */
  rowCount = 0;
  private readonly limits: CsvLimits;

  constructor(options: CsvParserOptions = {}) {
    this.limits = { ...CSV_LIMITS, ...options.limits };
  }

  /** The spreadsheet row of the record being read (1-based). */
  get rowNumber(): number {
    return this.row;
  }

  /** Parses the next piece of text, calling `onRecord` for every record it completes. */
  push(text: string, onRecord: OnRecord): void {
    if (text.length === 0) return;
    const s = this.rest.length === 0 ? text : this.rest + text;
    const n = s.length;
    const { maxFields, maxCellLength, maxRowLength } = this.limits;
    let i = this.pos;
    let start = 0;
    // Where the current record starts in `s` (0 when it started in an earlier chunk).
    let rowStart = 0;
    let state = this.state;
    let prefix = this.prefix;
    let prefixRaw = this.prefixRaw;
    let escapes = this.escapes;
    let fields = this.fields;
    let row = this.row;
    let rowCarry = this.rowCarry;

    if (this.skipLF) {
      this.skipLF = false;
      if (s.charCodeAt(0) === LF) start = rowStart = i = 1;
    }

    while (i < n) {
      if (state === FIELD_START) {
        prefix = null;
        prefixRaw = 0;
        if (s.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          escapes = false;
          i++;
        } else {
          state = UNQUOTED;
        }
      }

      if (state === QUOTED) {
        let closed = false;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) {
            i = n;
            break;
          }
          if (q + 1 === n) {
            i = q; // a doubled quote or the closing one: the next chunk tells
            break;
          }
          if (s.charCodeAt(q + 1) === QUOTE) {
            escapes = true;
            i = q + 2;
            continue;
          }
          i = q;
          closed = true;
          break;
        }
        if (!closed) break;
        prefix = escapes ? s.slice(start + 1, i).replaceAll('""', '"') : s.slice(start + 1, i);
        prefixRaw = i + 1 - start;
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
      if (prefixRaw + i - start > maxCellLength) throw new CsvLimitError("CSV_CELL_TOO_LONG", row, maxCellLength);
      const value = prefix === null ? s.slice(start, i) : i === start ? prefix : prefix + s.slice(start, i);
      const end = i;
      i++;
      state = FIELD_START;
      if (c === COMMA) {
        // A comma always starts one more cell: reaching the limit here means going past it.
        if (fields.push(value) >= maxFields) throw new CsvLimitError("CSV_ROW_TOO_MANY_FIELDS", row, maxFields);
        start = i;
        continue;
      }
      if (rowCarry + end - rowStart > maxRowLength) throw new CsvLimitError("CSV_ROW_TOO_LONG", row, maxRowLength);
      if (c === CR) {
        if (i === n) this.skipLF = true;
        else if (s.charCodeAt(i) === LF) i++;
      }
      if (fields.length > 0 || value.length > 0 || prefix !== null) {
        fields.push(value);
        onRecord(fields, row);
        fields = [];
      }
      row++;
      rowCarry = 0;
      start = rowStart = i;
    }

    this.rest = start < n ? s.slice(start) : "";
    this.pos = i - start;
    this.state = state;
    this.prefix = prefix;
    this.prefixRaw = prefixRaw;
    this.escapes = escapes;
    this.fields = fields;
    this.row = row;
    this.rowCarry = rowCarry + start - rowStart;
    // The cell and the record still open keep their limits too: nothing grows past them.
    if (prefixRaw + this.rest.length > maxCellLength) throw new CsvLimitError("CSV_CELL_TOO_LONG", row, maxCellLength);
    if (this.rowCarry + this.rest.length > maxRowLength) throw new CsvLimitError("CSV_ROW_TOO_LONG", row, maxRowLength);
  }

  /**
   * Finishes the input: a last record without a final line end is delivered; a quoted cell that
   * never closes throws a CsvFormatError naming the row it starts in.
   */
  end(onRecord: OnRecord): void {
    if (this.ended) return;
    this.ended = true;
    const s = this.rest;
    const fields = this.fields;
    // Characters after the last line end make one more row (and, unless blank, one more record).
    const lastRowHasText = fields.length > 0 || s.length > 0 || this.state !== FIELD_START;
    if (this.state === QUOTED) {
      const last = s.length - 1;
      // Only a quote as the very last character can close the cell now.
      if (this.pos !== last || s.charCodeAt(last) !== QUOTE) {
        throw new CsvFormatError(`the quoted cell starting in row ${this.row} has no closing quote`, this.row);
      }
      const value = s.slice(1, last);
      fields.push(this.escapes ? value.replaceAll('""', '"') : value);
    } else if (this.state === UNQUOTED) {
      fields.push(this.prefix === null ? s : this.prefix + s);
    } else if (fields.length > 0) {
      fields.push(""); // the input ended right after a comma
    }
    this.rowCount = lastRowHasText ? this.row : this.row - 1;
    this.rest = "";
    this.fields = [];
    if (fields.length > 0) onRecord(fields, this.row);
  }
}
