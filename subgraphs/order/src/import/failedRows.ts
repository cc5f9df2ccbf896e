/**
 * The failed rows of an import, in constant memory: the original file is read again, in chunks,
 * alongside the import's failed row numbers (ascending, a page at a time from the database), like
 * a merge — a record whose number is the next failed one is written, the others are skipped, and
 * reading stops after the last failed row. Neither all row numbers nor all lines are ever held.
 */
import { AutoDecoder, CsvParser, isBlankRecord } from "./csv/index.js";
import { csvLine } from "./csvWriter.js";

/** Failed row numbers after `after`, ascending, distinct, at most `limit`. */
export type FailedRowPage = (after: number, limit: number) => Promise<number[]>;

const PAGE = 5000;
/** Bytes parsed at a time: pieces (a file's 1 MB in the database) are cut to this. */
export const FAILED_ROWS_CHUNK = 64 * 1024;
const CHUNK = FAILED_ROWS_CHUNK;

/**
 * Walks the file (`bytes`: its pieces in order, see uploadFiles.ts's `openUploadFile`) and writes the header and every record whose number (the parser callback's second
 * argument, what the import stores as `import_errors.row_number`) is a failed row. Rows without an
 * `order_ref` get `#<row>`, so a retry lands on the same order key.
 */
export async function writeFailedRows(bytes: AsyncIterable<Buffer>, failedAfter: FailedRowPage, write: (text: string) => Promise<void>, pageSize = PAGE): Promise<void> {
  const decoder = new AutoDecoder();
  const parser = new CsvParser();
  let header: string[] | null = null;
  let refColumn = -1;
  let page: number[] = [];
  let at = 0;
  // The header is row 1: failed rows are after it.
  let after = 1;
  let lastPage = false;
  let finished = false;
  let out: string[] = [];

  /** The next failed row number not yet passed, or null when there is none. */
  const nextFailed = async (): Promise<number | null> => {
    if (at < page.length) return page[at]!;
    if (lastPage) return null;
    page = await failedAfter(after, pageSize);
    at = 0;
    lastPage = page.length < pageSize;
    if (page.length === 0) return null;
    after = page[page.length - 1]!;
    return page[0]!;
  };

  const onRecord = async (fields: string[], row: number) => {
    if (finished) return;
    if (!header) {
      if (isBlankRecord(fields)) return;
      header = fields;
      refColumn = fields.findIndex((f) => f.normalize("NFKC").trim().toLowerCase() === "order_ref");
      out.push(csvLine(refColumn >= 0 ? fields : ["order_ref", ...fields]));
      return;
    }
    let next = await nextFailed();
    while (next !== null && next < row) {
      at += 1;
      next = await nextFailed();
    }
    if (next === null) {
      finished = true;
      return;
    }
    if (next !== row) return;
    at += 1;
    const cells = refColumn >= 0 ? [...fields] : ["", ...fields];
    const key = refColumn >= 0 ? refColumn : 0;
    if (!cells[key]?.trim()) cells[key] = `#${row}`;
    out.push(csvLine(cells));
  };

  // The parser hands over a chunk's records at once (a chunk is at most CHUNK bytes); they are
  // then matched in order, each waiting for the next page of failed rows when it needs one.
  let records: [string[], number][] = [];
  const collect = (fields: string[], row: number) => {
    records.push([fields, row]);
  };
  const flush = async () => {
    const taken = records;
    records = [];
    for (const [fields, row] of taken) await onRecord(fields, row);
    if (out.length === 0) return;
    const text = out.join("");
    out = [];
    await write(text);
  };

  // `for await` closes the source when the last failed row is passed before its end.
  reading: for await (const piece of bytes) {
    for (let at = 0; at < piece.length; at += CHUNK) {
      parser.push(decoder.write(piece.subarray(at, at + CHUNK)), collect);
      await flush();
      if (finished) break reading;
    }
  }
  if (!finished) {
    parser.push(decoder.end(), collect);
    parser.end(collect);
  }
  await flush();
  // A file without a single record still gets its header line, so the download is a CSV.
  if (!header) await write(csvLine(["order_ref"]));
}
