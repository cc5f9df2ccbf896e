/** Reading an order CSV file (from disk, or any byte source): detect, decode, parse, map the header, validate each row. */
import { createReadStream } from "node:fs";
import { AutoDecoder } from "./createDecoder.js";
import { CsvParser } from "./csvParser.js";
import { CsvInvalidEncodingError, MissingColumnsError } from "./csvErrors.js";
import type { CsvLimits } from "./csvLimits.js";
import { restoreNeutralised } from "./formulaSafety.js";
import { REQUIRED_COLUMNS } from "./columns.js";
import type { CsvEncoding } from "./detectEncoding.js";
import { mapHeader, type HeaderMap } from "./headerMap.js";
import { validateRow, type ValidatedRow } from "./validateRow.js";

/**
 * Receives each data row as soon as it is read. `fields` are the record's cells as written (for
 * an error report or a retry file); copy them if you keep them past the call.
 */
export type OnRow = (result: ValidatedRow, fields: readonly string[]) => void;

export interface ReadCsvOptions {
  /**
   * Called after each chunk's rows have been delivered, with the bytes read so far. If it returns
   * a promise, reading waits for it: the place to flush a batch of rows with backpressure.
   */
  onProgress?: (bytesRead: number) => void | Promise<void>;
  /** Stops reading; `readCsvFile` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once with the header and its spreadsheet row, before the first data row. */
  onHeader?: (header: HeaderMap, rowNumber: number) => void;
  /** Bytes per read of a file on disk; 1 MB by default. */
  chunkSize?: number;
  /** The limits a record must keep; `CSV_LIMITS` by default. */
  limits?: Partial<CsvLimits>;
}

export interface ReadCsvSummary {
  /** The encoding detected; "utf-8" for a file that is plain ASCII. */
  encoding: CsvEncoding;
  /** Data records read (valid or not); blank records and the header are not counted. */
  dataRows: number;
  validRows: number;
  invalidRows: number;
  /** Header names outside the contract, each reported once. */
  unknownColumns: string[];
  /** Spreadsheet rows in the file: the header and blank lines included, line breaks inside quoted cells not. */
  rowCount: number;
  bytesRead: number;
}

const ONE_MB = 1 << 20;
// Text is decoded and parsed 32 KB at a time: a decoded megabyte would be a "large object" that
// only a full GC frees, and the heap would grow by megabytes per chunk between two of them;
// strings of up to 64 KB stay in the young generation, which frees them cheaply.
const DECODE_SLICE = 32 * 1024;
// How many rows pass between two looks at the abort signal inside one chunk.
const ABORT_CHECK_MASK = 4095;

/**
 * Streams the file at `source` (a path on disk, or the file's bytes in order, as pieces of about
 * 1 MB) and hands every data row, validated, to `onRow`; the file is never
 * held in memory as a whole. Rows are numbered as a spreadsheet shows them (see `CsvParser`). The
 * header is the first non-blank record; required columns missing from it throw a
 * MissingColumnsError before any row is read. A record whose cells are all empty or spaces (a
 * blank line, or Excel's `,,,,` line) is skipped and not counted as data, but keeps its row number.
 * A cell our own downloads wrote formula-safe (`'=SUM(A1)`) is validated as its value (`=SUM(A1)`),
 * so failed rows and exports import back as they were.
 *
 * Throws, naming the row where it applies: CsvLimitError (a record beyond `limits`),
 * CsvFormatError (a quoted cell never closed), CsvInvalidEncodingError (bytes not valid in the
 * detected encoding, U+FFFD included), CsvEncodingError (UTF-16), or the signal's reason when
 * aborted.
 */
export async function readCsvFile(source: string | AsyncIterable<Buffer>, onRow: OnRow, options: ReadCsvOptions = {}): Promise<ReadCsvSummary> {
  const { signal, onProgress, onHeader } = options;
  signal?.throwIfAborted();
  const decoder = new AutoDecoder();
  const parser = new CsvParser({ limits: options.limits });
  let header: HeaderMap | null = null;
  let dataRows = 0;
  let validRows = 0;
  let bytesRead = 0;
  // Looking at the first character of every cell for an escaping apostrophe costs a tenth of the
  // reading time; most files hold no apostrophe at all, so it starts with the first one seen.
  let apostrophes = false;

  const onRecord = (fields: string[], rowNumber: number): void => {
    if (isBlankRecord(fields)) return;
    if (header === null) {
      header = mapHeader(fields);
      if (header.missing.length > 0) throw new MissingColumnsError(header.missing);
      onHeader?.(header, rowNumber);
      return;
    }
    dataRows++;
    if ((dataRows & ABORT_CHECK_MASK) === 0) signal?.throwIfAborted();
    const result = validateRow(apostrophes ? withoutFormulaEscapes(fields) : fields, header.columns, rowNumber);
    if (result.ok) validRows++;
    onRow(result, fields);
  };

  // The decoders replace bytes their encoding does not map with U+FFFD: the first one found stops
  // the file, at the row it is in (the text before it is parsed first, so the row is exact).
  const feed = (text: string): void => {
    if (!apostrophes && text.indexOf("'") >= 0) apostrophes = true;
    const bad = text.indexOf("\uFFFD");
    if (bad < 0) return parser.push(text, onRecord);
    parser.push(text.slice(0, bad), onRecord);
    throw new CsvInvalidEncodingError(parser.rowNumber, decoder.encoding);
  };

  const file = typeof source === "string" ? createReadStream(source, { highWaterMark: options.chunkSize ?? ONE_MB }) : null;
  const chunks: AsyncIterable<Buffer> = file ?? (source as AsyncIterable<Buffer>);
  try {
    // `for await` closes an iterator it leaves early (a refusal, an abort).
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      bytesRead += chunk.length;
      for (let at = 0; at < chunk.length; at += DECODE_SLICE) feed(decoder.write(chunk.subarray(at, at + DECODE_SLICE)));
      if (onProgress) await onProgress(bytesRead);
    }
    signal?.throwIfAborted();
    feed(decoder.end());
    parser.end(onRecord);
  } finally {
    file?.destroy();
  }
  // TypeScript does not see the assignment inside onRecord and takes `header` for always null.
  const found = header as HeaderMap | null;
  if (found === null) throw new MissingColumnsError(REQUIRED_COLUMNS, "the file is empty: a header row naming the columns is required");
  return {
    encoding: decoder.encoding,
    dataRows,
    validRows,
    invalidRows: dataRows - validRows,
    unknownColumns: found.unknown,
    rowCount: parser.rowCount,
    bytesRead,
  };
}

/**
 * The cells with the apostrophe formula escaping put before a formula-looking value taken off
 * again (`restoreNeutralised`); the same array when no cell starts with an apostrophe.
 */
function withoutFormulaEscapes(fields: string[]): string[] {
  for (let i = 0; i < fields.length; i++) {
    if (fields[i]!.charCodeAt(0) === 0x27) return fields.map(restoreNeutralised);
  }
  return fields;
}

/** True when every cell is empty or spaces. */
export function isBlankRecord(fields: readonly string[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length > 0 && field.trim() !== "") return false;
  }
  return true;
}
