import { describe, expect, it } from "vitest";
import { CSV_LIMITS, CsvFormatError, CsvLimitError, CsvParser, type CsvLimits } from "../index.js";

type Rec = [string[], number];

/** Parses `text` cut into pieces of `size` characters (the whole text when size is 0). */
function parse(text: string, size = 0, limits?: Partial<CsvLimits>): { records: Rec[]; rowCount: number } {
  const records: Rec[] = [];
  const parser = new CsvParser({ limits });
  const on = (fields: string[], row: number) => records.push([fields, row]);
  if (size === 0) parser.push(text, on);
  else for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), on);
  parser.end(on);
  return { records, rowCount: parser.rowCount };
}

/** The error `parse` throws, and the records delivered before it. */
function parseError(text: string, size = 0, limits?: Partial<CsvLimits>): { error: unknown; records: Rec[] } {
  const records: Rec[] = [];
  const parser = new CsvParser({ limits });
  const on = (fields: string[], row: number) => records.push([[...fields], row]);
  try {
    if (size === 0) parser.push(text, on);
    else for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), on);
    parser.end(on);
  } catch (error) {
    return { error, records };
  }
  throw new Error("expected the parser to throw");
}

// Rows as a spreadsheet shows them: 1 header; 2 a quoted comma and doubled quotes; 3 a CRLF
// inside quotes (still one row); 4 blank; 5 a lone CR and an LF inside quotes; 6 a lone-CR record
// end; 7 the last row, no line end.
const TRICKY =
  'name,note\r\n' +
  '"Sato, Taro","He said ""hi"""\r\n' +
  '"line one\r\nline two",b\r\n' +
  '\r\n' +
  'c,"three\rparts\nhere"\n' +
  'd,e\r' +
  'last,"row"';

const TRICKY_RECORDS: Rec[] = [
  [["name", "note"], 1],
  [["Sato, Taro", 'He said "hi"'], 2],
  [["line one\r\nline two", "b"], 3],
  [["c", "three\rparts\nhere"], 5],
  [["d", "e"], 6],
  [["last", "row"], 7],
];

describe("CsvParser", () => {
  it("reads LF, CRLF and lone CR record ends", () => {
    expect(parse("a,b\n1,2\n").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\r\n1,2\r\n").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\r1,2\r").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
  });

  it("reads quoted commas, doubled quotes and newlines inside quotes, numbering records as spreadsheet rows", () => {
    const { records, rowCount } = parse(TRICKY);
    expect(records).toEqual(TRICKY_RECORDS);
    expect(rowCount).toBe(7);
  });

  it("numbers the row after a cell with two line breaks as the next row, not the next physical line", () => {
    const text = 'h1,h2\r\n"a\r\nb\r\nc",x\r\nbad,y\r\n';
    expect(parse(text).records).toEqual([
      [["h1", "h2"], 1],
      [["a\r\nb\r\nc", "x"], 2],
      [["bad", "y"], 3],
    ]);
  });

  it.each([1, 2, 3, 7, 13])("gives the same records when the text comes in %i-character chunks", (size) => {
    expect(parse(TRICKY, size).records).toEqual(TRICKY_RECORDS);
    expect(parse(TRICKY + "\r\n", size)).toEqual({ records: TRICKY_RECORDS, rowCount: 7 });
  });

  it("gives the same records for chunks cut at random places in a long text", () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      [i % 5 === 0 ? `"q${i}, ""x""\r\nnext"` : `v${i}`, "", i % 7 === 0 ? '"\r"' : "表ソ", i % 3 === 0 ? '""' : "z"].join(","),
    );
    const text = rows.map((row, i) => row + (i % 4 === 0 ? "\r\n\r\n" : i % 4 === 1 ? "\n" : i % 4 === 2 ? "\r" : "\r\n")).join("");
    const whole = parse(text);
    expect(whole.records).toHaveLength(300);
    let seed = 7;
    const parser = new CsvParser();
    const records: Rec[] = [];
    const on = (fields: string[], line: number) => records.push([fields, line]);
    for (let i = 0; i < text.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = 1 + (seed % 11);
      parser.push(text.slice(i, i + size), on);
      i += size;
    }
    parser.end(on);
    expect(records).toEqual(whole.records);
    expect(parser.rowCount).toBe(whole.rowCount);
  });

  it("skips completely empty lines but counts them as rows", () => {
    const { records, rowCount } = parse("h\n\n\r\n1\n\n2\n\n");
    expect(records).toEqual([[["h"], 1], [["1"], 4], [["2"], 6]]);
    expect(rowCount).toBe(7);
  });

  it("keeps a line of spaces, a line of commas and a quoted empty field as records", () => {
    expect(parse(" \n,,\n\"\"\n").records).toEqual([[[" "], 1], [["", "", ""], 2], [[""], 3]]);
  });

  it("delivers a last record without a final newline, also one ending in a comma or a closing quote", () => {
    expect(parse("a,b\n1,2").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\n1,").records).toEqual([[["a", "b"], 1], [["1", ""], 2]]);
    for (const size of [0, 1, 2]) expect(parse('a\n"x"', size).records).toEqual([[["a"], 1], [["x"], 2]]);
  });

  it("keeps a quote inside an unquoted field and text after a closing quote, as Excel does", () => {
    expect(parse('ab"c,"d"e,"f"\n').records).toEqual([[['ab"c', "de", "f"], 1]]);
  });

  it("throws a CsvFormatError naming the row of a quoted cell that never closes", () => {
    const { error } = parseError('h\n"a\nb",1\n"open\nstill open\n');
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).rowNumber).toBe(3);
    expect((error as CsvFormatError).message).toBe("the quoted cell starting in row 3 has no closing quote");
  });

  it("counts no row for empty input", () => {
    expect(parse("")).toEqual({ records: [], rowCount: 0 });
  });
});

describe("CsvParser limits", () => {
  const limitOf = (error: unknown) => {
    expect(error).toBeInstanceOf(CsvLimitError);
    const { code, rowNumber, max } = error as CsvLimitError;
    return { code, rowNumber, max };
  };

  it("has the documented defaults", () => {
    expect(CSV_LIMITS).toEqual({ maxFields: 64, maxCellLength: 4096, maxRowLength: 65536 });
  });

  it.each([0, 1, 5, 64])("accepts a record of exactly maxFields cells and refuses one more, naming its row (chunks of %i)", (size) => {
    const row = (cells: number) => Array.from({ length: cells }, (_, i) => `c${i}`).join(",");
    expect(parse(`h\n"x\ny",1\n${row(64)}\n`, size).records[2]![0]).toHaveLength(64);
    const { error, records } = parseError(`h\n"x\ny",1\n${row(65)}\n`, size);
    expect(limitOf(error)).toEqual({ code: "CSV_ROW_TOO_MANY_FIELDS", rowNumber: 3, max: 64 });
    expect((error as Error).message).toBe("row 3 has more than 64 cells (the import reads 9 columns: is it an order file?)");
    expect(records.map(([, r]) => r)).toEqual([1, 2]);
  });

  it("refuses a row of a million commas at the separator past the limit, without building the row", () => {
    const parser = new CsvParser();
    const commas = ",".repeat(1 << 20);
    let error: unknown;
    let delivered = 0;
    try {
      parser.push("h\n", () => delivered++);
      parser.push(commas, () => delivered++);
    } catch (err) {
      error = err;
    }
    expect(limitOf(error)).toEqual({ code: "CSV_ROW_TOO_MANY_FIELDS", rowNumber: 2, max: 64 });
    expect(delivered).toBe(1);
  });

  it.each([0, 1, 7, 100])("refuses a cell longer than maxCellLength, quoted or not, counting the quotes (chunks of %i)", (size) => {
    const limits = { maxCellLength: 10 };
    expect(parse(`h\n${"x".repeat(10)},"${"y".repeat(8)}"\n`, size, limits).records[1]).toEqual([["x".repeat(10), "y".repeat(8)], 2]);
    expect(limitOf(parseError(`h\nok\n${"x".repeat(11)}\n`, size, limits).error)).toEqual({ code: "CSV_CELL_TOO_LONG", rowNumber: 3, max: 10 });
    expect(limitOf(parseError(`h\n"${"y".repeat(9)}"\n`, size, limits).error)).toMatchObject({ code: "CSV_CELL_TOO_LONG", rowNumber: 2 });
    expect(limitOf(parseError(`h\n"ab"${"z".repeat(7)},1\n`, size, limits).error)).toMatchObject({ code: "CSV_CELL_TOO_LONG", rowNumber: 2 });
    // The last cell of the file, without a line end.
    expect(limitOf(parseError(`h\n${"x".repeat(11)}`, size, limits).error)).toMatchObject({ code: "CSV_CELL_TOO_LONG", rowNumber: 2 });
  });

  it("refuses a quoted cell that never closes once it passes the limit, naming the row it starts in", () => {
    const { error } = parseError(`h\n1\n"open${",x\r\n".repeat(2000)}`, 1000);
    expect(limitOf(error)).toEqual({ code: "CSV_CELL_TOO_LONG", rowNumber: 3, max: 4096 });
    expect((error as Error).message).toBe("a cell of row 3 is longer than 4,096 characters (is a closing quote missing?)");
  });

  it.each([0, 1, 9, 50])("refuses a record longer than maxRowLength, separators and quotes counted, the line end not (chunks of %i)", (size) => {
    const limits = { maxRowLength: 20 };
    const twenty = 'aaaa,"bb,b",cccccccc'; // 20 characters as written
    expect(twenty).toHaveLength(20);
    expect(parse(`h\r\n${twenty}\r\n${twenty}`, size, limits).records.map(([, r]) => r)).toEqual([1, 2, 3]);
    expect(limitOf(parseError(`h\r\n${twenty}\r\n${twenty}x\r\n`, size, limits).error)).toEqual({ code: "CSV_ROW_TOO_LONG", rowNumber: 3, max: 20 });
    expect(limitOf(parseError(`h\r\n${twenty},\r\n`, size, limits).error)).toMatchObject({ code: "CSV_ROW_TOO_LONG", rowNumber: 2 });
    expect(limitOf(parseError(`h\r\n${twenty}x`, size, limits).error)).toMatchObject({ code: "CSV_ROW_TOO_LONG", rowNumber: 2 });
  });

  it("holds the header to the same limits", () => {
    expect(limitOf(parseError(`${Array.from({ length: 70 }, (_, i) => `h${i}`).join(",")}\n1\n`).error)).toMatchObject({ code: "CSV_ROW_TOO_MANY_FIELDS", rowNumber: 1 });
  });
});
